// Attained levels (docs/metrics.md, "Attained level"): the worked example loaded from a real CSV
// file; every cell of the query layer against an independent computation over the raw ratings on
// the fixture, with incomplete respondents loaded through the real ingest; consistency through
// supersession, withdrawal and the backfill migration; and disclosure control.
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ATTAINMENT_COLUMNS } from "../../db/analytics/attainment";
import { QueryError } from "../../db/analytics/dimensions";
import { queryCells, queryGaps } from "../../db/analytics/gaps";
import { wilsonInterval } from "../../db/analytics/metrics";
import { NATIONAL } from "../../db/analytics/scope";
import { readMigrations } from "../../db/migrate";
import { ingestFiles } from "../../ingest/ingest";
import { generateExportRows } from "../../ingest/synthetic/generate";
import { PLAIN_SHAPE, shapeFile } from "../../ingest/synthetic/shapes";
import { withdrawSubmission } from "../../ingest/withdraw";
import { openEmpty, openFixture, TARGETS, type TestDatabase } from "../support/databases";
import { directAttainment, directCells } from "../support/direct";
import { FIXTURE_WAVES, fixtureOptions, TEST_KEY } from "../support/fixture";

// Domain 1 of the bundled framework. Shapers (S) are badged 1-02 (level 1), 1-10 (level 3), 1-14
// and 1-15 (level 4): nothing at level 2, expected level 4. Users (U) are badged 1-01, 1-02
// (level 1), 1-04, 1-05, 1-07, 1-08 (level 2): expected level 2. Met = rating ≥ 3.
const HEADER = "respondent_id,organisation_code,staff_group,archetype,assessed_on,capability_code,rating";
const EXAMPLE: [string, string, Record<string, number>][] = [
  ["P", "S", { "1-02": 3, "1-10": 4, "1-14": 3, "1-15": 2 }], // levels 1 and 3 met (2 skipped), 1-15 not → 3, below 4
  ["Q", "S", { "1-02": 4, "1-10": 3, "1-14": 4, "1-15": 3 }], // all met → 4
  ["R", "S", { "1-02": 3, "1-10": 4, "1-14": 4 }], // 1-15 not rated → incomplete
  ["A", "U", { "1-01": 3, "1-02": 3, "1-04": 3, "1-05": 4, "1-07": 3, "1-08": 3 }], // all met → 2
  ["B", "U", { "1-01": 2, "1-02": 4, "1-04": 4, "1-05": 4, "1-07": 4, "1-08": 4 }], // 1-01 not met → 0, below 2
  ["C", "U", { "1-01": 4, "1-02": 3, "1-04": 3, "1-05": 1, "1-07": 3, "1-08": 3 }], // level 1 met, 1-05 not → 1, below 2
  ["D", "U", { "1-01": 3, "1-10": 4 }], // 1-10 is not badged for Users; level-1 1-02 not rated → incomplete
];

function exampleCsv(): string {
  const lines = EXAMPLE.flatMap(([id, archetype, ratings]) =>
    Object.entries(ratings).map(([code, rating]) => `${id},RAL,Nursing and Midwifery Registered,${archetype},2026-06-10,${code},${rating}`),
  );
  return `${HEADER}\n${lines.join("\n")}\n`;
}

function writeFile(name: string, text: string | Uint8Array): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), "capgap-attainment-")), name);
  writeFileSync(file, text);
  return file;
}

