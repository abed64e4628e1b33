// The Organisation page in a real headless Chromium, served by server.ts from the production
// build, on a copy of the fixture: its sections, their charts and tables against /api/gaps, the
// statements' sorting and the filters through the URL (with JavaScript off too), the downloads,
// and axe. Runs when /usr/bin/chromium exists (scripts/test.ts builds first).
import { existsSync } from "node:fs";
import { tableFromIPC } from "apache-arrow";
import { parse as parseCsv } from "csv-parse/sync";
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
const LATEST = FIXTURE_WAVES[1].label;
/** An acute trust with published figures: the fixture holds 6 other acute trusts, so it has national peers (its region has only 2 others). */
const TRUST = "RM1";
/** The fixture's only mental health trust: no peers to compare with. */
const ALONE = "RPG";

type Row = Record<string, string | number | boolean | null>;
const percent = (x: number) => `${(x * 100).toFixed(1)}%`;
const count = (x: number) => x.toLocaleString("en-GB");
const withInterval = (rate: number, low: number, high: number) => `${percent(rate)} (${percent(low)} to ${percent(high)})`;
const FLAG_WORDS: Record<string, string> = { better: "Better", similar: "Similar", worse: "Worse", "not enough organisations to compare": "not enough organisations to compare" };

async function tableCells(page: Page, selector: string): Promise<string[][]> {
  return page.locator(`${selector} tbody tr`).evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("th, td")].map((c) => c.textContent!.replace(/\s+/g, " ").trim())));
}

async function svgTexts(page: Page, selector: string): Promise<string[]> {
  return page.locator(`${selector} .app-chart__plot svg text`).evaluateAll((ts) => ts.map((t) => [...t.childNodes].map((n) => n.textContent).join("\n").trim()));
}

