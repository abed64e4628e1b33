// Change between waves through the query layer against a direct computation over the raw ratings:
// matched by default (the organisations that reported in both waves), unmatched on request.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryGaps } from "../../db/analytics/gaps";
import { setWave } from "../../ingest/waves";
import { withdrawSubmission } from "../../ingest/withdraw";
import { gapChange, wilsonInterval, Z95 } from "../../db/analytics/metrics";
import { NATIONAL } from "../../db/analytics/scope";
import { openFixture, TARGETS, type TestDatabase } from "../support/databases";
import { type DirectCell, directCells } from "../support/direct";
import { FIXTURE_WAVES } from "../support/fixture";

const [EARLIER, LATEST] = FIXTURE_WAVES.map((w) => w.label);

/** The SE as docs/metrics.md states it, from the raw ratings' per-respondent values. */
function directSe(c: DirectCell): number {
  if (c.respondents >= 2 && c.deviation2 > 1e-9) return Math.sqrt((c.respondents / (c.respondents - 1)) * c.deviation2) / c.required;
  const w = wilsonInterval(c.required - c.met, c.required)!;
  return (w.high - w.low) / 2 / Z95;
}

describe.each(TARGETS)("trends on %s", (target) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openFixture(target);
    // One organisation reports only in the later wave, so that matching leaves it out.
    await withdrawSubmission(t.db, "RDE", EARLIER);
  });
  afterAll(() => t.close());

  const rate = (c: DirectCell) => (c.required - c.met) / c.required;

  it("compares the organisations that reported in both waves, and says how many were left out", async () => {
    const table = await queryGaps(t.db, NATIONAL, { by: ["domain"], filters: { wave: LATEST }, compareTo: EARLIER }, 1);
    expect(table.columns.slice(-5)).toEqual(["compare_gap_rate", "change", "change_ci_low", "change_ci_high", "change_flag"]);
    const [{ n }] = await t.db.query<{ n: number }>("select count(distinct organisation_code)::int as n from submissions where status = 'current'");
    expect(table.meta.comparison).toMatchObject({ wave: LATEST, compare_to: EARLIER, matched: true, organisations_compared: n - 1, organisations_left_out: 1 });
    const matched = { where: "r.organisation_code <> 'RDE'" };
    const now = await directCells(t.db, "c.domain_code", LATEST, matched);
    const then = await directCells(t.db, "c.domain_code", EARLIER, matched);
    expect(table.rows).toHaveLength(now.size);
    for (const row of table.rows) {
      const [a, b] = [now.get(String(row.domain))!, then.get(String(row.domain))!];
      const change = gapChange({ rate: rate(a), se: directSe(a) }, { rate: rate(b), se: directSe(b) });
      // England level: published in full.
      expect(row.compare_gap_rate).toBeCloseTo(rate(b), 12);
      expect(row.change).toBeCloseTo(change.change, 12);
      expect(row.change_ci_low).toBeCloseTo(change.low, 9);
      expect(row.change_ci_high).toBeCloseTo(change.high, 9);
      expect(row.change_flag).toBe(change.flag);
    }
  });

  it("compares all organisations of each wave when unmatched", async () => {
    const table = await queryGaps(t.db, NATIONAL, { by: ["domain"], filters: { wave: LATEST }, compareTo: EARLIER, unmatched: true }, 1);
    expect(table.meta.comparison).toMatchObject({ matched: false, organisations_left_out: 0 });
    expect(table.meta.comparison!.label).toContain("unmatched");
    const then = await directCells(t.db, "c.domain_code", EARLIER);
    for (const row of table.rows) expect(row.compare_gap_rate).toBeCloseTo(rate(then.get(String(row.domain))!), 12);
  });

  it("withholds the change of a cell under k in either wave, and of an organisation left out", async () => {
    const table = await queryGaps(t.db, NATIONAL, { by: ["organisation"], filters: { wave: LATEST }, compareTo: EARLIER }, 10);
    const rde = table.rows.find((r) => r.organisation === "RDE")!;
    expect([rde.compare_gap_rate, rde.change, rde.change_flag]).toEqual([null, null, null]);
    expect(table.rows.some((r) => r.organisation !== "RDE" && typeof r.change === "number")).toBe(true);
    for (const row of table.rows.filter((r) => r.suppressed)) expect(row.change).toBeNull();
    const small = await queryGaps(t.db, NATIONAL, { by: ["organisation", "staff_group"], filters: { wave: LATEST }, compareTo: EARLIER }, 10);
    for (const row of small.rows.filter((r) => r.suppressed)) expect(row.change).toBeNull();
  });

  it("holds closed and published waves in a series by default; open ones only when asked, labelled provisional", async () => {
    // Both fixture waves start open: a series of them is empty, and says what it left out.
    const empty = await queryGaps(t.db, NATIONAL, { by: ["wave"] }, 1);
    expect(empty.rows).toEqual([]);
    expect(empty.meta.open_waves_left_out).toEqual([EARLIER, LATEST]);
    await setWave(t.db, EARLIER, { status: "closed" });
    const series = await queryGaps(t.db, NATIONAL, { by: ["wave"] }, 1);
    expect(series.rows.map((r) => [r.wave, r.provisional])).toEqual([[EARLIER, false]]);
    expect(series.meta).toMatchObject({ waves: [EARLIER], provisional_waves: [], open_waves_left_out: [LATEST] });
    const all = await queryGaps(t.db, NATIONAL, { by: ["wave"], provisional: true }, 1);
    expect(all.rows.map((r) => [r.wave, r.provisional])).toEqual([[EARLIER, false], [LATEST, true]]);
    expect(all.meta).toMatchObject({ provisional_waves: [LATEST], open_waves_left_out: [] });
    expect(all.columns.slice(-2)).toEqual(["provisional", "series_break"]);
    // Both waves are on one framework version: no break in the series.
    expect(all.rows.map((r) => r.series_break)).toEqual([false, false]);
    expect(all.meta.series_breaks).toEqual([]);
    // A single open wave is published, and its table says it is provisional.
    expect((await queryGaps(t.db, NATIONAL, { by: [], filters: { wave: LATEST } }, 1)).meta.provisional_waves).toEqual([LATEST]);
    await setWave(t.db, EARLIER, { status: "open" });
  });

  it("refuses a later wave, an unknown wave and grouping by wave", async () => {
    await expect(queryGaps(t.db, NATIONAL, { by: [], filters: { wave: EARLIER }, compareTo: LATEST })).rejects.toThrow("must be an earlier wave");
    await expect(queryGaps(t.db, NATIONAL, { by: [], compareTo: "1999-spring" })).rejects.toThrow("Unknown wave 1999-spring");
    await expect(queryGaps(t.db, NATIONAL, { by: ["wave"], compareTo: EARLIER })).rejects.toThrow("do not also group by wave");
  });
});
