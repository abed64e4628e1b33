// Coverage and weighted figures through the query layer, cross-checked against a computation from
// the raw ratings and the imported headcount: each respondent's weight worked out directly from
// docs/metrics.md ("Coverage and weighting"), cell by cell, on both databases.
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sql } from "../../db/client";
import { type GapRow, type GapTable, queryGaps } from "../../db/analytics/gaps";
import { Z95 } from "../../db/analytics/metrics";
import { NATIONAL } from "../../db/analytics/scope";
import { publishedCount, publishedRate } from "../../db/analytics/suppression";
import { importHeadcount } from "../../ingest/headcount";
import { openFixture, TARGETS, type TestDatabase } from "../support/databases";
import { FIXTURE_ORGANISATIONS, FIXTURE_WAVES } from "../support/fixture";

const LATEST = FIXTURE_WAVES[FIXTURE_WAVES.length - 1].label;

interface Person { id: number; organisation: string; staffGroup: string; region: string; key: string; r: number; u: number }
interface Headcount { organisation: string; staffGroup: string; region: string; headcount: number }

/** Each respondent's required and unmet ratings per domain (key), straight from the ratings. */
async function people(db: Sql, key: "domain" | "all"): Promise<Person[]> {
  return db.query<Person>(
    `select r.id, r.organisation_code as organisation, r.staff_group_code as "staffGroup", m.region_code as region,
            ${key === "domain" ? "c.domain_code" : "'all'"} as key, count(*)::int as r,
            (count(*) filter (where rt.rating < f.met_threshold))::int as u
     from respondents r join waves w on w.id = r.wave_id
     join ratings rt on rt.respondent_id = r.id
     join capabilities c on c.id = rt.capability_id join frameworks f on f.id = c.framework_id
     join organisation_memberships m on m.organisation_code = r.organisation_code
       and w.reference_date between m.valid_from and coalesce(m.valid_to, 'infinity'::date)
     where w.label = $1 and strpos(c.archetypes, r.archetype_code) > 0
     group by 1, 2, 3, 4, 5`,
    [LATEST],
  );
}

/** Everyone who answered (with or without a required rating), by organisation and staff group. */
async function answered(db: Sql): Promise<Map<string, number>> {
  const rows = await db.query<{ o: string; s: string; n: number }>(
    "select organisation_code as o, staff_group_code as s, count(*)::int as n from respondents r join waves w on w.id = r.wave_id where w.label = $1 group by 1, 2",
    [LATEST],
  );
  return new Map(rows.map((r) => [`${r.o}|${r.s}`, r.n]));
}

/**
 * The weighted figures of one cell, respondent by respondent: `weight` gives each respondent's
 * weight in the cell (0 outside it).
 */
function direct(persons: Person[], weight: (p: Person) => number) {
  const used = persons.map((p) => ({ p, w: weight(p) })).filter((x) => x.w > 0 && x.p.r > 0);
  const wu = used.reduce((s, x) => s + x.w * x.p.u, 0);
  const wr = used.reduce((s, x) => s + x.w * x.p.r, 0);
  const sw = used.reduce((s, x) => s + x.w, 0);
  const sw2 = used.reduce((s, x) => s + x.w * x.w, 0);
  const p = wu / wr;
  const n = used.length;
  const deviation = used.reduce((s, x) => s + x.w * x.w * (x.p.u - p * x.p.r) ** 2, 0);
  const se = Math.sqrt((n / (n - 1)) * deviation) / wr;
  const ess = (sw * sw) / sw2;
  // No domain cell here has every respondent at the same share unmet, so the pooled interval applies.
  expect(se).toBeGreaterThan(0);
  expect(used.some((x) => x.p.r > 1)).toBe(true);
  return { rate: p, low: Math.max(0, p - Z95 * se), high: Math.min(1, p + Z95 * se), ess };
}