describe.each(TARGETS)("the attained-level example of docs/metrics.md on %s", (target) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openEmpty(target);
    const [outcome] = await ingestFiles(t.db, [writeFile("RAL.csv", exampleCsv())], { waveLabel: "example", key: TEST_KEY, log: () => {} });
    expect(outcome.status).toBe("loaded");
  });
  afterAll(() => t.close());

  const table = (by: string[], k: number, filters: Record<string, string> = {}) => queryGaps(t.db, NATIONAL, { by, filters, attainment: true }, k);

  it("domain 1: 5 placed (one at each level 0 to 4), 2 incomplete, 3 of 5 below expected", async () => {
    const { rows, columns } = await table(["domain"], 1, { domain: "1" });
    expect(columns.slice(-ATTAINMENT_COLUMNS.length)).toEqual([...ATTAINMENT_COLUMNS]);
    // The gap cell's 7 respondents are the 5 placed and the 2 incomplete.
    const [exact] = (await queryCells(t.db, NATIONAL, { by: ["domain"], filters: { domain: "1" } })).cells;
    expect(exact.respondents).toBe(7);
    expect(rows[0]).toMatchObject({
      domain: "1",
      respondents: 5, // 7 to the nearest 5
      placed: 5,
      incomplete: 0, // 2 to the nearest 5
      attained_0: 0, // 1 to the nearest 5, each level
      attained_4: 0,
      attained_0_share: 0.2, // 1 of 5 at each level, from the exact counts; England level, not rounded
      attained_1_share: 0.2,
      attained_2_share: 0.2,
      attained_3_share: 0.2,
      attained_4_share: 0.2,
      expected_level: null, // Shapers expect 4, Users 2: no single expected level for the cell
      below_expected: 5, // 3 to the nearest 5
      below_expected_share: 0.6,
      below_expected_ci_low: expect.closeTo(0.230724, 6), // Wilson on 3 of 5
      below_expected_ci_high: expect.closeTo(0.882379, 6),
    });
  });

  it("by archetype: each with its expected level", async () => {
    const { rows } = await table(["archetype", "domain"], 1);
    const of = (a: string) => rows.find((r) => r.archetype === a)!;
    // Shapers: P at 3, Q at 4, R incomplete; 1 of 2 below 4. Wilson on 1 of 2: 9.5% to 90.5%.
    expect(of("S")).toMatchObject({ expected_level: 4, attained_3_share: 0.5, attained_4_share: 0.5, attained_2_share: 0, below_expected_share: 0.5 });
    expect(of("S").below_expected_ci_low).toBeCloseTo(0.094531, 6);
    // Users: B at 0, C at 1, A at 2, D incomplete; 2 of 3 below 2. Wilson on 2 of 3: 20.8% to 93.9%.
    expect(of("U")).toMatchObject({ expected_level: 2, attained_0_share: 1 / 3, attained_1_share: 1 / 3, attained_2_share: 1 / 3, below_expected_share: 2 / 3 });
    expect(of("U").below_expected_ci_high).toBeCloseTo(0.938508, 6);
  });

  it("below England level, shares and interval are published to 0.1 percentage points", async () => {
    const { rows } = await table(["organisation", "archetype", "domain"], 1);
    expect(rows.find((r) => r.archetype === "U")).toMatchObject({ attained_0_share: 0.333, below_expected_share: 0.667, below_expected_ci_low: 0.208, below_expected_ci_high: 0.939 });
  });

  it("withholds the distribution when fewer than k respondents are placed, the counts still published", async () => {
    // k = 3: Shapers have 3 respondents (published) but only 2 placed.
    const { rows } = await table(["archetype", "domain"], 3);
    expect(rows.find((r) => r.archetype === "S")).toMatchObject({
      suppressed: false,
      placed: 0,
      incomplete: 0,
      expected_level: 4,
      attained_3: null,
      attained_3_share: null,
      below_expected_share: null,
      below_expected_ci_low: null,
    });
  });

  it("is suppressed whole at the default k = 10: every attained-level field is null", async () => {
    const [row] = (await table(["domain"], 10)).rows;
    expect(row.suppressed).toBe(true);
    for (const c of ATTAINMENT_COLUMNS) expect(row[c], c).toBeNull();
  });

  it("is refused at any grain but the domain", async () => {
    await expect(table([], 1)).rejects.toThrow(QueryError);
    await expect(table(["level"], 1)).rejects.toThrow(/per domain/);
    await expect(table(["domain"], 1, { level: "1" })).rejects.toThrow(/per domain/);
    // A table without the option is unchanged.
    const plain = await queryGaps(t.db, NATIONAL, { by: ["domain"] }, 1);
    expect(plain.columns).not.toContain("placed");
  });
});

const LATEST = FIXTURE_WAVES[FIXTURE_WAVES.length - 1].label;
const options = fixtureOptions();

