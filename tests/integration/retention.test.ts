// Retention: the purge deletes a published wave's respondent-level rows once it is old enough, keeps
// every aggregate, and leaves every published figure of the wave exactly as it was; it refuses
// waves that are not published or too recent, records what it did, and deletes old audit events.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { searchEvents } from "../../db/access/audit";
import { queryDataQuality } from "../../db/analytics/data-quality";
import { clearGapCache, type GapRequest, type GapTable, queryFunnel, queryGaps } from "../../db/analytics/gaps";
import { clearPriorityCache, queryPriorities } from "../../db/analytics/priorities";
import { NATIONAL } from "../../db/analytics/scope";
import { readMigrations } from "../../db/migrate";
import { purgeRespondentData } from "../../db/retention";
import { importCrosswalk } from "../../ingest/crosswalk";
import { ingestFiles } from "../../ingest/ingest";
import { setWave } from "../../ingest/waves";
import { withdrawSubmission } from "../../ingest/withdraw";
import { EARLIER_VERSION, importLaterVersion, LATER_VERSION, PAIRS_FILE } from "../support/crosswalk";
import { correctedFile } from "../support/data-quality";
import { openFixture, TARGETS, type TestDatabase } from "../support/databases";
import { FIXTURE_WAVES, TEST_KEY } from "../support/fixture";

const [EARLIER, LATEST] = FIXTURE_WAVES.map((w) => w.label);
const K = 10;
const OPTIONS = { olderThanMonths: 24, auditMonths: 24, dryRun: false };

/** Every published table of the earlier wave the query layer produces, without the time it was generated. */
async function snapshot(t: TestDatabase): Promise<unknown> {
  clearGapCache();
  clearPriorityCache();
  const table = (g: GapTable) => ({ ...g, meta: { ...g.meta, generated_at: null } });
  const gaps = (request: GapRequest) => queryGaps(t.db, NATIONAL, request, K).then(table);
  const wave = { wave: EARLIER };
  return {
    regionDomain: await gaps({ by: ["region", "domain"], filters: wave }),
    organisationStaffGroupDomain: await gaps({ by: ["organisation", "staff_group", "domain"], filters: wave }),
    capability: await gaps({ by: ["capability"], filters: wave }),
    staffGroupCapability: await gaps({ by: ["staff_group", "capability"], filters: { ...wave, region: "Y56" } }),
    archetypeBandLevel: await gaps({ by: ["archetype", "band", "level"], filters: wave }),
    weighted: await gaps({ by: ["organisation", "staff_group"], filters: wave, weighted: true }),
    weightedRegion: await gaps({ by: ["region", "domain"], filters: wave, weighted: true }),
    attainment: await gaps({ by: ["archetype", "domain"], filters: wave, attainment: true }),
    trend: await gaps({ by: ["wave", "domain"], provisional: true }),
    compared: await gaps({ by: ["region", "domain"], filters: { wave: LATEST }, compareTo: EARLIER, weighted: true }),
    funnel: table(await queryFunnel(t.db, NATIONAL, { ...wave, domain: "5" }, K)),
    priorities: table(await queryPriorities(t.db, NATIONAL, wave, K, "capability")),
    regionPriorities: table(await queryPriorities(t.db, NATIONAL, { ...wave, region: "Y56" }, K, "domain")),
    quality: await queryDataQuality(t.db, NATIONAL, EARLIER, K),
  };
}

const rowsOf = async (t: TestDatabase, waveLabel: string) => {
  const [row] = await t.db.query<{ respondents: number; ratings: number; counts: number; rollups: number }>(
    `select (select count(*) from respondents where wave_id = w.id)::int as respondents,
            (select count(*) from ratings rt join respondents r on r.id = rt.respondent_id where r.wave_id = w.id)::int as ratings,
            (select coalesce(sum(respondents), 0) from respondent_counts where wave_id = w.id)::int as counts,
            (select count(*) from rollups where wave_id = w.id)::int as rollups
     from waves w where w.label = $1`,
    [waveLabel],
  );
  return row;
};

