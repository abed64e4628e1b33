// The dashboard in a real headless Chromium, served by server.ts from the production build, on a
// copy of the fixture. Runs when /usr/bin/chromium exists (scripts/test.ts builds first).
import { existsSync } from "node:fs";
import path from "node:path";
import { tableFromIPC } from "apache-arrow";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM } from "../support/browser-path";
import { screenshotPath } from "../support/screenshots";
import { fixtureDataDir } from "../support/databases";
import { FIXTURE_WAVES } from "../support/fixture";
import { type Server, startServer } from "../support/processes";
import { injectAxe } from "../support/axe";

const ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run",
];
const LATEST = FIXTURE_WAVES[1].label;

describe.runIf(process.env.BROWSER_TESTS === "1" && existsSync(CHROMIUM))("dashboard in Chromium", () => {
  let server: Server;
  let browser: Browser;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await fixtureDataDir();
    server = await startServer({ DATA_DIR: dataDir });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("shows the England overview: heatmap SVG, its table, the synthetic warning, and data as at", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const response = await page.goto(server.url, { waitUntil: "networkidle" });
    expect(response?.status()).toBe(200);
    await expect(page.title()).resolves.toMatch(/England/);
    expect(await page.locator("svg").count()).toBeGreaterThan(0);
    expect(await page.locator("table caption").count()).toBeGreaterThan(0);
    expect(await page.getByText("Synthetic demo data — not real figures").count()).toBe(1);
    expect(await page.getByText(/Data as at/).count()).toBeGreaterThan(0);
    expect(await page.locator("a.nhsuk-skip-link, a[href='#maincontent']").count()).toBeGreaterThan(0);
    // The bundled framework's statements are mostly illustrative: the page must say so.
    expect(await page.getByText("Illustrative text", { exact: true }).count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.screenshot({ path: screenshotPath("england.png"), fullPage: true });
    await page.close();
  });

  it("follows a region link to the region page, and on to an organisation", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/?wave=${LATEST}`, { waitUntil: "networkidle" });
    await page.locator("a[href^='/regions/Y59']").first().click();
    await page.waitForURL(/\/regions\/Y59/);
    await expect(page.locator("h1").innerText()).resolves.toContain("South East");
    expect(await page.locator("svg").count()).toBeGreaterThan(0);
    await page.locator("a[href^='/organisations/RPG']").first().click();
    await page.waitForURL(/\/organisations\/RPG/);
    await expect(page.locator("h1").innerText()).resolves.toMatch(/Oxleas|RPG/);
    await page.close();
  });

  it("has no accessibility violations (axe-core) on the England, region, ICB, organisation, data, methodology and accessibility pages", async () => {
    const page = await browser.newPage();
    for (const path of ["/", "/regions/Y61", "/icbs/S1Y5D", "/organisations/RGT", "/data", "/methodology", "/accessibility"]) {
      await page.goto(`${server.url}${path}`, { waitUntil: "networkidle" });
      await injectAxe(page);
      const result = await page.evaluate(() => (window as unknown as { axe: { run(): Promise<{ violations: { id: string }[] }> } }).axe.run());
      expect(result.violations.map((v) => `${path}: ${v.id}`)).toEqual([]);
    }
    await page.close();
  });

  it("drills down England → region → ICB → organisation, with the ICB in the organisation's breadcrumbs", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/regions/Y56?wave=${LATEST}`, { waitUntil: "networkidle" });
    const icbLinks = page.locator("nav[aria-labelledby='icbs-heading'] a");
    expect(await icbLinks.count()).toBeGreaterThan(0);
    // The ICB holding the fixture's London trusts (RAL, RKE) at the wave's reference date.
    await page.locator("nav[aria-labelledby='icbs-heading'] a[href^='/icbs/Z9B2Z']").click();
    await page.waitForURL(/\/icbs\/[A-Z0-9]+\?wave=/);
    await page.locator("h1", { hasText: "Integrated care board in London" }).waitFor();
    await expect(page.locator(".nhsuk-breadcrumb__list").innerText()).resolves.toMatch(/England\s+London/);
    // The ICB's own sections: its organisations' heatmap, the funnel and its priorities.
    for (const id of ["#organisation-heatmap", "#funnel", "#priority-table"]) expect(await page.locator(id).count()).toBe(1);
    const icb = new URL(page.url()).pathname.split("/").pop()!;
    const api = await (await fetch(`${server.url}/api/priorities?icb=${icb}&wave=${LATEST}`)).json();
    await expect(page.locator("#priority-table tbody tr").first().locator("td").nth(3).innerText()).resolves.toBe(
      api.rows[0].staff_below.toLocaleString("en-GB"),
    );
    const organisation = page.locator("#organisation-table a").first();
    await organisation.click();
    await page.waitForURL(/\/organisations\//);
    await page.locator("h1", { hasText: "ODS code" }).waitFor();
    const crumbs = await page.locator(".nhsuk-breadcrumb__list a").allInnerTexts();
    expect(crumbs.slice(0, 2)).toEqual(["England", "London"]);
    expect(crumbs).toHaveLength(3); // England, London, the ICB
    await page.close();
  });

  it("shows the waves with their status and each organisation's submission and response rate on the Data page", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/?wave=${LATEST}`, { waitUntil: "networkidle" });
    await page.getByRole("link", { name: "About the data" }).click();
    await page.locator("h1", { hasText: "About the data" }).waitFor();
    const waves = await page.locator("#wave-table tbody tr").evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("th, td")].map((c) => c.textContent!.trim())));
    expect(waves.map((w) => w[1])).toEqual(FIXTURE_WAVES.map(() => "Provisional")); // the fixture's waves are open
    const api = await (await fetch(`${server.url}/api/gaps?by=organisation&wave=${LATEST}&weighted=true`)).json();
    const rows = await page.locator("#coverage-table tbody tr").evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("th, td")].map((c) => c.textContent!.trim())));
    expect(rows).toHaveLength(api.rows.length);
    for (const r of api.rows) {
      const row = rows.find((x) => x[0] === r.organisation_name)!;
      if (r.suppressed) expect(row[2]).toBe("suppressed");
      else expect([row[2], row[3], row[4].replace(/\s*Low$/, "")]).toEqual([r.respondents.toLocaleString("en-GB"), r.headcount.toLocaleString("en-GB"), `${(r.response_rate * 100).toFixed(1)}%`]);
      expect(row[1]).toMatch(/\d{4} at \d{2}:\d{2}$/); // when it was submitted
    }
    await page.close();
  });

  it("shows the methodology from docs/metrics.md and the accessibility statement, both linked from the footer", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`, { waitUntil: "networkidle" });
    await page.getByRole("link", { name: "Methodology" }).click();
    await page.locator("h1", { hasText: "Methodology" }).waitFor();
    // The contents list leads to each section of the definitions.
    await page.locator(".nhsuk-contents-list a", { hasText: "Disclosure control" }).click();
    await expect(page.locator("h2#disclosure-control").isVisible()).resolves.toBe(true);
    expect(await page.locator(".app-prose table.nhsuk-table").count()).toBeGreaterThan(0);
    await page.getByRole("link", { name: "Accessibility statement" }).click();
    await page.locator("h1", { hasText: "Accessibility statement for Capability Gap Analytics" }).waitFor();
    await expect(page.locator("h3", { hasText: "Compliance status" }).count()).resolves.toBe(1);
    await page.close();
  });

  it("shows response coverage by region on the England page, with the weighted gap rate of the API", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/?wave=${LATEST}`, { waitUntil: "networkidle" });
    const api = await (await fetch(`${server.url}/api/gaps?by=region&wave=${LATEST}&weighted=true`)).json();
    const rows = await page.locator("#coverage-table tbody tr").evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("th, td")].map((c) => c.textContent!.trim())));
    expect(rows).toHaveLength(api.rows.length);
    const percent = (x: number) => `${(x * 100).toFixed(1)}%`;
    for (const r of api.rows) {
      const row = rows.find((x) => x[0] === r.region_name)!;
      if (r.suppressed) {
        expect(row.slice(1)).toEqual(Array(5).fill("suppressed"));
        continue;
      }
      expect(row.slice(1, 3)).toEqual([r.respondents.toLocaleString("en-GB"), r.headcount.toLocaleString("en-GB")]);
      expect(row[3].replace(/\s*Low$/, "")).toBe(percent(r.response_rate));
      expect(row[5]).toBe(`${percent(r.weighted_gap_rate)} (${percent(r.weighted_ci_low)} to ${percent(r.weighted_ci_high)})`);
    }
    await page.close();
  });

  it("works with JavaScript off", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/?wave=${FIXTURE_WAVES[0].label}`);
    expect(await page.locator("svg").count()).toBeGreaterThan(0);
    expect(await page.locator("table").count()).toBeGreaterThan(0);
    await context.close();
  });

  it("serves /api/gaps as JSON, CSV and Arrow with the same suppression", async () => {
    const query = `${server.url}/api/gaps?by=organisation,staff_group&wave=${LATEST}`;
    const json = await (await fetch(`${query}&format=json`)).json();
    expect(json.meta).toMatchObject({ synthetic: true, waves: [LATEST] });
    const suppressed = json.rows.filter((r: { suppressed: boolean }) => r.suppressed);
    expect(suppressed.length).toBeGreaterThan(0);
    for (const r of suppressed) expect([r.respondents, r.required, r.met, r.gap_rate, r.ci_low, r.ci_high]).toEqual([null, null, null, null, null, null]);
    const csv = await fetch(query, { headers: { Accept: "text/csv" } });
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const lines = (await csv.text()).trimEnd().split("\r\n");
    expect(lines).toHaveLength(json.rows.length + 1);
    // Names hold no commas in the fixture, so fields can be split plainly: suppressed rows publish only codes and names.
    const header = lines[0].split(",");
    const field = (line: string, column: string) => line.split(",")[header.indexOf(column)];
    const hidden = lines.slice(1).filter((l) => field(l, "suppressed") === "true");
    expect(hidden).toHaveLength(suppressed.length);
    for (const line of hidden) expect(["respondents", "required", "met", "gap_rate", "ci_low", "ci_high", "peer_rate", "peer_flag"].map((c) => field(line, c))).toEqual(Array(8).fill(""));
    const arrow = tableFromIPC(new Uint8Array(await (await fetch(`${query}&format=arrow`)).arrayBuffer()));
    expect(arrow.numRows).toBe(json.rows.length);
    expect(arrow.getChild("suppressed")!.toArray().filter(Boolean).length).toBe(suppressed.length);
    const bad = await fetch(`${server.url}/api/gaps?by=domain,capability`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toContain("at most one framework grouping");
  });

  it("adds coverage and weighted figures to /api/gaps with weighted=true, in every format", async () => {
    const query = `${server.url}/api/gaps?by=region&wave=${LATEST}&weighted=true`;
    const json = await (await fetch(`${query}&format=json`)).json();
    expect(json.meta.coverage).toMatchObject({ headcount_waves: [LATEST], low_response_threshold: 0.2 });
    const visible = json.rows.filter((r: { suppressed: boolean }) => !r.suppressed);
    expect(visible.length).toBeGreaterThan(0);
    for (const r of visible) {
      expect(r.weighted_ci_low).toBeLessThanOrEqual(r.weighted_gap_rate);
      expect(r.weighted_ci_high).toBeGreaterThanOrEqual(r.weighted_gap_rate);
      expect(r.response_rate).toBeGreaterThan(0);
    }
    const csv = (await (await fetch(`${query}&format=csv`)).text()).trimEnd().split("\r\n");
    expect(csv[0].split(",").slice(-8)).toEqual([
      "headcount", "headcount_covered", "response_rate", "low_response", "weighted_gap_rate", "weighted_ci_low", "weighted_ci_high", "effective_sample_size",
    ]);
    const arrow = tableFromIPC(new Uint8Array(await (await fetch(`${query}&format=arrow`)).arrayBuffer()));
    expect(arrow.getChild("weighted_gap_rate")!.get(0)).toBe(json.rows[0].weighted_gap_rate);
    const bad = await fetch(`${server.url}/api/gaps?by=region&weighted=yes`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toContain("weighted=yes: use true or false");
  });

  it("shows the region's commissioning priorities with the figures of the list, and downloads the whole list", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/regions/Y56?wave=${LATEST}`, { waitUntil: "networkidle" });
    const table = page.locator("#priority-table");
    await expect(table.locator("caption").innerText()).resolves.toContain("Commissioning priorities, London");
    const api = await (await fetch(`${server.url}/api/priorities?region=Y56&wave=${LATEST}`)).json();
    const ranked = api.rows.filter((r: { rank: number | null }) => r.rank !== null);
    const rows = table.locator("tbody tr");
    expect(await rows.count()).toBe(Math.min(20, ranked.length));
    // The first row reads as the list's first row: rank, statement, staff group, counts, interval.
    const first = (await rows.first().locator("th, td").allInnerTexts()).map((t) => t.trim());
    const count = (n: number) => n.toLocaleString("en-GB");
    expect(first.slice(0, 6)).toEqual([
      "1",
      `${ranked[0].capability} ${ranked[0].capability_name}`,
      ranked[0].staff_group_name,
      count(ranked[0].headcount),
      count(ranked[0].staff_below),
      `${count(ranked[0].staff_below_low)} to ${count(ranked[0].staff_below_high)}`,
    ]);
    // The list's own downloads: the first CSV and Arrow links after its table.
    const csvHref = await table.locator("xpath=following::a[normalize-space()='CSV'][1]").getAttribute("href");
    const csv = (await (await fetch(`${server.url}${csvHref}`)).text()).trimEnd().split("\r\n");
    expect(csv).toHaveLength(api.rows.length + 1);
    const arrowHref = await table.locator("xpath=following::a[normalize-space()='Arrow'][1]").getAttribute("href");
    expect(tableFromIPC(new Uint8Array(await (await fetch(`${server.url}${arrowHref}`)).arrayBuffer())).numRows).toBe(api.rows.length);
    await page.close();
  });

  it("draws the region's organisations on England's funnel, with the same figures in its table", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/regions/Y56?wave=${LATEST}`, { waitUntil: "networkidle" });
    await expect(page.locator("#funnel svg[role='img']").count()).resolves.toBe(1);
    const api = await (await fetch(`${server.url}/api/funnel?wave=${LATEST}`)).json();
    const gaps = await (await fetch(`${server.url}/api/gaps?by=organisation&region=Y56&wave=${LATEST}`)).json();
    const london = new Set(gaps.rows.map((r: { organisation: string }) => r.organisation));
    const points = api.rows.filter((r: { organisation: string; suppressed: boolean }) => london.has(r.organisation) && !r.suppressed);
    // One diamond per published London organisation, and one table row each with its rate and flag.
    await expect(page.locator("#funnel g[fill='#005eb8'] path").count()).resolves.toBe(points.length);
    const rows = await page.locator("#funnel-table tbody tr").evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("th, td")].map((c) => c.textContent!.trim())));
    expect(rows).toHaveLength(points.length);
    const percent = (x: number) => `${(x * 100).toFixed(1)}%`;
    for (const p of points) {
      const row = rows.find((r) => r[0] === p.organisation_name)!;
      expect([row[2], row[3], row[4]]).toEqual([percent(p.gap_rate), `${percent(p.limit95_low)} to ${percent(p.limit95_high)}`, p.funnel_flag]);
    }
    const within = points.filter((p: { funnel_flag: string }) => p.funnel_flag === "within limits").length;
    await expect(page.locator("#funnel .app-chart__summary").innerText()).resolves.toContain(`${within} within the limits`);
    await page.close();
  });

  it("serves the commissioning-priority list at /api/priorities as JSON, CSV and Arrow", async () => {
    const query = `${server.url}/api/priorities?wave=${LATEST}&region=Y56`;
    const json = await (await fetch(query)).json();
    expect(json.meta.priorities.ranking).toContain("lower end");
    const ranked = json.rows.filter((r: { rank: number | null }) => r.rank !== null);
    expect(ranked.length).toBeGreaterThan(0);
    expect(ranked[0]).toMatchObject({ rank: 1, suppressed: false, staff_below: expect.any(Number) });
    const csv = (await (await fetch(`${query}&format=csv`)).text()).trimEnd().split("\r\n");
    expect(csv[0]).toBe(
      "rank,capability,capability_name,staff_group,staff_group_name,headcount,staff_below,staff_below_low,staff_below_high,organisations,organisations_borrowed,borrowed,suppressed",
    );
    expect(csv).toHaveLength(json.rows.length + 1);
    const arrow = tableFromIPC(new Uint8Array(await (await fetch(`${query}&format=arrow`)).arrayBuffer()));
    expect(arrow.getChild("staff_below_low")!.get(0)).toBe(json.rows[0].staff_below_low);
    const bad = await fetch(`${server.url}/api/priorities?domain=1`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toContain("Unknown parameter domain");
  });

  it("serves /api/funnel as JSON, CSV and Arrow, with the funnel's basis in the metadata", async () => {
    const query = `${server.url}/api/funnel?wave=${LATEST}&domain=5`;
    const json = await (await fetch(query)).json();
    expect(json.meta.funnel).toMatchObject({ p0: expect.any(Number), sigma1: expect.any(Number), organisations: expect.any(Number) });
    expect(json.rows.length).toBe(json.meta.funnel.organisations);
    const csv = (await (await fetch(`${query}&format=csv`)).text()).trimEnd().split("\r\n");
    expect(csv[0]).toBe("organisation,organisation_name,respondents,gap_rate,suppressed,limit95_low,limit95_high,limit998_low,limit998_high,funnel_flag");
    expect(csv).toHaveLength(json.rows.length + 1);
    const arrow = tableFromIPC(new Uint8Array(await (await fetch(`${query}&format=arrow`)).arrayBuffer()));
    expect(JSON.parse(arrow.schema.metadata.get("funnel")!)).toEqual(json.meta.funnel);
    const bad = await fetch(`${server.url}/api/funnel?wave=${LATEST}&organisation=RAL`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toContain("Unknown parameter organisation");
  });

  it("closes the database and exits on SIGTERM, releasing the data folder", async () => {
    const code = await server.stop();
    expect(code).toBe(0);
    expect(existsSync(path.join(dataDir, "pglite.lock"))).toBe(false);
    expect(server.output()).toContain("SIGTERM: closing the database");
  });
});
