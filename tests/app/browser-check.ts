// Manual check of the pages in headless Chromium, with and without JavaScript: screenshots, axe,
// failed or external requests, console errors. Not part of `vitest run` (needs a running server).
//   BASE_URL=http://127.0.0.1:3101 npx tsx tests/app/browser-check.ts /tmp/ui-shots
import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";
import { injectAxe } from "../support/axe";

const base = process.env.BASE_URL ?? "http://127.0.0.1:3101";
const out = process.argv[2] ?? "/tmp/ui-shots";
const pages = (process.env.PAGES ?? "/,/?wave=2025-autumn,/regions/Y62,/organisations/RBT,/regions/XXX,/organisations/ZZZ,/?wave=nope").split(",");
mkdirSync(out, { recursive: true });

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
let problems = 0;
for (const javaScriptEnabled of [true, false]) {
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: Number(process.env.VIEWPORT_WIDTH ?? 1100), height: 900 } });
  for (const path of pages) {
    const page = await context.newPage();
    const issues: string[] = [];
    // The browser logs the page's own 4xx status as a console error; that one is expected.
    page.on("console", (m) => m.type() === "error" && !m.location().url.endsWith(path) && issues.push(`console: ${m.text()}`));
    // With JavaScript off, Chromium blocks the module scripts: expected, not a failure.
    page.on("requestfailed", (r) => (javaScriptEnabled || r.resourceType() !== "script") && issues.push(`failed: ${r.url()} ${r.failure()?.errorText}`));
    page.on("request", (r) => !r.url().startsWith(base) && !r.url().startsWith("data:") && issues.push(`external: ${r.url()}`));
    page.on("response", (r) => r.status() >= 400 && r.url() !== `${base}${path}` && issues.push(`${r.status()}: ${r.url()}`));
    const response = await page.goto(`${base}${path}`, { waitUntil: "networkidle" });
    const name = `${path.replace(/[^a-zA-Z0-9]+/g, "_") || "_"}${javaScriptEnabled ? "" : "-nojs"}`;
    await page.screenshot({ path: `${out}/${name}.png`, fullPage: true });
    const hydrated = javaScriptEnabled ? await page.evaluate(() => "__remixRouter" in window) : null;
    // axe needs script execution; without JS we only take screenshots.
    let axe = "skipped (JS off)";
    if (javaScriptEnabled) {
      await injectAxe(page);
      const result = await page.evaluate(async () => {
        const r = await (window as unknown as { axe: { run: () => Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[]; passes: unknown[] }> } }).axe.run();
        return { violations: r.violations.map((v) => `${v.id} (${v.impact}, ${v.nodes.length})`), passes: r.passes.length };
      });
      axe = `${result.violations.length} violations${result.violations.length ? `: ${result.violations.join("; ")}` : ""}, ${result.passes} passes`;
      problems += result.violations.length;
    }
    const title = await page.title();
    const size = (await response?.body())?.length ?? 0;
    problems += issues.length;
    console.log(`${javaScriptEnabled ? "JS " : "noJS"} ${path} → ${response?.status()} "${title}" ${size} B, hydrated=${hydrated}, axe: ${axe}${issues.length ? `\n    ${issues.join("\n    ")}` : ""}`);
    await page.close();
  }
  await context.close();
}
await browser.close();
process.exit(problems ? 1 : 0);
