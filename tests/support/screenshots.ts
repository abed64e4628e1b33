// Screenshots of each page type from the browser tests, kept (git-ignored) under screenshots/ so
// they can be looked at after a run.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const SCREENSHOT_DIR = fileURLToPath(new URL("../../screenshots/", import.meta.url));

export function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return path.join(SCREENSHOT_DIR, name);
}