describe.each(TARGETS)("coverage and weighting on %s", (target) => {
  let t: TestDatabase;
  let headcounts: Headcount[];
  let counts: Map<string, number>;
  let extraOrganisation: string;
  let emptyStratum: string;

  beforeAll(async () => {
    t = await openFixture(target);
    // The fixture's synthetic headcount, plus an organisation in RAL's region that submitted nothing
    // (its staff borrow the region's staff-group rates) and a staff group of RAL nobody answered
    // for (it collapses to RAL's all-staff cell).
    const region = (await t.db.query<{ region_code: string }>(
      `select m.region_code from organisation_memberships m, waves w where w.label = $1 and m.organisation_code = 'RAL'
         and w.reference_date between m.valid_from and coalesce(m.valid_to, 'infinity'::date)`,
      [LATEST],
    ))[0].region_code;
    extraOrganisation = (await t.db.query<{ code: string }>(
      `select m.organisation_code as code from organisation_memberships m, waves w where w.label = $1 and m.region_code = $2
         and w.reference_date between m.valid_from and coalesce(m.valid_to, 'infinity'::date)
         and m.organisation_code <> all($3::text[]) order by 1 limit 1`,
      [LATEST, region, FIXTURE_ORGANISATIONS],
    ))[0].code;
    counts = await answered(t.db);
    const rows = await t.db.query<{ o: string; s: string; n: number }>(
      "select organisation_code as o, staff_group_code as s, headcount as n from headcounts h join waves w on w.id = h.wave_id where w.label = $1",
      [LATEST],
    );
    const staffGroups = (await t.db.query<{ code: string }>("select code from staff_groups order by sort_order")).map((s) => s.code);
    emptyStratum = staffGroups.find((s) => !counts.has(`RAL|${s}`))!;
    const lines = [
      "organisation_code,staff_group,headcount",
      ...rows.filter((r) => !(r.o === "RAL" && r.s === emptyStratum)).map((r) => `${r.o},${r.s},${r.n}`),
      `RAL,${emptyStratum},37`,
      `${extraOrganisation},NMR,300`,
      `${extraOrganisation},AC,120`,
    ];
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "capgap-weighting-")), "headcount.csv");
    writeFileSync(file, `${lines.join("\n")}\n`);
    await importHeadcount(t.db, file, LATEST);
    const stored = await t.db.query<Headcount>(
      `select h.organisation_code as organisation, h.staff_group_code as "staffGroup", m.region_code as region, h.headcount
       from headcounts h join waves w on w.id = h.wave_id
       join organisation_memberships m on m.organisation_code = h.organisation_code
         and w.reference_date between m.valid_from and coalesce(m.valid_to, 'infinity'::date)
       where w.label = $1`,
      [LATEST],
    );
    headcounts = stored;
    regions = new Map(headcounts.map((h) => [h.organisation, h.region]));
    for (const p of await people(t.db, "all")) regions.set(p.organisation, p.region);
  });
  afterAll(() => t.close());

  // The three parts of a respondent's weight (docs/metrics.md): own stratum, empty strata of the
  // organisation, and strata of organisations with no respondents, borrowing the region's staff group.
  const n = (o: string, s: string) => counts.get(`${o}|${s}`) ?? 0;
  const nOrganisation = (o: string) => [...counts].filter(([k]) => k.startsWith(`${o}|`)).reduce((s, [, v]) => s + v, 0);
  const nRegion = (region: string, s: string) =>
    [...counts].filter(([k]) => k.endsWith(`|${s}`) && regionOf(k.split("|")[0]) === region).reduce((sum, [, v]) => sum + v, 0);
  let regions: Map<string, string>;
  const regionOf = (o: string) => regions.get(o);
  const own = (p: Person) => {
    const h = headcounts.find((x) => x.organisation === p.organisation && x.staffGroup === p.staffGroup);
    return h ? h.headcount / n(p.organisation, p.staffGroup) : 0;
  };
  const collapsed = (p: Person, staffGroup?: string) =>
    headcounts
      .filter((h) => h.organisation === p.organisation && n(h.organisation, h.staffGroup) === 0 && (staffGroup === undefined || h.staffGroup === staffGroup))
      .reduce((s, h) => s + h.headcount / nOrganisation(p.organisation), 0);
  const borrowed = (p: Person) =>
    headcounts
      .filter((h) => h.region === p.region && h.staffGroup === p.staffGroup && nOrganisation(h.organisation) === 0)
      .reduce((s, h) => s + h.headcount / nRegion(p.region, p.staffGroup), 0);

  const rowsOf = async (by: string[], filters = {}) => {
    const table: GapTable = await queryGaps(t.db, NATIONAL, { by, filters, weighted: true });
    return table;
  };
  const near = (published: unknown, exact: number, tolerance: number) => expect(Math.abs(Number(published) - exact)).toBeLessThanOrEqual(tolerance);
  const ROUNDED = 0.0005 + 1e-9;

  it("sets up a case of each collapse step (so the checks below cannot pass vacuously)", async () => {
    const persons = await people(t.db, "all");
    expect(emptyStratum).toBeDefined();
    expect(nOrganisation(extraOrganisation)).toBe(0);
    expect(persons.some((p) => collapsed(p) > 0)).toBe(true);
    expect(persons.some((p) => borrowed(p) > 0)).toBe(true);
  });

  it("weights England by domain exactly as the respondents' weights give it", async () => {
    const table = await rowsOf(["domain"]);
    const persons = await people(t.db, "domain");
    expect(table.meta.coverage).toMatchObject({ headcount_waves: [LATEST], low_response_threshold: 0.2 });
    const total = headcounts.reduce((s, h) => s + h.headcount, 0);
    // Respondents of the strata the headcount lists, over the headcount, from the rounded counts.
    const respondents = headcounts.filter((h) => h.headcount > 0).reduce((s, h) => s + n(h.organisation, h.staffGroup), 0);
    const responseRate = publishedRate(publishedCount(respondents) / publishedCount(total));
    for (const row of table.rows) {
      const d = direct(persons.filter((p) => p.key === row.domain), (p) => own(p) + collapsed(p) + borrowed(p));
      expect(row.weighted_gap_rate as number).toBeCloseTo(d.rate, 10);
      expect(row.weighted_ci_low as number).toBeCloseTo(d.low, 10);
      expect(row.weighted_ci_high as number).toBeCloseTo(d.high, 10);
      expect(row.effective_sample_size).toBe(publishedCount(d.ess));
      expect(row.headcount).toBe(publishedCount(total));
      expect(row.response_rate).toBe(responseRate);
      expect(row.low_response).toBe(responseRate < 0.2);
    }
    // The weighting moves the estimate: the synthetic response rates differ by trust and staff group.
    expect(table.rows.some((r) => Math.abs((r.weighted_gap_rate as number) - (r.gap_rate as number)) > 0.002)).toBe(true);
  });

  it("weights regions (borrowing the region's staff-group rate) and organisations (their own strata only)", async () => {
    const persons = await people(t.db, "all");
    const byRegion = await rowsOf(["region"]);
    for (const row of byRegion.rows.filter((r) => r.suppressed === false)) {
      const d = direct(persons.filter((p) => p.region === row.region), (p) => own(p) + collapsed(p) + borrowed(p));
      near(row.weighted_gap_rate, d.rate, ROUNDED);
      near(row.weighted_ci_low, d.low, ROUNDED);
      near(row.weighted_ci_high, d.high, ROUNDED);
      const inRegion = headcounts.filter((h) => h.region === row.region);
      expect(row.headcount).toBe(publishedCount(inRegion.reduce((s, h) => s + h.headcount, 0)));
      expect(row.headcount_covered).toBe(publishedCount(inRegion.filter((h) => n(h.organisation, h.staffGroup) > 0).reduce((s, h) => s + h.headcount, 0)));
    }
    const extraRegion = regionOf(extraOrganisation);
    expect(byRegion.rows.find((r) => r.region === extraRegion)!.suppressed).toBe(false);

    const byOrganisation = await rowsOf(["organisation"]);
    for (const row of byOrganisation.rows.filter((r) => r.suppressed === false)) {
      const o = String(row.organisation);
      const d = direct(persons.filter((p) => p.organisation === o), (p) => own(p) + collapsed(p));
      near(row.weighted_gap_rate, d.rate, ROUNDED);
      near(row.weighted_ci_low, d.low, ROUNDED);
      const staff = headcounts.filter((h) => h.organisation === o).reduce((s, h) => s + h.headcount, 0);
      // Below England the response rate is worked out from the published (rounded) counts.
      const listed = headcounts.filter((h) => h.organisation === o && h.headcount > 0).reduce((s, h) => s + n(o, h.staffGroup), 0);
      expect(row.response_rate).toBe(publishedRate(publishedCount(listed) / publishedCount(staff)));
    }
    expect(byOrganisation.rows.some((r) => r.organisation === extraOrganisation)).toBe(false); // nobody answered there
  });

  it("weights a staff group's cells with its own strata, the organisation's all-staff cell, and the region's staff group", async () => {
    const persons = await people(t.db, "all");
    const table = await rowsOf(["region", "staff_group"]);
    let checked = 0;
    for (const row of table.rows.filter((r) => r.suppressed === false)) {
      const s = String(row.staff_group);
      const d = direct(
        persons.filter((p) => p.region === row.region),
        (p) => (p.staffGroup === s ? own(p) + borrowed(p) : 0) + (n(p.organisation, s) === 0 ? collapsed(p, s) : 0),
      );
      near(row.weighted_gap_rate, d.rate, ROUNDED);
      near(row.weighted_ci_high, d.high, ROUNDED);
      checked++;
    }
    expect(checked).toBeGreaterThan(5);
  });

  it("publishes no coverage or weighted figure for a suppressed cell, and no headcount for cells split by archetype", async () => {
    const table = await rowsOf(["organisation", "staff_group"]);
    const hidden = table.rows.filter((r) => r.suppressed === true);
    expect(hidden.length).toBeGreaterThan(0);
    const coverage = ["headcount", "headcount_covered", "response_rate", "low_response", "weighted_gap_rate", "weighted_ci_low", "weighted_ci_high", "effective_sample_size"];
    for (const row of hidden) for (const c of coverage) expect(row[c]).toBeNull();
    expect(table.columns.slice(-coverage.length)).toEqual(coverage);
    const byArchetype = await rowsOf(["archetype"]);
    for (const row of byArchetype.rows.filter((r: GapRow) => r.suppressed === false)) {
      expect(row.headcount).toBeNull();
      expect(row.response_rate).toBeNull();
      expect(typeof row.weighted_gap_rate).toBe("number");
    }
  });

  it("says when a wave has no headcount, and leaves its figures out", async () => {
    const earlier = FIXTURE_WAVES[0].label;
    await t.db.query("delete from headcounts where wave_id = (select id from waves where label = $1)", [earlier]);
    const table = await queryGaps(t.db, NATIONAL, { by: [], filters: { wave: earlier }, weighted: true });
    expect(table.meta.coverage!.headcount_waves).toEqual([]);
    expect(table.meta.coverage!.label).toContain("npm run headcount:import");
    expect(table.rows[0].weighted_gap_rate).toBeNull();
    expect(table.rows[0].gap_rate).not.toBeNull();
    // Without weighted, the table is as it always was.
    expect((await queryGaps(t.db, NATIONAL, { by: [] })).columns).not.toContain("weighted_gap_rate");
  });
});
