// Funnel plot data through the query layer against a direct computation over the raw ratings.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryFunnel } from "../../db/analytics/gaps";
import { funnelFlag, Z998 } from "../../db/analytics/funnel";
import { Z95 } from "../../db/analytics/metrics";
import { NATIONAL } from "../../db/analytics/scope";
import { openFixture, TARGETS, type TestDatabase } from "../support/databases";
import { directCells } from "../support/direct";
import { FIXTURE_WAVES } from "../support/fixture";

const LATEST = FIXTURE_WAVES[FIXTURE_WAVES.length - 1].label;
const round = (rate: number) => Math.round(rate * 1000) / 1000;

describe.each(TARGETS)("funnel on %s", (target) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openFixture(target);
  });
  afterAll(() => t.close());

  it("places every organisation against limits around England's rate, from the raw ratings", async () => {
    const table = await queryFunnel(t.db, NATIONAL, { wave: LATEST, domain: "5" }, 1);
    const england = (await directCells(t.db, "'E'", LATEST, { where: "c.domain_code = '5'" })).get("E")!;
    const organisations = await directCells(t.db, "r.organisation_code", LATEST, { where: "c.domain_code = '5'" });
    // p₀ and σ₁² = Σ(uᵢ − p₀rᵢ)² / ((N − 1)·r̄²), the sum taken directly over respondents.
    const [{ deviation2 }] = await t.db.query<{ deviation2: number }>(
      `select sum((u - $2 * r) * (u - $2 * r)) as deviation2 from (
         select r.id, count(*)::float8 as r, (count(*) filter (where rt.rating < f.met_threshold))::float8 as u
         from respondents r join waves w on w.id = r.wave_id join ratings rt on rt.respondent_id = r.id
         join capabilities c on c.id = rt.capability_id join frameworks f on f.id = c.framework_id
         where w.label = $1 and c.domain_code = '5' and strpos(c.archetypes, r.archetype_code) > 0 group by r.id) x`,
      [LATEST, (england.required - england.met) / england.required],
    );
    const p0 = (england.required - england.met) / england.required;
    const meanRequired = england.required / england.respondents;
    const sigma1 = Math.sqrt(deviation2 / ((england.respondents - 1) * meanRequired ** 2));
    const meta = table.meta.funnel!;
    expect(meta.p0).toBeCloseTo(p0, 12);
    expect(meta.sigma1).toBeCloseTo(sigma1, 9);
    expect(meta.organisations).toBe(organisations.size);
    expect(table.rows).toHaveLength(organisations.size);
    for (const row of table.rows) {
      const cell = organisations.get(String(row.organisation))!;
      const rate = (cell.required - cell.met) / cell.required;
      const half = (z: number) => (z * Math.sqrt(meta.phi) * sigma1) / Math.sqrt(cell.respondents);
      const at95 = { low: Math.max(0, p0 - half(Z95)), high: Math.min(1, p0 + half(Z95)) };
      const at998 = { low: Math.max(0, p0 - half(Z998)), high: Math.min(1, p0 + half(Z998)) };
      expect(row).toMatchObject({
        respondents: Math.round(cell.respondents / 5) * 5,
        gap_rate: round(rate),
        suppressed: false,
        limit95_low: round(at95.low),
        limit95_high: round(at95.high),
        limit998_low: round(at998.low),
        limit998_high: round(at998.high),
        funnel_flag: funnelFlag(rate, at95, at998),
      });
    }
  });

  it("withholds a suppressed organisation's point but keeps it in the limits", async () => {
    const filters = { wave: LATEST, capability: "6-01", staff_group: "AHP" };
    const open = await queryFunnel(t.db, NATIONAL, filters, 1);
    const table = await queryFunnel(t.db, NATIONAL, filters, 10);
    expect(table.meta.funnel).toEqual(open.meta.funnel);
    const hidden = table.rows.filter((r) => r.suppressed);
    expect(hidden.length).toBeGreaterThan(0);
    for (const row of hidden) expect([row.respondents, row.gap_rate, row.limit95_low, row.funnel_flag]).toEqual([null, null, null, null]);
  });

  it("refuses a geographic filter: a funnel compares every organisation", async () => {
    await expect(queryFunnel(t.db, NATIONAL, { wave: LATEST, region: "Y56" })).rejects.toThrow("cannot be filtered by region");
  });
});
