// The Data page's data quality of each submission in a real headless Chromium, served by server.ts
// from the production build, on a copy of the fixture in which a corrected file has replaced one
// submission (so some counts are at least k): the same figures as the database, and no
// accessibility violations (axe-core).
import { existsSync } from "node:fs";
import path from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publishDataQuality } from "../../db/analytics/data-quality";
import { openDatabase } from "../../db/client";
import { queryGaps } from "../../db/analytics/gaps";
import { NATIONAL } from "../../db/analytics/scope";
import { ingestFiles } from "../../ingest/ingest";
import { CHROMIUM } from "../support/browser-path";
import { correctedFile } from "../support/data-quality";
import { fixtureDataDir } from "../support/databases";
import { FIXTURE_WAVES, TEST_KEY } from "../support/fixture";
import { type Server, startServer } from "../support/processes";
import { injectAxe } from "../support/axe";

const ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run",
];
const LATEST = FIXTURE_WAVES[1].label;
const K = 10;

interface Expected {
  name: string;
  batchId: number;
  fileName: string;
  cells: string[];
}

describe.runIf(process.env.BROWSER_TESTS === "1" && existsSync(CHROMIUM))("data quality on the Data page in Chromium", () => {
  let server: Server;
  let browser: Browser;
  let expected: Expected[];
  beforeAll(async () => {
    const dataDir = await fixtureDataDir();
    // Load the corrected file, then read what the page must show straight from the stored rows,
    // before the server holds the embedded database.
    const db = await openDatabase({ dataDir: path.join(dataDir, "pglite") });
    try {
      const [outcome] = await ingestFiles(db, [await correctedFile(db, "RM1")], { waveLabel: LATEST, key: TEST_KEY, synthetic: true, log: () => {} });
      expect(outcome.status).toBe("loaded");
      const rows = await db.query<{
        organisation: string; name: string; batch_id: number; file_name: string; respondents: number;
        required_capabilities: number; required_answered: number; straight_lining: number; no_required: number;
      }>(
        `select s.organisation_code as organisation, o.name, s.batch_id, b.file_name, s.respondents, s.required_capabilities,
                s.required_answered, s.straight_lining, s.no_required
         from submissions s join waves w on w.id = s.wave_id join organisations o on o.code = s.organisation_code
         join batches b on b.id = s.batch_id
         where w.label = $1 and s.status = 'current'`,
        [LATEST],
      );
      const gaps = await queryGaps(db, NATIONAL, { by: ["organisation"], filters: { wave: LATEST } }, K);
      const percent = (x: number | null) => (x === null ? null : `${(x * 100).toFixed(1)}%`);
      expected = rows.map((r) => {
        const suppressed = gaps.rows.find((g) => g.organisation === r.organisation)!.suppressed === true;
        const p = publishDataQuality(
          { respondents: r.respondents, requiredCapabilities: r.required_capabilities, requiredAnswered: r.required_answered, straightLining: r.straight_lining, noRequired: r.no_required },
          K,
          suppressed,
        );
        const word = (w: string | null) => (w === "suppressed" ? "suppressed" : "withheld");
        const count = (c: typeof p.straightLining) => [c.count === null ? word(c.withheld) : c.count.toLocaleString("en-GB"), percent(c.share) ?? word(c.withheld)];
        return {
          name: r.name,
          batchId: r.batch_id,
          fileName: r.file_name,
          cells: [percent(p.answeredShare) ?? word(p.withheld), ...count(p.straightLining), ...count(p.noRequired)],
        };
      });
    } finally {
      await db.close();
    }
    server = await startServer({ DATA_DIR: dataDir });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("shows each submission's data quality with the database's figures, withheld and suppressed in words", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/data?wave=${LATEST}`, { waitUntil: "networkidle" });
    await page.locator("h2", { hasText: "Data quality of each submission" }).waitFor();
    const rows = await page.locator("#quality-table tbody tr").evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("th, td")].map((c) => c.textContent!.trim())));
    expect(rows).toHaveLength(expected.length);
    for (const e of expected) {
      const row = rows.find((r) => r[0] === e.name)!;
      expect(row.slice(1, 6)).toEqual(e.cells);
      expect(row[6]).toBe(`${e.fileName} in the ingest history`);
    }
    // The corrected submission publishes its counts; others withhold counts under k.
    const corrected = expected.find((e) => e.fileName === "RM1-corrected.csv")!;
    expect(corrected.cells[1]).toMatch(/^\d+$/);
    expect(corrected.cells[3]).toMatch(/^\d+$/);
    expect(rows.some((r) => r.includes("withheld"))).toBe(true);
    // Numbers right-aligned in tabular figures, headers scoped.
    expect(await page.locator("#quality-table td.nhsuk-table__cell--numeric").count()).toBe(expected.length * 5);
    expect(await page.locator("#quality-table thead th[scope='col']").count()).toBe(7);
    await page.close();
  });

  it("links each submission to its file in the ingest history", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/data?wave=${LATEST}`, { waitUntil: "networkidle" });
    const corrected = expected.find((e) => e.fileName === "RM1-corrected.csv")!;
    await page.locator("#quality-table a", { hasText: corrected.fileName }).click();
    await page.waitForURL(/\/ingest\/history/);
    await expect(page.locator(`#batch-${corrected.batchId}`).innerText()).resolves.toContain(corrected.fileName);
    await page.close();
  });

  it("has no accessibility violations (axe-core) on the Data page", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/data?wave=${LATEST}`, { waitUntil: "networkidle" });
    await injectAxe(page);
    const result = await page.evaluate(() => (window as unknown as { axe: { run(): Promise<{ violations: { id: string }[] }> } }).axe.run());
    expect(result.violations.map((v) => v.id)).toEqual([]);
    await page.close();
  });
});
