// Using the dashboard as people do, in a real headless Chromium on the production build: filters
// in the URL, keyboard-only navigation of the filters and the drill-down, chart tooltips, the
// downloads under a table (CSV with its metadata, Arrow) and the printed page.
import { existsSync } from "node:fs";
import { tableFromIPC } from "apache-arrow";
import { parse } from "csv-parse/sync";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM } from "../support/browser-path";
import { fixtureDataDir } from "../support/databases";
import { FIXTURE_WAVES } from "../support/fixture";
import { type Server, startServer } from "../support/processes";
import { screenshotPath } from "../support/screenshots";
import { injectAxe } from "../support/axe";

const ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run",
];
const [EARLIER, LATEST] = FIXTURE_WAVES.map((w) => w.label);

/** Presses Tab until the focused element matches `selector` (fails after `limit` presses). */
async function tabTo(page: Page, selector: string, limit = 80): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

describe.runIf(process.env.BROWSER_TESTS === "1" && existsSync(CHROMIUM))("using the dashboard in Chromium", () => {
  let server: Server;
  let browser: Browser;
  beforeAll(async () => {
    server = await startServer({ DATA_DIR: await fixtureDataDir() });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("reads the filters from the URL into the form, and sends an applied form to one canonical URL", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/?wave=${LATEST}&archetype=E&weighted=true`, { waitUntil: "networkidle" });
    expect(await page.locator("#wave").inputValue()).toBe(LATEST);
    expect(await page.locator("#archetype").inputValue()).toBe("E");
    expect(await page.locator("#weighted").isChecked()).toBe(true);
    expect(await page.locator("details.app-filters__more").getAttribute("open")).not.toBeNull();
    await page.locator("#band").selectOption("5");
    await page.locator("#weighted").uncheck();
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL((u) => u.search.includes("band=5"));
    // Empty fields are dropped and the order is fixed, whatever the form sent.
    expect(new URL(page.url()).search).toBe(`?wave=${LATEST}&archetype=E&band=5`);
    // Back is a client-side navigation: the form follows once the earlier view's data arrive.
    await page.goBack();
    expect(new URL(page.url()).search).toBe(`?wave=${LATEST}&archetype=E&weighted=true`);
    await expect.poll(() => page.locator("#band").inputValue()).toBe("");
    expect(await page.locator("#weighted").isChecked()).toBe(true);
    await page.close();
  });

  it("narrows the figures: the England table with a filter matches /api/gaps with the same filter", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/?wave=${LATEST}&staff_group=NMR`, { waitUntil: "networkidle" });
    const api = await (await fetch(`${server.url}/api/gaps?by=region,domain&wave=${LATEST}&staff_group=NMR&format=json`)).json();
    const published = api.rows.filter((r: { suppressed: boolean; gap_rate: number | null }) => !r.suppressed && r.gap_rate !== null);
    expect(published.length).toBeGreaterThan(0);
    const table = page.locator("#region-table");
    for (const r of published) {
      const row = table.locator("tbody tr", { has: page.locator("th", { hasText: r.region_name }) });
      const header = await table.locator("thead th").allInnerTexts();
      const column = header.findIndex((h) => h.startsWith(`${r.domain}.`));
      const text = await row.locator("th, td").nth(column).innerText();
      expect(text).toBe(`${(r.gap_rate * 100).toFixed(1)}%`);
    }
    // Without the filter the figures differ: the filter really narrows.
    const all = await (await fetch(`${server.url}/api/gaps?by=region,domain&wave=${LATEST}&format=json`)).json();
    expect(all.rows.map((r: { gap_rate: number }) => r.gap_rate)).not.toEqual(api.rows.map((r: { gap_rate: number }) => r.gap_rate));
    await page.close();
  });

  it("can be used with the keyboard alone: choose a filter, apply it, drill down to a region and back up by the breadcrumbs", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/?wave=${LATEST}`, { waitUntil: "networkidle" });
    // The skip link comes first.
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toMatch(/Skip to main content/);
    await tabTo(page, "details.app-filters__more > summary");
    await page.keyboard.press("Enter");
    await tabTo(page, "#archetype");
    await page.keyboard.press("ArrowDown");
    const chosen = await page.locator("#archetype").inputValue();
    expect(chosen).not.toBe("");
    await tabTo(page, ".app-filters__actions button");
    await page.keyboard.press("Enter");
    await page.waitForURL((u) => u.search.includes(`archetype=${chosen}`));
    await tabTo(page, "#region-table a[href^='/regions/']");
    const href = await page.evaluate(() => (document.activeElement as HTMLAnchorElement).getAttribute("href"));
    expect(href).toContain(`archetype=${chosen}`);
    await page.keyboard.press("Enter");
    await page.waitForURL((u) => u.pathname.startsWith("/regions/"));
    expect(new URL(page.url()).search).toBe(`?wave=${LATEST}&archetype=${chosen}`);
    expect(await page.locator("#archetype").inputValue()).toBe(chosen);
    await tabTo(page, ".nhsuk-breadcrumb__link");
    await page.keyboard.press("Enter");
    await page.waitForURL((u) => u.pathname === "/");
    expect(new URL(page.url()).search).toBe(`?wave=${LATEST}&archetype=${chosen}`);
    // Focus is visible on the chart region the keyboard reaches.
    await tabTo(page, ".app-chart__plot");
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).not.toBe("none");
    await page.close();
  });

  it("shows a chart's tooltip on hover and, in a focused chart, with the arrow keys; Escape dismisses it", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/regions/Y56?wave=${LATEST}`, { waitUntil: "networkidle" });
    const funnel = page.locator("figure", { hasText: "Gap rate against respondents" }).locator(".app-chart__plot");
    const point = funnel.locator("svg path, svg circle").filter({ has: page.locator("title") }).first();
    const expected = (await point.locator("title").textContent())!;
    await point.hover();
    const tip = page.locator("#app-chart-tooltip");
    await expect.poll(() => tip.isVisible()).toBe(true);
    expect(await tip.innerText()).toBe(expected);
    await page.keyboard.press("Escape");
    expect(await tip.isVisible()).toBe(false);
    await funnel.focus();
    await page.keyboard.press("ArrowRight");
    expect(await tip.isVisible()).toBe(true);
    expect((await tip.innerText()).length).toBeGreaterThan(0);
    const first = await tip.innerText();
    await page.keyboard.press("ArrowRight");
    expect(await tip.innerText()).not.toBe(first);
    await page.close();
  });

  it("downloads a page's table as CSV, its metadata as JSON and Arrow, with the table's figures", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/?wave=${LATEST}&band=5`, { waitUntil: "networkidle" });
    const links = page.locator("#region-table").locator("xpath=following::p[contains(@class, 'app-downloads')][1]//a");
    const [csvHref, metadataHref, arrowHref] = await links.evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
    expect(csvHref).toContain("format=csv");
    expect(metadataHref).toContain("format=metadata");
    expect(arrowHref).toContain("format=arrow");
    expect(csvHref).toContain("band=5");

    const csvResponse = await fetch(csvHref);
    expect(csvResponse.headers.get("cache-control")).toBe("private, no-store");
    expect(csvResponse.headers.get("content-disposition")).toContain("gaps.csv");
    // The CSV links to its metadata, and is a header line and rows only.
    expect(csvResponse.headers.get("link")).toMatch(/format=metadata.*rel="describedby"/);
    const rows = parse(await csvResponse.text(), { columns: true }) as Record<string, string>[];
    expect(rows.length).toBeGreaterThan(0);
    expect(Object.keys(rows[0]).slice(0, 4)).toEqual(["region", "region_name", "domain", "domain_name"]);

    const metadataResponse = await fetch(metadataHref);
    expect(metadataResponse.headers.get("content-disposition")).toContain("gaps-metadata.json");
    const metadata = await metadataResponse.json();
    expect(metadata).toMatchObject({ waves: [LATEST], filters: { band: "5", wave: LATEST }, scope: "national", synthetic: true });
    expect(metadata.framework_versions.length).toBe(1);
    expect(metadata.suppression.rule).toMatch(/fewer than/);
    expect(typeof metadata.data_as_at).toBe("string");
    expect(typeof metadata.generated_at).toBe("string");

    const arrow = tableFromIPC(new Uint8Array(await (await fetch(arrowHref)).arrayBuffer()));
    expect(arrow.numRows).toBe(rows.length);
    expect(JSON.parse(arrow.schema.metadata.get("suppression")!)).toEqual(metadata.suppression);

    // Every published cell of the download is the table's, and suppressed ones are spelled out.
    const table = page.locator("#region-table");
    const header = await table.locator("thead th").allInnerTexts();
    for (const r of rows) {
      const row = table.locator("tbody tr", { has: page.locator("th", { hasText: r.region_name }) });
      const cell = await row.locator("th, td").nth(header.findIndex((h) => h.startsWith(`${r.domain}.`))).innerText();
      expect(cell).toBe(r.suppressed === "true" ? "suppressed" : `${(Number(r.gap_rate) * 100).toFixed(1)}%`);
    }
    await page.close();
  });

  it("prints the figures without navigation, filters or download links", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/organisations/RGT?wave=${LATEST}`, { waitUntil: "networkidle" });
    await page.emulateMedia({ media: "print" });
    for (const hidden of [".nhsuk-header", ".app-filters", ".app-downloads", ".nhsuk-breadcrumb"]) {
      expect(await page.locator(hidden).first().isVisible(), hidden).toBe(false);
    }
    expect(await page.locator("h1").isVisible()).toBe(true);
    expect(await page.locator(".app-chart svg").first().isVisible()).toBe(true);
    expect(await page.locator("table").first().isVisible()).toBe(true);
    await page.pdf({ path: screenshotPath("organisation-print.pdf") });
    await page.close();
  });

  it("refuses a compare-to wave that is not earlier, naming the parameter", async () => {
    const response = await fetch(`${server.url}/?wave=${EARLIER}&compare_to=${LATEST}`);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain(`compare_to=${LATEST}: compare with a wave before ${EARLIER}`);
  });

  it("says that the funnel and the priorities on an area page are for the whole area when filters narrow the rest", async () => {
    const note = "the filters above do not apply";
    // React separates adjacent text with <!-- -->; the words are what a reader sees.
    const narrowed = (await (await fetch(`${server.url}/regions/Y56?wave=${LATEST}&archetype=E`)).text()).replaceAll("<!-- -->", "");
    expect(narrowed.split(note)).toHaveLength(3);
    expect(narrowed).toContain("These priorities cover every staff group, archetype and band in London");
    const whole = await (await fetch(`${server.url}/regions/Y56?wave=${LATEST}&weighted=true`)).text();
    expect(whole).not.toContain(note);
  });

  it("has no accessibility violations with the filters open and set", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/regions/Y56?wave=${LATEST}&archetype=E&weighted=true`, { waitUntil: "networkidle" });
    await injectAxe(page);
    const result = await page.evaluate(() => (window as unknown as { axe: { run(): Promise<{ violations: { id: string }[] }> } }).axe.run());
    expect(result.violations.map((v) => v.id)).toEqual([]);
    await page.close();
  });
});