describe.each(TARGETS)("attained levels on the fixture on %s", (target) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openFixture(target);
    // The fixture's respondents rate every capability badged for them. RAL's latest file again,
    // with every seventh rating left out, supersedes its submission: incomplete respondents, some
    // of whom keep no rating at all in a domain, loaded through the real ingest.
    const exp = [...generateExportRows(options)].find((e) => e.waveLabel === LATEST && e.organisationCode === "RAL")!;
    const gappy = { ...exp, rows: exp.rows.filter((_, i) => i % 7 !== 3) };
    const ctx = { capabilityCodes: options.inputs.capabilities.map((c) => c.code), staffGroups: options.inputs.staffGroups };
    const { extension, bytes } = shapeFile(gappy, PLAIN_SHAPE, ctx);
    const [outcome] = await ingestFiles(t.db, [writeFile(`RAL${extension}`, bytes)], { waveLabel: LATEST, key: TEST_KEY, log: () => {} });
    expect(outcome).toMatchObject({ status: "loaded", message: "loaded, replacing 1 earlier submission(s)" });
  });
  afterAll(() => t.close());

  /** Every row of the table against the direct computation (k = 1, so every cell is published). */
  async function compare(by: string[], key: string, keyOf: (row: Record<string, unknown>) => string, wave: string | null) {
    const request = { by, filters: wave ? { wave } : {}, provisional: true, attainment: true };
    const table = await queryGaps(t.db, NATIONAL, request, 1);
    const direct = await directAttainment(t.db, key, wave);
    expect(table.rows.length).toBe(direct.size);
    const england = !["region", "icb", "organisation"].some((d) => by.includes(d));
    const rate = (x: number) => (england ? x : Math.round(x * 1000) / 1000);
    const round5 = (n: number) => Math.round(n / 5) * 5;
    for (const row of table.rows) {
      const cell = direct.get(keyOf(row))!;
      expect(cell, keyOf(row)).toBeDefined();
      const placed = cell.attained.reduce((a, b) => a + b, 0);
      expect(row.respondents).toBe(round5(cell.respondents)); // the gap cell's respondents: placed + incomplete
      expect(row.placed).toBe(round5(placed));
      expect(row.incomplete).toBe(round5(cell.incomplete));
      expect(row.expected_level).toBe(cell.expectedLevels.size === 1 ? [...cell.expectedLevels][0] : null);
      if (placed === 0) {
        // Everyone in the cell incomplete: fewer than k = 1 placed, so no distribution.
        for (const c of ["attained_0", "attained_0_share", "below_expected", "below_expected_share", "below_expected_ci_low"]) expect(row[c]).toBeNull();
        continue;
      }
      for (let l = 0; l <= 4; l++) {
        expect(row[`attained_${l}`]).toBe(round5(cell.attained[l]));
        expect(row[`attained_${l}_share`] as number).toBeCloseTo(rate(cell.attained[l] / placed), 12);
      }
      expect(row.below_expected).toBe(round5(cell.belowExpected));
      expect(row.below_expected_share as number).toBeCloseTo(rate(cell.belowExpected / placed), 12);
      const ci = wilsonInterval(cell.belowExpected, placed)!;
      expect(row.below_expected_ci_low as number).toBeCloseTo(rate(ci.low), 9);
      expect(row.below_expected_ci_high as number).toBeCloseTo(rate(ci.high), 9);
    }
    return { table, direct };
  }

  it("organisation × staff group × domain matches the raw ratings, incomplete respondents included", async () => {
    const { direct } = await compare(
      ["organisation", "staff_group", "domain"],
      "r.organisation_code || '/' || r.staff_group_code",
      (r) => `${r.organisation}/${r.staff_group}/${r.domain}`,
      LATEST,
    );
    const incomplete = [...direct.values()].filter((c) => c.key.startsWith("RAL/")).reduce((n, c) => n + c.incomplete, 0);
    expect(incomplete).toBeGreaterThan(0);
    expect([...direct.values()].filter((c) => !c.key.startsWith("RAL/")).every((c) => c.incomplete === 0)).toBe(true);
  });

  it("region × archetype × domain matches the raw ratings, regions at the wave's reference date", async () => {
    await compare(["region", "archetype", "domain"], "m.region_code || '/' || r.archetype_code", (r) => `${r.region}/${r.archetype}/${r.domain}`, LATEST);
  });

  it("wave × band × domain matches the raw ratings across both waves", async () => {
    await compare(["wave", "band", "domain"], "w.label || '/' || coalesce(r.band_code, '')", (r) => `${r.wave}/${r.band ?? ""}/${r.domain}`, null);
  });

  it("counts in each domain cell exactly the gap cell's respondents", async () => {
    const [attainment, rollups] = await Promise.all([
      t.db.query<{ key: string; n: number }>(
        `select concat_ws('/', wave_id, organisation_code, staff_group_code, archetype_code, band_code, domain_code) as key,
                (attained_0 + attained_1 + attained_2 + attained_3 + attained_4 + incomplete)::int as n
         from attainment_rollups order by 1`,
      ),
      t.db.query<{ key: string; n: number }>(
        `select concat_ws('/', wave_id, organisation_code, staff_group_code, archetype_code, band_code, grain_key) as key, respondents as n
         from rollups where grain = 'domain' order by 1`,
      ),
    ]);
    expect(attainment.length).toBeGreaterThan(0);
    expect(attainment).toEqual(rollups);
  });

  it("the backfill migration rebuilds exactly what the loads wrote", async () => {
    const before = await t.db.query("select * from attainment_rollups order by wave_id, organisation_code, staff_group_code, archetype_code, band_code, domain_code");
    await t.db.query("delete from attainment_rollups");
    const backfill = readMigrations().find((m) => m.tag.endsWith("_attainment_backfill"))!;
    for (const statement of backfill.statements) await t.db.exec(statement);
    const after = await t.db.query("select * from attainment_rollups order by wave_id, organisation_code, staff_group_code, archetype_code, band_code, domain_code");
    expect(after).toEqual(before);
  });

  it("stays consistent when a submission is withdrawn", async () => {
    const rows = async (org: string) =>
      (await t.db.query<{ n: number }>("select count(*)::int as n from attainment_rollups where organisation_code = $1", [org]))[0].n;
    expect(await rows("RKE")).toBeGreaterThan(0);
    await withdrawSubmission(t.db, "RKE", LATEST);
    const [{ n }] = await t.db.query<{ n: number }>(
      "select count(*)::int as n from attainment_rollups a join waves w on w.id = a.wave_id where w.label = $1 and a.organisation_code = 'RKE'",
      [LATEST],
    );
    expect(n).toBe(0);
    // Still every cell equal to the raw ratings, and England's domain cells to the gap cells.
    await compare(["organisation", "archetype", "domain"], "r.organisation_code || '/' || r.archetype_code", (r) => `${r.organisation}/${r.archetype}/${r.domain}`, LATEST);
    const gaps = await directCells(t.db, "c.domain_code", LATEST);
    const { rows: england } = await queryGaps(t.db, NATIONAL, { by: ["domain"], filters: { wave: LATEST }, attainment: true }, 1);
    for (const row of england) expect(row.respondents).toBe(Math.round(gaps.get(String(row.domain))!.respondents / 5) * 5);
  });
});

describe.each(TARGETS)("attained levels under disclosure control on %s", (target) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openFixture(target);
  });
  afterAll(() => t.close());

  it("a cell suppressed under k or hidden by the complementary pattern withholds every attained-level field", async () => {
    const by = ["organisation", "staff_group", "domain"];
    const table = await queryGaps(t.db, NATIONAL, { by, filters: { wave: LATEST }, attainment: true }, 10);
    const { cells } = await queryCells(t.db, NATIONAL, { by, filters: { wave: LATEST } });
    let hidden = 0;
    table.rows.forEach((row, i) => {
      if (row.suppressed) {
        if (cells[i].respondents >= 10) hidden++;
        for (const c of ATTAINMENT_COLUMNS) expect(row[c], `${c} of a suppressed cell`).toBeNull();
      } else {
        expect(row.placed).not.toBeNull();
      }
    });
    // The table has cells hidden only by the complementary pattern, and they withhold as well.
    expect(hidden).toBeGreaterThan(0);
    expect(table.rows.some((r) => !r.suppressed && r.below_expected_share !== null)).toBe(true);
  });
});