describe.runIf(process.env.BROWSER_TESTS === "1" && existsSync(CHROMIUM))("organisation page in Chromium", () => {
  let server: Server;
  let browser: Browser;
  let dataDir: string;
  const api = async (query: string) => (await (await fetch(`${server.url}/api/gaps?${query}`)).json()) as { rows: Row[] };

  beforeAll(async () => {
    dataDir = await fixtureDataDir();
    server = await startServer({ DATA_DIR: dataDir });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** A page that records console errors and uncaught exceptions. */
  async function open(address: string, javaScriptEnabled = true) {
    const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    page.on("pageerror", (e) => errors.push(e.message));
    const response = await page.goto(`${server.url}${address}`, { waitUntil: "networkidle" });
    return { page, errors, response, close: () => context.close() };
  }

  it("shows every section, with no console errors", async () => {
    const { page, errors, response, close } = await open(`/organisations/${TRUST}?wave=${LATEST}`);
    expect(response?.status()).toBe(200);
    for (const id of ["#staff-group-heatmap", "#staff-group-table", "#peer-comparison", "#peer-table", "#attainment", "#attainment-table", "#statement-table"]) {
      expect(await page.locator(id).count(), id).toBe(1);
    }
    for (const heading of ["Gaps by staff group and domain", "Compared with similar organisations", "Attained level by domain", "Capability statements"]) {
      expect(await page.locator("h2", { hasText: heading }).count(), heading).toBe(1);
    }
    // Each chart has a title, a summary and an accessible SVG.
    for (const id of ["#peer-comparison", "#attainment"]) {
      expect(await page.locator(`${id} .app-chart__title`).innerText()).not.toBe("");
      expect(await page.locator(`${id} .app-chart__summary`).innerText()).not.toBe("");
      expect(await page.locator(`${id} svg[role='img']`).getAttribute("aria-label")).toContain(await page.locator(`${id} .app-chart__summary`).innerText());
    }
    await page.screenshot({ path: screenshotPath("organisation.png"), fullPage: true });
    expect(errors).toEqual([]);
    await close();
  });

  it("links each staff group row to its page within the organisation, with the filters", async () => {
    const { page, close } = await open(`/organisations/${TRUST}?wave=${LATEST}&domain=5`);
    const hrefs = await page.locator("#staff-group-table tbody a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    expect(hrefs.length).toBeGreaterThan(0);
    for (const href of hrefs) expect(href).toMatch(new RegExp(`^/staff-groups/[A-Za-z0-9]+\\?wave=${LATEST}&domain=5&organisation=${TRUST}$`));
    // The chart's overlay carries the same links for pointer users.
    const overlay = await page.locator("#staff-group-heatmap svg.app-chart__links a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    expect(new Set(overlay)).toEqual(new Set(hrefs));
    await close();
  });

  it("compares the organisation with its peers as /api/gaps does, in the table and the chart", async () => {
    const { page, close } = await open(`/organisations/${TRUST}?wave=${LATEST}`);
    const overall = (await api(`by=organisation&organisation=${TRUST}&wave=${LATEST}`)).rows;
    const domains = (await api(`by=organisation,domain&organisation=${TRUST}&wave=${LATEST}`)).rows;
    const rows = await tableCells(page, "#peer-table");
    const expected = [overall[0], ...domains];
    expect(rows).toHaveLength(expected.length);
    expect(rows[0][0]).toBe("All domains");
    const texts = await svgTexts(page, "#peer-comparison");
    let compared = 0;
    expected.forEach((r, i) => {
      const row = rows[i];
      if (i > 0) expect(row[0]).toBe(`${r.domain}. ${r.domain_name}`);
      if (r.suppressed) {
        expect(row.slice(1)).toEqual(Array(6).fill("suppressed"));
        return;
      }
      expect(row[1]).toBe(count(r.respondents as number));
      expect(row[2]).toBe(withInterval(r.gap_rate as number, r.ci_low as number, r.ci_high as number));
      expect(row[3]).toBe(r.peer_rate === null ? "not published" : percent(r.peer_rate as number));
      expect(row[4]).toBe(FLAG_WORDS[String(r.peer_flag)]);
      expect(row[5]).toBe(r.region_peer_rate === null ? "not published" : percent(r.region_peer_rate as number));
      expect(row[6]).toBe(FLAG_WORDS[String(r.region_peer_flag)]);
      // The chart labels the same rate and says the same comparison.
      expect(texts).toContain(percent(r.gap_rate as number));
      const words = (flag: unknown) => (flag === "not enough organisations to compare" ? "not enough to compare" : String(flag));
      expect(texts).toContain(`Peers: ${words(r.peer_flag)}\nRegion: ${words(r.region_peer_flag)}`);
      if (r.peer_rate !== null) compared += 1;
    });
    // The fixture's acute trusts are enough for a national comparison, too few for a regional one.
    expect(compared).toBeGreaterThan(0);
    expect(expected.some((r) => r.region_peer_flag === "not enough organisations to compare")).toBe(true);
    await close();
  });

  it("says when there are not enough organisations to compare", async () => {
    const { page, close } = await open(`/organisations/${ALONE}?wave=${LATEST}`);
    const rows = await tableCells(page, "#peer-table");
    const published = rows.filter((r) => r[1] !== "suppressed");
    expect(published.length).toBeGreaterThan(0);
    for (const row of published) expect([row[3], row[4], row[5], row[6]]).toEqual(["not published", "not enough organisations to compare", "not published", "not enough organisations to compare"]);
    expect(await svgTexts(page, "#peer-comparison")).toContain("Peers: not enough to compare\nRegion: not enough to compare");
    await close();
  });

  it("shows attained levels as /api/gaps does, in the table and the chart", async () => {
    const { page, close } = await open(`/organisations/${TRUST}?wave=${LATEST}`);
    const json = (await api(`by=domain&organisation=${TRUST}&wave=${LATEST}&attainment=true`)).rows;
    const rows = await tableCells(page, "#attainment-table");
    expect(rows).toHaveLength(json.length);
    const texts = (await svgTexts(page, "#attainment")).join("\n");
    let drawn = 0;
    json.forEach((r, i) => {
      const row = rows[i];
      expect(row[0]).toBe(`${r.domain}. ${r.domain_name}`);
      if (r.suppressed) {
        expect(row.slice(1).every((c) => c === "suppressed")).toBe(true);
        return;
      }
      expect(row.slice(1, 3)).toEqual([count(r.placed as number), count(r.incomplete as number)]);
      if (r.attained_0_share === null) {
        expect(row.slice(3, 8).every((c) => c.startsWith("withheld"))).toBe(true);
        return;
      }
      expect(row.slice(3, 8)).toEqual([0, 1, 2, 3, 4].map((l) => percent(r[`attained_${l}_share`] as number)));
      expect(row[8]).toBe(r.expected_level === null ? "varies" : String(r.expected_level));
      expect(row[9]).toBe(withInterval(r.below_expected_share as number, r.below_expected_ci_low as number, r.below_expected_ci_high as number));
      expect(texts).toContain(`${percent(r.below_expected_share as number)} below expected${r.expected_level === null ? "" : ` L${r.expected_level}`}`);
      // Pieces wide enough carry their level and share in text.
      for (const l of [0, 1, 2, 3, 4]) if ((r[`attained_${l}_share`] as number) >= 0.12) expect(texts).toContain(`L${l} ${percent(r[`attained_${l}_share`] as number)}`);
      drawn += 1;
    });
    expect(drawn).toBeGreaterThan(0);
    await close();
  });

  it("lists every capability statement as /api/gaps does, largest gap first, and the downloads hold the same table", async () => {
    const { page, close } = await open(`/organisations/${TRUST}?wave=${LATEST}`);
    const json = (await api(`by=capability&organisation=${TRUST}&wave=${LATEST}`)).rows;
    const rows = await tableCells(page, "#statement-table");
    expect(rows).toHaveLength(json.length);
    expect(await page.locator("#statement-table th[aria-sort='descending']").innerText()).toContain("Gap rate");
    const byCode = new Map(json.map((r) => [String(r.capability), r]));
    const shown = rows.map((row) => {
      const code = row[0].split(" ")[0];
      const r = byCode.get(code)!;
      expect(r, code).toBeTruthy();
      expect(row[0]).toContain(String(r.capability_name));
      if (r.suppressed) expect(row.slice(3)).toEqual(["suppressed", "suppressed"]);
      else expect(row.slice(3)).toEqual([count(r.respondents as number), withInterval(r.gap_rate as number, r.ci_low as number, r.ci_high as number)]);
      return r;
    });
    const rates = shown.filter((r) => typeof r.gap_rate === "number").map((r) => r.gap_rate as number);
    expect(rates).toEqual([...rates].sort((a, b) => b - a));
    // Suppressed statements go last: their rate is unknown.
    const firstHidden = shown.findIndex((r) => r.suppressed);
    if (firstHidden >= 0) expect(shown.slice(firstHidden).every((r) => r.suppressed || r.gap_rate === null)).toBe(true);

    const downloads = page.locator("section[aria-labelledby='statements'] .app-downloads");
    const csvHref = await downloads.getByRole("link", { name: "CSV", exact: true }).getAttribute("href");
    const arrowHref = await downloads.getByRole("link", { name: "Arrow", exact: true }).getAttribute("href");
    expect(csvHref).toBe(`/api/gaps?by=capability&wave=${LATEST}&organisation=${TRUST}&format=csv`);
    const csv = parseCsv(await (await fetch(`${server.url}${csvHref}`)).text(), { columns: true }) as Record<string, string>[];
    const arrow = tableFromIPC(new Uint8Array(await (await fetch(`${server.url}${arrowHref}`)).arrayBuffer()));
    expect(csv).toHaveLength(rows.length);
    expect(arrow.numRows).toBe(rows.length);
    const arrowRows = arrow.toArray().map((r) => r.toJSON() as Row);
    for (const [i, line] of csv.entries()) {
      const r = byCode.get(line.capability)!;
      expect(line.suppressed).toBe(String(r.suppressed));
      expect(line.gap_rate === "" ? null : Number(line.gap_rate)).toBe(r.gap_rate);
      expect(line.respondents === "" ? null : Number(line.respondents)).toBe(r.respondents);
      const a = arrowRows[i];
      expect(a.capability).toBe(line.capability);
      if (r.gap_rate === null) expect(a.gap_rate).toBeNull();
      else expect(Number(a.gap_rate)).toBeCloseTo(r.gap_rate as number, 6);
      expect(a.suppressed).toBe(r.suppressed);
    }
    await close();
  });

  for (const javaScriptEnabled of [true, false]) {
    it(`sorts the statements through the URL, keeping the filters (JavaScript ${javaScriptEnabled ? "on" : "off"})`, async () => {
      const { page, errors, close } = await open(`/organisations/${TRUST}?wave=${LATEST}&domain=5`, javaScriptEnabled);
      await page.locator("#statement-table thead a", { hasText: "Capability" }).click();
      await page.waitForURL((u) => u.searchParams.get("sort") === "code");
      await page.locator("#statement-table th[aria-sort='ascending']").waitFor();
      const url = new URL(page.url());
      expect(`${url.pathname}${url.search}`).toBe(`/organisations/${TRUST}?wave=${LATEST}&domain=5&sort=code&dir=asc`);
      expect(url.hash).toBe("#statements");
      // The API lists capabilities in the framework's order: the code order.
      const json = (await api(`by=capability&organisation=${TRUST}&wave=${LATEST}&domain=5`)).rows;
      const codes = (await tableCells(page, "#statement-table")).map((r) => r[0].split(" ")[0]);
      expect(codes).toEqual(json.map((r) => r.capability));
      expect((await tableCells(page, "#statement-table")).every((r) => r[1] === "5. Health data management")).toBe(true);
      // Again: the other direction.
      await page.locator("#statement-table thead a", { hasText: "Capability" }).click();
      await page.waitForURL((u) => u.searchParams.get("dir") === "desc");
      await page.locator("#statement-table th[aria-sort='descending']").waitFor();
      expect((await tableCells(page, "#statement-table")).map((r) => r[0].split(" ")[0])).toEqual(json.map((r) => r.capability).reverse());
      // The filter form keeps the order: applying a filter puts it before the page's own parameters.
      // (The details element is open: a filter is set.)
      expect(await page.locator(".app-filters__more").getAttribute("open")).not.toBeNull();
      await page.locator("select#level").selectOption("3");
      await page.getByRole("button", { name: "Apply filters" }).click();
      await page.waitForURL((u) => u.searchParams.get("level") === "3");
      const filtered = new URL(page.url());
      expect(filtered.search).toBe(`?wave=${LATEST}&domain=5&level=3&sort=code&dir=desc`);
      // The address can change a moment before the table is drawn again: wait for the rows to follow.
      await expect.poll(async () => (await tableCells(page, "#statement-table")).every((r) => r[2] === "3")).toBe(true);
      expect(await page.locator("select#domain").inputValue()).toBe("5");
      expect(await page.locator("select#level").inputValue()).toBe("3");
      // Attained levels take all levels of a domain: with a level filter the section says why it is empty.
      expect(await page.locator("section[aria-labelledby='attainment-heading']").innerText()).toContain("clear the level filter");
      // The sort links and breadcrumbs carry the filters.
      expect(await page.locator("#statement-table thead a", { hasText: "Gap rate" }).getAttribute("href")).toMatch(/[?&]domain=5&level=3(&|#|$)/);
      for (const href of await page.locator(".nhsuk-breadcrumb__list a").evaluateAll((as) => as.map((a) => a.getAttribute("href")))) {
        expect(href).toContain("domain=5&level=3");
      }
      expect(errors.filter((e) => !/net::ERR|Failed to load resource/.test(e))).toEqual([]);
      await close();
    });
  }

  it("filters every section by the page's filters, as /api/gaps does", async () => {
    const { page, close } = await open(`/organisations/${TRUST}?wave=${LATEST}&archetype=U&domain=2`);
    const peers = (await api(`by=organisation,domain&organisation=${TRUST}&wave=${LATEST}&archetype=U&domain=2`)).rows;
    const rows = await tableCells(page, "#peer-table");
    // With a domain filter, the domain row is the whole comparison.
    expect(rows.map((r) => r[0])).toEqual(peers.map((r) => `${r.domain}. ${r.domain_name}`));
    const attainment = (await api(`by=domain&organisation=${TRUST}&wave=${LATEST}&archetype=U&domain=2&attainment=true`)).rows;
    const levels = await tableCells(page, "#attainment-table");
    expect(levels).toHaveLength(attainment.length);
    // Users have one expected level.
    if (!attainment[0].suppressed) expect(levels[0][8]).toBe(String(attainment[0].expected_level));
    // Each table's downloads ask /api/gaps for the same request.
    const href = async (section: string) => page.locator(`section[aria-labelledby='${section}'] .app-downloads`).getByRole("link", { name: "CSV", exact: true }).getAttribute("href");
    expect(await href("statements")).toBe(`/api/gaps?by=capability&wave=${LATEST}&organisation=${TRUST}&archetype=U&domain=2&format=csv`);
    expect(await href("peers-heading")).toBe(`/api/gaps?by=organisation%2Cdomain&archetype=U&domain=2&organisation=${TRUST}&wave=${LATEST}&format=csv`);
    expect(await href("attainment-heading")).toBe(`/api/gaps?by=domain&archetype=U&domain=2&organisation=${TRUST}&wave=${LATEST}&attainment=true&format=csv`);
    await close();
  });

  it("shows the trust's trend by domain across waves as /api/gaps does, and the change since the previous wave", async () => {
    const { page, errors, close } = await open(`/organisations/${TRUST}?wave=${LATEST}&provisional=true`);
    const { rows } = await api(`by=wave,domain&organisation=${TRUST}&provisional=true`);
    expect(rows.length).toBeGreaterThan(0);
    const table = await tableCells(page, "#organisation-trend-table");
    const waves = FIXTURE_WAVES.map((w) => w.label);
    for (const r of rows) {
      const text = r.suppressed ? "suppressed" : withInterval(r.gap_rate as number, r.ci_low as number, r.ci_high as number);
      const row = table.find((t) => t[0] === r.domain_name)!;
      expect(row, String(r.domain_name)).toBeDefined();
      expect(row[1 + waves.indexOf(String(r.wave))]).toBe(text);
    }
    // The chart draws one point (or "S") per cell of the table.
    const points = await page.locator("#organisation-trend .app-chart__plot [data-tip], #organisation-trend .app-chart__plot svg title").count();
    expect(points).toBe(rows.length);
    // Without provisional=true the open waves are left out, and the page offers them.
    await page.goto(`${server.url}/organisations/${TRUST}?wave=${LATEST}`, { waitUntil: "networkidle" });
    await page.locator("#organisation-trend-heading").waitFor();
    expect(await page.locator(`a[href="/organisations/${TRUST}?wave=${LATEST}&provisional=true#organisation-trend-heading"]`).count()).toBe(1);
    // The headline compares with the previous wave over the organisation's own figures.
    const [now] = (await api(`by=&wave=${LATEST}&organisation=${TRUST}&compare_to=${FIXTURE_WAVES[0].label}`)).rows;
    expect(now.suppressed).toBe(false);
    const terms = await page.locator("#headline dt").allInnerTexts();
    expect(terms.some((t) => t.startsWith("Change since"))).toBe(true);
    expect(await page.locator("#headline").innerText()).toContain(percent(now.gap_rate as number));
    expect(errors).toEqual([]);
    await close();
  });

  it("refuses an unknown order with a message", async () => {
    const response = await fetch(`${server.url}/organisations/${TRUST}?sort=name`);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("sort=name: sort the statements by gap or by code.");
  });

  it("has no accessibility violations (axe-core), unfiltered, filtered and sorted", async () => {
    const { page, close } = await open(`/organisations/${TRUST}`);
    for (const address of [`/organisations/${TRUST}`, `/organisations/${TRUST}?wave=${LATEST}&archetype=U&domain=5&sort=code&dir=asc`, `/organisations/${ALONE}?level=2`]) {
      await page.goto(`${server.url}${address}`, { waitUntil: "networkidle" });
      await injectAxe(page);
      const result = await page.evaluate(() => (window as unknown as { axe: { run(): Promise<{ violations: { id: string }[] }> } }).axe.run());
      expect(result.violations.map((v) => `${address}: ${v.id}`)).toEqual([]);
    }
    await close();
  });
});
