// axe-core in a page under test. Evaluated through the browser's debugging protocol rather than
// added as an inline script: the pages' Content-Security-Policy refuses inline scripts, as it should.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";

const source = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export async function injectAxe(page: Page): Promise<void> {
  await page.evaluate(source);
}
