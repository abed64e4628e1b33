// The staff group pages and the framework explorer in a real headless Chromium, served by server.ts
// from the production build, on a copy of the fixture. Runs when /usr/bin/chromium exists and
// BROWSER_TESTS=1 (scripts/test.ts builds first).
import { existsSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM } from "../support/browser-path";
import { fixtureDataDir, openFixture } from "../support/databases";
import { FIXTURE_WAVES } from "../support/fixture";
import { type Server, startServer } from "../support/processes";
import { screenshotPath } from "../support/screenshots";
import { injectAxe } from "../support/axe";

const ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run",
];
const LATEST = FIXTURE_WAVES[1].label;

interface ApiRow {
  [key: string]: string | number | boolean | null;
}

const percent = (x: number) => `${(x * 100).toFixed(1)}%`;
const count = (n: number) => n.toLocaleString("en-GB");

/** A table's body as text: one array per row, the row header first. */
function tableRows(page: Page, selector: string): Promise<string[][]> {
  return page
    .locator(`${selector} tbody tr`)
    .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("th, td")].map((c) => c.textContent!.trim())));
}

/** The text marks of a chart's image (not its link overlay). */
function chartTexts(page: Page, figure: string): Promise<string[]> {
  return page.locator(`${figure} svg[role='img'] text`).allTextContents();
}

