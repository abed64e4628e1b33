// The England page's change since the previous wave and its trend by domain across waves, in a real
// headless Chromium against the production build, on a copy of the fixture (two open waves). Every
// figure is checked against /api/gaps for the same request.
import { existsSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatPoints, waveName } from "../../app/lib/format";
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

// As the page writes them (en-GB, one decimal; the API's England figures are unrounded).
const percent = (x: number) => `${(x * 100).toFixed(1)}%`;
const interval = (low: number, high: number) => `${percent(low)} to ${percent(high)}`;

interface Row {
  [key: string]: string | number | boolean | null;
}

describe.runIf(process.env.BROWSER_TESTS === "1" && existsSync(CHROMIUM))("England page: change and trend in Chromium", () => {
  let server: Server;
  let browser: Browser;
  let dataDir: string;
  const errors: string[] = [];

  beforeAll(async () => {
    dataDir = await fixtureDataDir();
    server = await startServer({ DATA_DIR: dataDir });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** A page that records console errors and uncaught exceptions (checked at the end). */
  async function open(address: string): Promise<Page> {
    const page = await browser.newPage();
    page.on("pageerror", (e) => errors.push(`${address}: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(`${address}: ${m.text()}`);
    });
    const response = await page.goto(`${server.url}${address}`, { waitUntil: "networkidle" });
    expect(response?.status()).toBe(200);
    return page;
  }

  const api = async (query: string): Promise<{ meta: Record<string, unknown>; rows: Row[] }> => {
    const response = await fetch(`${server.url}/api/gaps?${query}&format=json`);
    expect(response.status).toBe(200);
    return response.json();
  };

  /** The trend's point texts: each mark's <title>, or its data-tip once the tooltip script has moved it there. */
  const pointTexts = (page: Page) =>
    page.locator("#domain-trend svg title, #domain-trend [data-tip]").evaluateAll((els) =>
      els.map((e) => (e.tagName.toLowerCase() === "title" ? e.textContent! : e.getAttribute("data-tip")!)),
    );

  /** The headline's figures: term → the value's text, whitespace collapsed. */
  const headline = async (page: Page) =>
    Object.fromEntries(
      await page.locator("#headline .app-headline__item").evaluateAll((items) =>
        items.map((i) => [i.querySelector("dt")!.textContent!.trim(), i.querySelector("dd")!.textContent!.replace(/\s+/g, " ").trim()]),
      ),
    ) as Record<string, string>;

  it("shows the headline gap rate with its interval and the change since the previous wave, as the API gives them", async () => {
    const page = await open(`/?wave=${LATEST}`);
    const table = await api(`by=&wave=${LATEST}&compare_to=${EARLIER}`);
    const [now] = table.rows;
    const figures = await headline(page);
    expect(figures.Respondents).toBe((now.respondents as number).toLocaleString("en-GB"));
    expect(figures["Overall gap rate"]).toBe(`${percent(now.gap_rate as number)} 95% interval ${interval(now.ci_low as number, now.ci_high as number)}`);
    const flag = { improved: "Improved", worse: "Worse", "no significant change": "No significant change" }[now.change_flag as string];
    expect(figures[`Change since ${waveName(EARLIER)}`]).toMatch(
      new RegExp(
        `^${formatPoints(now.change as number, false)} points 95% interval ${formatPoints(now.change_ci_low as number, false)} to ` +
          `${formatPoints(now.change_ci_high as number, false)} points ${flag}: `,
      ),
    );
    const comparison = table.meta.comparison as { organisations_compared: number; organisations_left_out: number };
    await expect(page.locator("#headline-change-note").innerText()).resolves.toContain(
      `over the ${comparison.organisations_compared} organisations that reported in both waves (${comparison.organisations_left_out} left out)`,
    );
    await expect(page.locator("#headline-change-note").innerText()).resolves.toContain(
      `the gap rate was ${percent(now.compare_gap_rate as number)} in ${waveName(EARLIER)}`,
    );
    // The first wave has no earlier one to compare with.
    await page.goto(`${server.url}/?wave=${EARLIER}`, { waitUntil: "networkidle" });
    expect(Object.keys(await headline(page)).some((t) => t.startsWith("Change since"))).toBe(false);
    await page.close();
  });

  it("leaves the open waves out of the trend by default and says so, as the API's series does", async () => {
    const page = await open("/");
    const series = await api("by=wave,domain");
    const leftOut = series.meta.open_waves_left_out as string[];
    expect(leftOut).toEqual([EARLIER, LATEST]); // the fixture's waves are both open
    await expect(page.locator("#domain-trend .app-chart__no-data").innerText()).resolves.toMatch(/waves still open are left out/);
    await expect(page.locator("#domain-trend-notes").innerText()).resolves.toContain(`${leftOut.map(waveName).join(" and ")} are still open and left out`);
    await page.getByRole("link", { name: "Include the open waves as provisional figures" }).click();
    // A client-side navigation to a view not yet computed: wait for its table, not for a page load.
    await page.waitForURL(/\?provisional=true/, { waitUntil: "commit" });
    await page.locator("#domain-trend-table").waitFor({ timeout: 90_000 });
    await page.close();
  });

  it("draws the trend with provisional waves: SVG, table and /api/gaps?by=wave,domain agree", async () => {
    const page = await open("/?provisional=true");
    const { rows } = await api("by=wave,domain&provisional=true");
    const headers = await page.locator("#domain-trend-table thead th").allInnerTexts();
    expect(headers.slice(1)).toEqual([EARLIER, LATEST].map((w) => `${waveName(w)} (provisional): gap rate (95% interval)`));
    const table = await page.locator("#domain-trend-table tbody tr").evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("th, td")].map((c) => c.textContent!.trim())));
    const domains = [...new Set(rows.map((r) => String(r.domain_name)))];
    expect(table.map((r) => r[0]).sort()).toEqual(domains.sort());
    const titles = await pointTexts(page);
    const panels = await page.locator("#domain-trend .app-trend__domain").allInnerTexts();
    expect(panels).toEqual(table.map((r) => r[0]));
    for (const r of rows) {
      expect(r.provisional).toBe(true);
      const text = r.suppressed ? "suppressed" : `${percent(r.gap_rate as number)} (${interval(r.ci_low as number, r.ci_high as number)})`;
      const row = table.find((t) => t[0] === r.domain_name)!;
      expect(row[1 + [EARLIER, LATEST].indexOf(String(r.wave))]).toBe(text);
      // The chart's point (or its "S") carries the same text as the table's cell.
      expect(titles).toContain(`${r.domain_name}, ${waveName(String(r.wave))} (provisional): ${text}`);
    }
    // One point (or S) per cell: nothing drawn that the table does not hold.
    expect(titles).toHaveLength(rows.length);
    // The table's download is the same request.
    const csv = await page.locator("#domain-trend-table").locator("xpath=../following-sibling::p[1]//a[text()='CSV']").getAttribute("href");
    expect(csv).toBe("/api/gaps?by=wave%2Cdomain&provisional=true&format=csv");
    await expect(page.locator("#domain-trend .app-chart__summary").innerText()).resolves.toMatch(/^Between Autumn 2025 and/);
    await expect(page.locator("#domain-trend-notes").innerText()).resolves.toContain("figures are provisional (hollow dots)");
    await page.screenshot({ path: screenshotPath("england-trend.png"), fullPage: true });
    await page.close();
  });

  it("keeps compare_to, filters and provisional through the filter form and the URL, and on drill-down links", async () => {
    const page = await open(`/?provisional=true`);
    await page.locator("summary", { hasText: "Filter and compare" }).click();
    await page.locator("#compare_to").selectOption(EARLIER);
    const archetype = await page.locator("#archetype option").nth(1).getAttribute("value");
    await page.locator("#archetype").selectOption(archetype!);
    await page.getByRole("button", { name: "Apply filters" }).click();
    // The form also sends the wave shown; the page's own provisional comes after the filters.
    await page.waitForURL(new RegExp(`\\?wave=${LATEST}&compare_to=${EARLIER}&archetype=${archetype}&provisional=true$`));
    // The form shows what the URL says, and the figures are the filtered ones.
    await expect(page.locator("#compare_to").inputValue()).resolves.toBe(EARLIER);
    await expect(page.locator("#archetype").inputValue()).resolves.toBe(archetype);
    const [now] = (await api(`by=&wave=${LATEST}&archetype=${archetype}&compare_to=${EARLIER}`)).rows;
    const figures = await headline(page);
    expect(figures["Overall gap rate"]).toContain(percent(now.gap_rate as number));
    expect(figures[`Change since ${waveName(EARLIER)}`]).toMatch(new RegExp(`^${formatPoints(now.change as number, false)} points`));
    const { rows } = await api(`by=wave,domain&archetype=${archetype}&provisional=true`);
    const first = rows.find((r) => r.wave === LATEST && !r.suppressed)!;
    await expect(pointTexts(page)).resolves.toContain(
      `${first.domain_name}, ${waveName(LATEST)} (provisional): ${percent(first.gap_rate as number)} (${interval(first.ci_low as number, first.ci_high as number)})`,
    );
    // Drill down: the region's link keeps the filters (not the England page's own provisional).
    const region = page.locator("#region-table a").first();
    const href = await region.getAttribute("href");
    expect(href).toMatch(new RegExp(`^/regions/[A-Z0-9]+\\?wave=${LATEST}&compare_to=${EARLIER}&archetype=${archetype}$`));
    await region.click();
    await page.waitForURL(/\/regions\//);
    await expect(page.locator("#archetype").inputValue()).resolves.toBe(archetype);
    await page.close();
  });

  it("shows the change on a region's page too, over the region's organisations", async () => {
    const page = await open(`/regions/Y56?wave=${LATEST}`);
    const table = await api(`by=&region=Y56&wave=${LATEST}&compare_to=${EARLIER}`);
    const [now] = table.rows;
    const change = (await headline(page))[`Change since ${waveName(EARLIER)}`];
    if (now.change === null) expect(change).toMatch(/^(Suppressed|Not published)$/);
    else expect(change).toMatch(new RegExp(`^${formatPoints(now.change as number, false)} points 95% interval`));
    const comparison = table.meta.comparison as { organisations_compared: number };
    await expect(page.locator("#headline-change-note").innerText()).resolves.toContain(`over the ${comparison.organisations_compared} organisations`);
    await page.close();
  });

  it("shows the weighted rate with its interval and says the change is not weighted", async () => {
    const page = await open(`/?weighted=true`);
    const [now] = (await api(`by=&wave=${LATEST}&weighted=true`)).rows;
    const figures = await headline(page);
    expect(figures["Weighted gap rate"]).toBe(
      `${percent(now.weighted_gap_rate as number)} 95% interval ${interval(now.weighted_ci_low as number, now.weighted_ci_high as number)}`,
    );
    await expect(page.locator("#headline-change-note").innerText()).resolves.toContain("Weighting is not compared across waves");
    await page.close();
  });

  it("has no accessibility violations (axe-core), with and without the trend drawn", async () => {
    for (const address of ["/", "/?provisional=true", `/?compare_to=${EARLIER}&weighted=true&provisional=true`]) {
      const page = await open(address);
      await injectAxe(page);
      const result = await page.evaluate(() => (window as unknown as { axe: { run(): Promise<{ violations: { id: string }[] }> } }).axe.run());
      expect(result.violations.map((v) => `${address}: ${v.id}`)).toEqual([]);
      if (address === "/") await page.screenshot({ path: screenshotPath("england-change.png"), fullPage: true });
      await page.close();
    }
  });

  it("logged no console errors on any page", () => {
    expect(errors).toEqual([]);
  });
});
