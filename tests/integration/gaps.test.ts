// Every rollup-based cell of the gaps query, interval included, equals a direct computation over
// the raw ratings.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hiddenCells } from "../../db/analytics/disclosure";
import { queryCells, queryGaps } from "../../db/analytics/gaps";
import { NATIONAL } from "../../db/analytics/scope";
import { openFixture, TARGETS, type TestDatabase } from "../support/databases";
import { directCells, directInterval } from "../support/direct";
import { FIXTURE_WAVES } from "../support/fixture";

const LATEST = FIXTURE_WAVES[FIXTURE_WAVES.length - 1].label;

describe.each(TARGETS)("gaps on %s", (target) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openFixture(target);
  });
  afterAll(() => t.close());

  async function compare(
    by: string[],
    key: string,
    keyOf: (row: Record<string, unknown>) => string,
    wave: string | null,
    filters: Record<string, string> = {},
    extra: { join?: string; where?: string } = {},
  ) {
    // Open waves included: the fixture's waves are open (a series leaves them out by default).
    const request = { by, filters: { ...filters, ...(wave ? { wave } : {}) }, provisional: true };
    const { cells } = await queryCells(t.db, NATIONAL, request);
    const table = await queryGaps(t.db, NATIONAL, request, 1);
    const direct = await directCells(t.db, key, wave, extra);
    expect(cells.length).toBe(direct.size);
    expect(table.rows.length).toBe(direct.size);
    expect(table.rows.length).toBeGreaterThan(0);
    // Rates below England level are published to 0.1 percentage points.
    const england = !["region", "icb", "organisation"].some((d) => by.includes(d) || d in filters);
    const published = (rate: number) => (england ? rate : Math.round(rate * 1000) / 1000);
    table.rows.forEach((row, i) => {
      const cell = direct.get(keyOf(row));
      expect(cell, `cell ${keyOf(row)}`).toBeDefined();
      // The sums, exactly; then what is published: counts to the nearest 5, rate and interval from the exact counts.
      expect({ respondents: cells[i].respondents, required: cells[i].required, met: cells[i].met }).toEqual({
        respondents: cell!.respondents,
        required: cell!.required,
        met: cell!.met,
      });
      expect([row.respondents, row.required, row.met]).toEqual([cell!.respondents, cell!.required, cell!.met].map((n) => Math.round(n / 5) * 5));
      expect(row.gap_rate).toBeCloseTo(published((cell!.required - cell!.met) / cell!.required), 12);
      const ci = directInterval(cell!);
      expect(row.ci_low, `ci_low of ${keyOf(row)}`).toBeCloseTo(published(ci.low), 9);
      expect(row.ci_high, `ci_high of ${keyOf(row)}`).toBeCloseTo(published(ci.high), 9);
    });
    return table;
  }

  it("organisation × staff group × domain matches the raw ratings", async () => {
    await compare(
      ["organisation", "staff_group", "domain"],
      "r.organisation_code || '/' || r.staff_group_code || '/' || c.domain_code",
      (r) => `${r.organisation}/${r.staff_group}/${r.domain}`,
      LATEST,
    );
  });

  it("region × capability matches the raw ratings, with regions read at the wave's reference date", async () => {
    const table = await compare(["region", "capability"], "m.region_code || '/' || c.code", (r) => `${r.region}/${r.capability}`, LATEST);
    // RPG moved from London to the South East on 1 April 2026: the later wave counts it in the South East.
    const regions = new Set(table.rows.map((r) => r.region));
    expect(regions).toEqual(new Set(["Y56", "Y59", "Y61"]));
  });

  it("wave × level matches the raw ratings across both waves", async () => {
    const table = await compare(["wave", "level"], "w.label || '/' || c.level", (r) => `${r.wave}/${r.level}`, null);
    expect(new Set(table.rows.map((r) => r.wave))).toEqual(new Set(FIXTURE_WAVES.map((w) => w.label)));
  });

  it("filters by a framework dimension at each grain, matching the raw ratings", async () => {
    await compare(["domain"], "c.domain_code", (r) => String(r.domain), LATEST, { level: "1" }, { where: "c.level = 1" });
    await compare(["capability"], "c.code", (r) => String(r.capability), LATEST, { level: "2", domain: "5" }, { where: "c.level = 2 and c.domain_code = '5'" });
    await compare(["sub_domain"], "cn.node_code", (r) => String(r.sub_domain), LATEST, { domain: "6" }, {
      join: "join capability_nodes cn on cn.capability_id = c.id and cn.node_type = 'sub_domain'",
      where: "c.domain_code = '6'",
    });
    await compare(["staff_group"], "r.staff_group_code", (r) => String(r.staff_group), LATEST, { capability: "6-01", region: "Y61" }, {
      where: "c.code = '6-01' and m.region_code = 'Y61'",
    });
    await compare(["level"], "c.level::text", (r) => String(r.level), LATEST, { domain: "3" }, { where: "c.domain_code = '3'" });
  });

  it("counts a respondent once in a domain however many of its capabilities they rated", async () => {
    const [many] = await t.db.query<{ n: number }>(
      `select count(*)::int as n from (select r.id from respondents r join ratings rt on rt.respondent_id = r.id
         join capabilities c on c.id = rt.capability_id where strpos(c.archetypes, r.archetype_code) > 0
         group by r.id, c.domain_code having count(*) >= 5) x`,
    );
    expect(many.n).toBeGreaterThan(0);
    const byDomain = await queryCells(t.db, NATIONAL, { by: ["domain"], filters: { wave: LATEST } });
    const [{ respondents }] = await t.db.query<{ respondents: number }>(
      `select count(distinct r.id)::int as respondents from respondents r join waves w on w.id = r.wave_id
       where w.label = $1 and exists (select 1 from ratings rt join capabilities c on c.id = rt.capability_id
         where rt.respondent_id = r.id and strpos(c.archetypes, r.archetype_code) > 0)`,
      [LATEST],
    );
    for (const cell of byDomain.cells) expect(cell.respondents).toBeLessThanOrEqual(respondents);
    const all = await queryCells(t.db, NATIONAL, { by: [], filters: { wave: LATEST } });
    expect(all.cells[0].respondents).toBe(respondents);
  });

  it("suppresses every cell under k respondents, and beyond those only the wave's complementary cells", async () => {
    const table = await queryGaps(t.db, NATIONAL, { by: ["organisation", "staff_group"], filters: { wave: LATEST } }, 10);
    const direct = await directCells(t.db, "r.organisation_code || '/' || r.staff_group_code", LATEST);
    const [{ id }] = await t.db.query<{ id: number }>("select id from waves where label = $1", [LATEST]);
    const pattern = (await hiddenCells(t.db, [id], 10)).get(id)!;
    const suppressed = table.rows.filter((r) => r.suppressed);
    expect(suppressed.length).toBeGreaterThan(0);
    for (const row of table.rows) {
      const cell = direct.get(`${row.organisation}/${row.staff_group}`)!;
      expect(row.suppressed).toBe(cell.respondents < 10 || pattern.has(`organisation|${row.organisation}|${row.staff_group}|*|*|all|`));
      if (row.suppressed) {
        expect([row.respondents, row.required, row.met, row.gap_rate, row.ci_low, row.ci_high]).toEqual([null, null, null, null, null, null]);
        expect(row.organisation_name).toBeTypeOf("string");
      }
    }
  });

  it("scopes a region's figures to the organisations in it on the wave's reference date", async () => {
    const table = await queryGaps(t.db, { kind: "region", code: "Y59" }, { by: ["organisation"], filters: { wave: LATEST } }, 1);
    expect(table.rows.map((r) => r.organisation).sort()).toEqual(["RA2", "RDU", "RPG"]);
    const earlier = await queryGaps(t.db, { kind: "region", code: "Y59" }, { by: ["organisation"], filters: { wave: FIXTURE_WAVES[0].label } }, 1);
    expect(earlier.rows.map((r) => r.organisation).sort()).toEqual(["RA2", "RDU"]);
  });
});