describe.runIf(process.env.BROWSER_TESTS === "1" && existsSync(CHROMIUM))("staff groups and the framework explorer in Chromium", () => {
  let server: Server;
  let browser: Browser;
  let dataDir: string;
  /** The staff group with the most respondents in the latest wave, and its name. */
  let group: { code: string; name: string };
  const errors: string[] = [];

  /** A page that records console errors and uncaught exceptions into `errors`. */
  async function newPage(): Promise<Page> {
    const page = await browser.newPage();
    page.on("pageerror", (e) => errors.push(`${page.url()}: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(`${page.url()}: ${m.text()}`);
    });
    return page;
  }

  const api = async (query: string): Promise<{ rows: ApiRow[]; meta: { suppression: { k: number } } }> =>
    (await fetch(`${server.url}/api/gaps?${query}&format=json`)).json();

  beforeAll(async () => {
    dataDir = await fixtureDataDir();
    server = await startServer({ DATA_DIR: dataDir });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    const groups = (await api(`by=staff_group&wave=${LATEST}`)).rows.filter((r) => !r.suppressed);
    const top = groups.sort((a, b) => Number(b.respondents) - Number(a.respondents))[0];
    group = { code: String(top.staff_group), name: String(top.staff_group_name) };
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("lists the staff groups from the footer, each linking to its page", async () => {
    const page = await newPage();
    await page.goto(`${server.url}/?wave=${LATEST}`, { waitUntil: "networkidle" });
    await page.locator("footer").getByRole("link", { name: "Staff groups" }).click();
    await page.locator("h1", { hasText: "Staff groups" }).waitFor();
    // The footer's link carries no wave: the latest is shown, and the table is /api/gaps by staff group.
    const byGroup = (await api(`by=staff_group&wave=${LATEST}`)).rows;
    for (const r of byGroup) {
      const cells = (await page.locator(`#staff-groups-table tr:has(a[href='/staff-groups/${r.staff_group}'])`).locator("th, td").allInnerTexts()).map((t) => t.trim());
      expect(cells.slice(1)).toEqual(
        r.suppressed
          ? ["suppressed", "suppressed", "suppressed"]
          : [count(Number(r.respondents)), percent(Number(r.gap_rate)), `${percent(Number(r.ci_low))} to ${percent(Number(r.ci_high))}`],
      );
    }
    await page.screenshot({ path: screenshotPath("staff-groups.png"), fullPage: true });
    await page.locator(`#staff-groups-table a[href='/staff-groups/${group.code}']`).click();
    await page.waitForURL(new RegExp(`/staff-groups/${group.code}$`));
    await page.locator("h2", { hasText: "Archetype mix" }).waitFor();
    await page.close();
  });

  it("shows a staff group by region and domain: the heatmap SVG and its table agree with /api/gaps", async () => {
    const page = await newPage();
    const response = await page.goto(`${server.url}/staff-groups/${group.code}?wave=${LATEST}`, { waitUntil: "networkidle" });
    expect(response?.status()).toBe(200);
    const { rows: cells } = await api(`by=region,domain&staff_group=${group.code}&wave=${LATEST}`);
    expect(cells.length).toBeGreaterThan(0);
    const table = await tableRows(page, "#staff-group-table");
    const domains = [...new Set(cells.map((c) => String(c.domain)))].sort((a, b) => a.localeCompare(b, "en-GB", { numeric: true }));
    const texts = await chartTexts(page, "#staff-group-heatmap");
    for (const c of cells) {
      const row = table.find((r) => r[0] === c.region_name)!;
      const cell = row[1 + domains.indexOf(String(c.domain))];
      if (c.suppressed) {
        expect(cell).toBe("suppressed");
      } else {
        expect(cell).toBe(percent(Number(c.gap_rate)));
        expect(texts).toContain(cell);
      }
    }
    // As many "S" cells in the chart as suppressed cells in the table and the API.
    const suppressed = cells.filter((c) => c.suppressed).length;
    expect(texts.filter((t) => t === "S")).toHaveLength(suppressed);
    expect(table.flat().filter((t) => t === "suppressed")).toHaveLength(suppressed);
    await page.screenshot({ path: screenshotPath("staff-group.png"), fullPage: true });
    await page.close();
  });

  it("shows the staff group's archetype mix: the bars and the table match /api/gaps by archetype", async () => {
    const page = await newPage();
    await page.goto(`${server.url}/staff-groups/${group.code}?wave=${LATEST}`, { waitUntil: "networkidle" });
    const { rows } = await api(`by=archetype&staff_group=${group.code}&wave=${LATEST}`);
    const table = await tableRows(page, "#archetype-table");
    expect(table).toHaveLength(5); // every archetype, with or without respondents
    const texts = await chartTexts(page, "#archetype-mix");
    for (const r of rows) {
      const row = table.find((x) => x[0] === r.archetype_name)!;
      if (r.suppressed) {
        expect(row.slice(1)).toEqual(["suppressed", "suppressed", "suppressed"]);
        expect(texts).toContain("suppressed");
      } else {
        expect(row.slice(1)).toEqual([count(Number(r.respondents)), percent(Number(r.gap_rate)), `${percent(Number(r.ci_low))} to ${percent(Number(r.ci_high))}`]);
        expect(texts).toContain(count(Number(r.respondents)));
      }
    }
    // And the organisations table is /api/gaps by organisation for the staff group.
    const { rows: organisations } = await api(`by=organisation&staff_group=${group.code}&wave=${LATEST}`);
    const orgTable = await tableRows(page, "#organisation-table");
    expect(orgTable).toHaveLength(organisations.length);
    for (const o of organisations) {
      const row = orgTable.find((x) => x[0] === o.organisation_name)!;
      if (o.suppressed) expect(row.slice(1)).toEqual(Array(4).fill("suppressed"));
      else expect(row.slice(1, 5)).toEqual([count(Number(o.respondents)), percent(Number(o.gap_rate)), `${percent(Number(o.ci_low))} to ${percent(Number(o.ci_high))}`, String(o.peer_flag)]);
    }
    await page.close();
  });

  it("drills down England → region → organisation for the staff group, keeping the filters, with the breadcrumbs following", async () => {
    const page = await newPage();
    await page.goto(`${server.url}/staff-groups/${group.code}?wave=${LATEST}&weighted=true`, { waitUntil: "networkidle" });
    await page.locator("#staff-group-table a", { hasText: "London" }).click();
    await page.waitForURL(new RegExp(`/staff-groups/${group.code}\\?wave=${LATEST}&weighted=true&region=Y56$`));
    await page.locator("h1", { hasText: "in London" }).waitFor();
    expect(await page.locator(".nhsuk-breadcrumb__list a").allInnerTexts()).toEqual(["England", "London"]);
    const organisation = page.locator("#staff-group-table tbody a").first();
    const name = (await organisation.innerText()).trim();
    await organisation.click();
    await page.waitForURL(/&organisation=[A-Z0-9]+$/);
    await page.locator("h1", { hasText: `in ${name}` }).waitFor();
    const crumbs = page.locator(".nhsuk-breadcrumb__list a");
    const texts = await crumbs.allInnerTexts();
    expect(texts[0]).toBe("England");
    expect(texts[1]).toBe("London");
    expect(texts[texts.length - 1]).toBe(name);
    expect(texts).toHaveLength(4); // England, the region, the ICB, the organisation
    for (const href of await crumbs.evaluateAll((as) => as.map((a) => a.getAttribute("href")))) {
      expect(href).toMatch(new RegExp(`\\?wave=${LATEST}&weighted=true$`));
    }
    // The organisations table leads to the organisation's own page.
    await page.locator("#organisation-table tbody a").first().click();
    await page.waitForURL(/\/organisations\/[A-Z0-9]+\?wave=/);
    await page.locator("h1", { hasText: "ODS code" }).waitFor();
    await page.close();
  });

  it("keeps ?organisation= through the filter form, drops a staff_group filter, and 404s an unknown staff group", async () => {
    const page = await newPage();
    await page.goto(`${server.url}/staff-groups/${group.code}?wave=${LATEST}&staff_group=XX&organisation=RAL`, { waitUntil: "networkidle" });
    // The page's staff group wins: the filter is redirected away and not offered.
    expect(new URL(page.url()).search).toBe(`?wave=${LATEST}&organisation=RAL`);
    expect(await page.locator("select#staff_group").count()).toBe(0);
    const crumbs = await page.locator(".nhsuk-breadcrumb__list a").allInnerTexts();
    expect(crumbs.slice(0, 2)).toEqual(["England", "London"]);
    expect(crumbs).toHaveLength(4);
    await page.screenshot({ path: screenshotPath("staff-group-organisation.png"), fullPage: true });
    await page.locator(".app-filters__more summary").click();
    await page.locator("select#archetype").selectOption("U");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL(new RegExp(`\\?wave=${LATEST}&archetype=U&organisation=RAL$`));
    await page.locator("h1", { hasText: "in Royal Free" }).waitFor();
    await expect(page.locator("select#archetype").inputValue()).resolves.toBe("U");
    const missing = await fetch(`${server.url}/staff-groups/NOPE`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain("There is no staff group with the code “NOPE”");
    expect((await fetch(`${server.url}/staff-groups/${group.code}?organisation=RAL&region=Y56`)).status).toBe(400);
    await page.close();
  });

  it("lists every capability statement of the wave's framework version, with the illustrative markers", async () => {
    const t = await openFixture("pglite");
    const [counts] = await t.db.query<{ statements: number; illustrative: number; users: number }>(
      `select count(*)::int as statements, count(*) filter (where c.illustrative)::int as illustrative,
         count(*) filter (where c.archetypes like '%U%')::int as users
       from capabilities c join waves w on w.framework_id = c.framework_id where w.label = $1`,
      [LATEST],
    );
    await t.close();
    const page = await newPage();
    await page.goto(`${server.url}/?wave=${LATEST}`, { waitUntil: "networkidle" });
    await page.locator("footer").getByRole("link", { name: "Capability framework" }).click();
    await page.locator("h1", { hasText: "Capability framework" }).waitFor();
    expect(counts.statements).toBeGreaterThan(100);
    await expect(page.locator("table.app-table--framework tbody tr").count()).resolves.toBe(counts.statements);
    await expect(page.locator("table.app-table--framework tbody tr", { hasText: "Illustrative text" }).count()).resolves.toBe(counts.illustrative);
    await expect(page.locator("p", { hasText: `${counts.statements} capability statements in` }).count()).resolves.toBe(1);
    // The contents list leads to each domain; the expanders open without script.
    await page.locator(".nhsuk-contents-list a", { hasText: "Human factors" }).click();
    await expect(page.locator("h2", { hasText: "Human factors" }).isVisible()).resolves.toBe(true);
    await page.locator("details#node-4\\.1 summary").click();
    await expect(page.locator("details#node-4\\.1 table").first().isVisible()).resolves.toBe(true);
    await page.screenshot({ path: screenshotPath("framework.png"), fullPage: true });
    // Selecting an archetype lists only the statements badged for it, through the URL and back.
    await page.locator("form[aria-label='Select statements'] select#archetype").selectOption("U");
    await page.getByRole("button", { name: "Show statements" }).click();
    await page.waitForURL(/\/framework\?archetype=U$/);
    await page.locator("#statement-selection").waitFor();
    await expect(page.locator("table.app-table--framework tbody tr").count()).resolves.toBe(counts.users);
    await expect(page.locator("#statement-selection").innerText()).resolves.toBe(
      `Showing ${counts.users} statements of ${counts.statements}: required of Users.`,
    );
    await expect(page.locator("select#archetype").inputValue()).resolves.toBe("U");
    await page.getByRole("link", { name: "Show all statements" }).click();
    await page.waitForURL(/\/framework$/);
    // The address changes before the new list renders: wait for the selection note to go.
    await page.locator("#statement-selection").waitFor({ state: "detached" });
    await expect(page.locator("table.app-table--framework tbody tr").count()).resolves.toBe(counts.statements);
    await page.close();
  });

  it("shows a statement's gap across England, by region (chart and table) and by staff group, as /api/gaps gives them", async () => {
    const page = await newPage();
    await page.goto(`${server.url}/framework?wave=${LATEST}&archetype=U`, { waitUntil: "networkidle" });
    const href = await page.locator("table.app-table--framework a").first().getAttribute("href");
    expect(href).toMatch(new RegExp(`^/framework/capabilities/[^?]+\\?wave=${LATEST}&archetype=U$`));
    await page.goto(`${server.url}${href}`, { waitUntil: "networkidle" });
    const code = decodeURIComponent(new URL(page.url()).pathname.split("/").pop()!);
    await expect(page.locator("h1 .nhsuk-caption-l").innerText()).resolves.toBe(`Capability ${code}`);
    const filters = `capability=${encodeURIComponent(code)}&archetype=U&wave=${LATEST}`;
    const [england] = (await api(`by=&${filters}`)).rows;
    const headline = await page.locator(".app-headline__value").allInnerTexts();
    if (england.suppressed) expect(headline).toEqual(["Suppressed", "Suppressed"]);
    else {
      expect(headline).toEqual([count(Number(england.respondents)), percent(Number(england.gap_rate))]);
      await expect(page.locator("#england-interval").innerText()).resolves.toContain(`${percent(Number(england.ci_low))} to ${percent(Number(england.ci_high))}`);
    }
    const { rows: regions } = await api(`by=region&${filters}`);
    expect(regions.length).toBeGreaterThan(0);
    const table = await tableRows(page, "#region-table");
    const texts = await chartTexts(page, "#region-bars");
    expect(table).toHaveLength(regions.length);
    for (const r of regions) {
      const row = table.find((x) => x[0] === r.region_name)!;
      if (r.suppressed) {
        expect(row.slice(1)).toEqual(["suppressed", "suppressed", "suppressed"]);
        expect(texts).toContain("suppressed");
      } else {
        expect(row.slice(1)).toEqual([count(Number(r.respondents)), percent(Number(r.gap_rate)), `${percent(Number(r.ci_low))} to ${percent(Number(r.ci_high))}`]);
        expect(texts).toContain(percent(Number(r.gap_rate)));
      }
    }
    const { rows: groups } = await api(`by=staff_group&${filters}`);
    const groupTable = await tableRows(page, "#staff-group-table");
    for (const g of groups) {
      const row = groupTable.find((x) => x[0] === g.staff_group_name)!;
      expect(row[2]).toBe(g.suppressed ? "suppressed" : percent(Number(g.gap_rate)));
    }
    // Regions lead to the region's page with the filters kept.
    await page.locator("#region-table a").first().click();
    await page.waitForURL(new RegExp(`/regions/[A-Z0-9]+\\?wave=${LATEST}&archetype=U$`));
    await page.goBack({ waitUntil: "networkidle" });
    await page.screenshot({ path: screenshotPath("capability.png"), fullPage: true });
    expect((await fetch(`${server.url}/framework/capabilities/9-99`)).status).toBe(404);
    await page.close();
  });

  it("works with JavaScript off", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/staff-groups/${group.code}?wave=${LATEST}`);
    expect(await page.locator("#staff-group-heatmap svg").count()).toBeGreaterThan(0);
    expect(await page.locator("#archetype-table").count()).toBe(1);
    await page.goto(`${server.url}/framework`);
    await page.locator("details#node-2\\.1 summary").click();
    await expect(page.locator("details#node-2\\.1 table").isVisible()).resolves.toBe(true);
    await context.close();
  });

  it("has no accessibility violations (axe-core) on the staff group and framework pages", async () => {
    const page = await newPage();
    for (const address of [
      "/staff-groups",
      `/staff-groups/${group.code}`,
      `/staff-groups/${group.code}?region=Y56`,
      `/staff-groups/${group.code}?organisation=RAL`,
      "/framework",
      "/framework?archetype=S&level=4",
      "/framework/capabilities/1-01",
    ]) {
      await page.goto(`${server.url}${address}`, { waitUntil: "networkidle" });
      // Open every expander, so the statement tables are checked too.
      await page.evaluate(() => document.querySelectorAll("details").forEach((d) => d.setAttribute("open", "")));
      await injectAxe(page);
      const result = await page.evaluate(() => (window as unknown as { axe: { run(): Promise<{ violations: { id: string }[] }> } }).axe.run());
      expect(result.violations.map((v) => `${address}: ${v.id}`)).toEqual([]);
    }
    await page.close();
  });

  it("logged no console errors on any page", () => {
    expect(errors).toEqual([]);
  });
});