describe.each(TARGETS)("retention purge on %s", (target) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openFixture(target);
  });
  afterAll(() => t.close());

  it("keeps respondent counts equal to the respondents the load wrote, those with no required rating included", async () => {
    // A corrected file with empty and unrequired-only respondents supersedes RM1's latest submission.
    const [outcome] = await ingestFiles(t.db, [await correctedFile(t.db, "RM1")], { waveLabel: LATEST, key: TEST_KEY, log: () => {} });
    expect(outcome.status).toBe("loaded");
    const [{ noRequired }] = await t.db.query<{ noRequired: number }>(
      `select sum(no_required)::int as "noRequired" from submissions s join waves w on w.id = s.wave_id where w.label = $1 and s.status = 'current'`,
      [LATEST],
    );
    expect(noRequired).toBeGreaterThan(0);
    const direct = await t.db.query(
      `select wave_id, organisation_code, staff_group_code, archetype_code, band_code, count(*)::int as n
       from respondents group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4, 5`,
    );
    const kept = await t.db.query(
      `select wave_id, organisation_code, staff_group_code, archetype_code, band_code, respondents as n
       from respondent_counts order by 1, 2, 3, 4, 5`,
    );
    expect(kept).toEqual(direct);
    // Migration 0015's backfill gives the same counts from the respondents of a database loaded before it.
    await t.db.query("delete from respondent_counts");
    const backfill = readMigrations().find((m) => m.tag.endsWith("_wave_published_at"))!;
    await t.db.exec(backfill.statements.find((statement) => statement.includes('INSERT INTO "respondent_counts"'))!);
    expect(await t.db.query(`select wave_id, organisation_code, staff_group_code, archetype_code, band_code, respondents as n
       from respondent_counts order by 1, 2, 3, 4, 5`)).toEqual(direct);
  });

  it("refuses an open or closed wave, and a wave published too recently", async () => {
    await expect(purgeRespondentData(t.db, { ...OPTIONS, waveLabel: EARLIER })).rejects.toThrow(`Not purged: wave ${EARLIER} is open`);
    await t.db.transaction((tx) => setWave(tx, EARLIER, { status: "closed" }));
    await expect(purgeRespondentData(t.db, { ...OPTIONS, waveLabel: EARLIER, olderThanMonths: 0 })).rejects.toThrow("is closed");
    const published = await t.db.transaction((tx) => setWave(tx, EARLIER, { status: "published" }));
    expect(Date.now() - Date.parse(published.publishedAt!)).toBeLessThan(60_000);
    await expect(purgeRespondentData(t.db, { ...OPTIONS, waveLabel: EARLIER })).rejects.toThrow("not more than 24 months ago");
    await expect(purgeRespondentData(t.db, { ...OPTIONS, waveLabel: "no-such-wave" })).rejects.toThrow("There is no wave no-such-wave");
    const nothing = await purgeRespondentData(t.db, OPTIONS);
    expect(nothing.waves).toEqual([]);
    expect((await rowsOf(t, EARLIER)).respondents).toBeGreaterThan(0);
  });

  it("publishing again keeps the first publication date; reopening clears it", async () => {
    await t.db.query("update waves set published_at = now() - interval '1 year' where label = $1", [LATEST]);
    await t.db.transaction((tx) => setWave(tx, LATEST, { status: "closed" }));
    const [closed] = await t.db.query<{ published_at: string | null }>("select published_at from waves where label = $1", [LATEST]);
    expect(closed.published_at).toBeNull();
    await t.db.query("update waves set status = 'published', published_at = now() - interval '1 year' where label = $1", [LATEST]);
    const again = await t.db.transaction((tx) => setWave(tx, LATEST, { status: "published" }));
    expect(Date.now() - Date.parse(again.publishedAt!)).toBeGreaterThan(300 * 86_400_000);
    await t.db.transaction((tx) => setWave(tx, LATEST, { status: "open" }));
  });

  it("purges an old published wave's respondent-level rows and every published figure stays the same", async () => {
    await t.db.query("update waves set published_at = now() - interval '30 months' where label = $1", [EARLIER]);
    const before = await snapshot(t);
    const earlier = await rowsOf(t, EARLIER);
    const latest = await rowsOf(t, LATEST);
    expect(earlier.respondents).toBeGreaterThan(0);

    const dry = await purgeRespondentData(t.db, { ...OPTIONS, dryRun: true });
    expect(dry.waves).toEqual([{ wave: EARLIER, publishedAt: expect.any(String), respondents: earlier.respondents, ratings: earlier.ratings }]);
    expect(await rowsOf(t, EARLIER)).toEqual(earlier);

    const done = await purgeRespondentData(t.db, OPTIONS);
    expect(done.waves).toEqual(dry.waves);
    expect(await rowsOf(t, EARLIER)).toEqual({ respondents: 0, ratings: 0, counts: earlier.counts, rollups: earlier.rollups });
    expect(await rowsOf(t, LATEST)).toEqual(latest);
    expect(await snapshot(t)).toEqual(before);

    const [wave] = await t.db.query<{ purged: boolean }>("select respondents_purged_at is not null as purged from waves where label = $1", [EARLIER]);
    expect(wave.purged).toBe(true);
    const [event] = await searchEvents(t.db, { action: "purge" });
    expect(event.detail).toMatchObject({ command: "purge", wave: EARLIER, respondents: earlier.respondents, ratings: earlier.ratings });

    // Asked again, there is nothing left to do.
    expect((await purgeRespondentData(t.db, OPTIONS)).waves).toEqual([]);
    expect((await purgeRespondentData(t.db, { ...OPTIONS, waveLabel: EARLIER })).alreadyPurged).toEqual([{ wave: EARLIER, purgedAt: expect.any(String) }]);
  });

  it("keeps a purged wave published, refuses to rebuild it, and still withdraws from it", async () => {
    await expect(t.db.transaction((tx) => setWave(tx, EARLIER, { status: "open" }))).rejects.toThrow("respondent-level rows were deleted");
    await importLaterVersion(t.db);
    await expect(importCrosswalk(t.db, PAIRS_FILE, EARLIER_VERSION, LATER_VERSION)).rejects.toThrow(`the respondent-level rows of wave ${EARLIER}`);
    const [{ n }] = await t.db.query<{ n: number }>("select count(*)::int as n from crosswalks");
    expect(n).toBe(0);
    const [{ organisation }] = await t.db.query<{ organisation: string }>(
      "select organisation_code as organisation from submissions s join waves w on w.id = s.wave_id where w.label = $1 and s.status = 'current' order by 1 limit 1",
      [EARLIER],
    );
    const withdrawn = await withdrawSubmission(t.db, organisation, EARLIER);
    expect(withdrawn.respondents).toBeGreaterThan(0);
    const [left] = await t.db.query<{ rollups: number; counts: number }>(
      `select (select count(*) from rollups r join waves w on w.id = r.wave_id where w.label = $1 and r.organisation_code = $2)::int as rollups,
              (select count(*) from respondent_counts r join waves w on w.id = r.wave_id where w.label = $1 and r.organisation_code = $2)::int as counts`,
      [EARLIER, organisation],
    );
    expect(left).toEqual({ rollups: 0, counts: 0 });
    const table = await queryGaps(t.db, NATIONAL, { by: ["organisation"], filters: { wave: EARLIER } }, K);
    expect(table.rows.map((r) => r.organisation)).not.toContain(organisation);
  });

  it("deletes audit events older than their retention period, and only the purge may", async () => {
    await t.db.query("insert into audit_events (at, action, detail) values (now() - interval '30 months', 'view', '{}'), (now() - interval '1 month', 'view', '{}')");
    await expect(t.db.query("delete from audit_events where at < now() - interval '24 months'")).rejects.toThrow("append-only");
    const dry = await purgeRespondentData(t.db, { ...OPTIONS, dryRun: true });
    expect(dry.auditEvents).toBe(1);
    const [{ n: before }] = await t.db.query<{ n: number }>("select count(*)::int as n from audit_events");
    const done = await purgeRespondentData(t.db, OPTIONS);
    expect(done.auditEvents).toBe(1);
    const [{ n: after }] = await t.db.query<{ n: number }>("select count(*)::int as n from audit_events");
    // One deleted, one event recording the deletion.
    expect(after).toBe(before);
    const [event] = await searchEvents(t.db, { action: "purge" });
    expect(event.detail).toMatchObject({ command: "purge", audit_events: 1 });
  });

  it("deletes sessions past their timeouts, and none in a dry run", async () => {
    const [{ id }] = await t.db.query<{ id: number }>("insert into users (email, role) values ('planner@example.org', 'national') returning id");
    await t.db.query(
      `insert into sessions (token_hash, user_id, csrf_token, created_at, last_seen_at) values
         ('old', $1, 'x', now() - interval '1 day', now() - interval '1 day'), ('live', $1, 'y', now(), now())`,
      [id],
    );
    const sessions = { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 };
    expect((await purgeRespondentData(t.db, { ...OPTIONS, dryRun: true, sessions })).expiredSessions).toBe(0);
    expect((await purgeRespondentData(t.db, { ...OPTIONS, sessions })).expiredSessions).toBe(1);
    expect(await t.db.query("select token_hash from sessions where user_id = $1", [id])).toEqual([{ token_hash: "live" }]);
  });
});
