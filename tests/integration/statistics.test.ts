// A load leaves the planner statistics current (db/statistics.ts): without them the embedded
// database plans capability tables as if the rollups were empty.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ANALYZED_TABLES, refreshStatisticsIfMissing } from "../../db/statistics";
import { withdrawSubmission } from "../../ingest/withdraw";
import { openFixture, TARGETS, type TestDatabase } from "../support/databases";
import { FIXTURE_WAVES } from "../support/fixture";

describe.each(TARGETS)("planner statistics on %s", (target) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openFixture(target);
  });
  afterAll(() => t.close());

  const analyzed = async () =>
    (await t.db.query<{ tablename: string }>("select distinct tablename from pg_stats where schemaname = 'public' and tablename = any($1::text[])", [[...ANALYZED_TABLES]]))
      .map((r) => r.tablename)
      .sort();

  it("holds statistics for every table the figures are summed from once the fixture's files are loaded", async () => {
    expect(await analyzed()).toEqual([...ANALYZED_TABLES].sort());
    expect(await refreshStatisticsIfMissing(t.db)).toBe(false);
  });

  it("refreshes them after a withdrawal, and finds them missing only when they are", async () => {
    await t.db.query("delete from pg_statistic where starelid = 'capability_rollups'::regclass");
    expect(await analyzed()).not.toContain("capability_rollups");
    await withdrawSubmission(t.db, "RAL", FIXTURE_WAVES[1].label);
    expect(await analyzed()).toContain("capability_rollups");
    await t.db.query("delete from pg_statistic where starelid = 'capability_rollups'::regclass");
    expect(await refreshStatisticsIfMissing(t.db)).toBe(true);
    expect(await analyzed()).toContain("capability_rollups");
  });
});
