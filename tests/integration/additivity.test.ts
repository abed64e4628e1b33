// Property: rollups add up across the person axis. For every framework grain, the cells of any
// person dimension sum to the cells without it — respondents, required, met and the per-respondent
// sums alike — because a respondent belongs to exactly one organisation, staff group, archetype
// and band. (Across framework values they do not add, and no query sums them.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryCells, type RawCell } from "../../db/analytics/gaps";
import { NATIONAL } from "../../db/analytics/scope";
import { openFixture, TARGETS, type TestDatabase } from "../support/databases";
import { FIXTURE_WAVES } from "../support/fixture";

const LATEST = FIXTURE_WAVES[FIXTURE_WAVES.length - 1].label;
const PERSON = ["region", "icb", "organisation", "staff_group", "archetype", "band"] as const;
const GRAINS = [[], ["domain"], ["sub_domain"], ["capability"], ["level"], ["domain", "level"]];
const MEASURES = ["respondents", "required", "met", "sum_r2", "sum_u2", "sum_ru"] as const;

describe.each(TARGETS)("rollup additivity on %s", (target) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openFixture(target);
  });
  afterAll(() => t.close());

  it.each(GRAINS.map((g) => [g.join(" × ") || "all", g]))("at grain %s, every person dimension's cells sum to the cells without it", async (_name, grain) => {
    const cells = async (by: string[]) => (await queryCells(t.db, NATIONAL, { by: [...by, ...grain], filters: { wave: LATEST } })).cells;
    const keyOf = (c: RawCell) => grain.map((d) => String(c[d])).join("/");
    const whole = new Map((await cells([])).map((c) => [keyOf(c), c]));
    expect(whole.size).toBeGreaterThan(0);
    for (const dimension of PERSON) {
      const sums = new Map<string, Record<string, number>>();
      for (const c of await cells([dimension])) {
        const sum = sums.get(keyOf(c)) ?? Object.fromEntries(MEASURES.map((m) => [m, 0]));
        for (const m of MEASURES) sum[m] += Number(c[m]);
        sums.set(keyOf(c), sum);
      }
      expect([...sums.keys()].sort(), dimension).toEqual([...whole.keys()].sort());
      for (const [key, sum] of sums) {
        const expected = Object.fromEntries(MEASURES.map((m) => [m, Number(whole.get(key)![m])]));
        expect(sum, `${dimension} at ${key}`).toEqual(expected);
      }
    }
  });
});
