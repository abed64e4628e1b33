// Data quality per submission (docs/metrics.md, "Data quality"): the worked example loaded from a
// real wide CSV file; every stored submission against a direct computation over the raw ratings,
// on the fixture and after a real file with straight-lining, unrequired-only and empty respondents
// supersedes one of its submissions; supersession, withdrawal and the backfill migration; and what
// the query layer publishes.
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publishDataQuality, queryDataQuality } from "../../db/analytics/data-quality";
import { queryGaps } from "../../db/analytics/gaps";
import { NATIONAL } from "../../db/analytics/scope";
import { publishedCount } from "../../db/analytics/suppression";
import { readMigrations } from "../../db/migrate";
import { ingestFiles } from "../../ingest/ingest";
import { withdrawSubmission } from "../../ingest/withdraw";
import { openEmpty, openFixture, TARGETS, type TestDatabase } from "../support/databases";
import { correctedFile } from "../support/data-quality";
import { FIXTURE_WAVES, TEST_KEY } from "../support/fixture";

const LATEST = FIXTURE_WAVES[1].label;
const K = 10;
/** The organisation whose latest submission a corrected file replaces: the fixture's largest, not suppressed. */
const CORRECTED = "RM1";

interface Stored {
  id: number;
  organisation: string;
  status: string;
  respondents: number;
  required_capabilities: number | null;
  required_answered: number | null;
  straight_lining: number | null;
  no_required: number | null;
}

const stored = (t: TestDatabase) =>
  t.db.query<Stored>(
    `select id, organisation_code as organisation, status, respondents, required_capabilities, required_answered, straight_lining, no_required
     from submissions order by id`,
  );

/**
 * Each current submission's figures straight from respondents × ratings, capability by capability,
 * as docs/metrics.md words them (written apart from the load's tally and the backfill's statement).
 */
async function direct(t: TestDatabase): Promise<Stored[]> {
  return t.db.query<Stored>(
    `select s.id, s.organisation_code as organisation, s.status, count(r.id)::int as respondents,
            sum((select count(*) from capabilities c where c.framework_id = w.framework_id and position(r.archetype_code in c.archetypes) > 0))::int
              as required_capabilities,
            sum((select count(*) from ratings t join capabilities c on c.id = t.capability_id
                 where t.respondent_id = r.id and position(r.archetype_code in c.archetypes) > 0))::int as required_answered,
            (count(*) filter (where (select count(*) from ratings t where t.respondent_id = r.id) >= 2
                                and (select count(distinct t.rating) from ratings t where t.respondent_id = r.id) = 1))::int as straight_lining,
            (count(*) filter (where not exists (select 1 from ratings t join capabilities c on c.id = t.capability_id
                                                where t.respondent_id = r.id and position(r.archetype_code in c.archetypes) > 0)))::int as no_required
     from submissions s join waves w on w.id = s.wave_id join respondents r on r.submission_id = s.id
     where s.status = 'current' group by s.id, s.organisation_code, s.status order by s.id`,
  );
}

function writeFile(name: string, text: string): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), "capgap-data-quality-")), name);
  writeFileSync(file, text);
  return file;
}

const badgedCount = async (t: TestDatabase, archetype: string) =>
  (await t.db.query<{ n: number }>("select count(*)::int as n from capabilities where position($1 in archetypes) > 0", [archetype]))[0].n;

describe.each(TARGETS)("the data-quality example of docs/metrics.md on %s", (target) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openEmpty(target);
  });
  afterAll(() => t.close());

  it("a wide file: 5 respondents, 5 required ratings answered, 2 straight-lining, 2 with no required rating", async () => {
    // 6-01 is badged SDCEU, 6-05 DCEU, 6.2-09 CE. E's row is empty: a respondent with no rating.
    const csv = [
      "respondent_id,organisation_code,staff_group,archetype,assessed_on,6-01,6-05,6.2-09",
      "A,RAL,Nursing and Midwifery Registered,U,2026-06-10,3,3,3",
      "B,RAL,Nursing and Midwifery Registered,U,2026-06-10,1,2,",
      "C,RAL,Nursing and Midwifery Registered,C,2026-06-10,4,,",
      "D,RAL,Nursing and Midwifery Registered,S,2026-06-10,,2,2",
      "E,RAL,Nursing and Midwifery Registered,U,2026-06-10,,,",
    ].join("\n");
    const [outcome] = await ingestFiles(t.db, [writeFile("RAL.csv", `${csv}\n`)], { waveLabel: "example", key: TEST_KEY, log: () => {} });
    expect(outcome.status).toBe("loaded");
    // Required of each respondent: every capability of the framework badged for their archetype.
    const [u, c, s] = [await badgedCount(t, "U"), await badgedCount(t, "C"), await badgedCount(t, "S")];
    const [row] = await stored(t);
    expect(row).toMatchObject({ respondents: 5, required_capabilities: 3 * u + c + s, required_answered: 5, straight_lining: 2, no_required: 2 });
    expect(await direct(t)).toEqual([row]);
    // Five respondents: under k, nothing published.
    const [published] = await queryDataQuality(t.db, NATIONAL, "example", K);
    expect(published).toMatchObject({ organisation: "RAL", withheld: "fewer than k respondents", answeredShare: null });
  });

  it("a long file whose respondents' rows are scattered (rollups built in SQL) tallies the same way", async () => {
    const rows = [
      ["A", "U", "6-01", 3], ["B", "U", "6-01", 1], ["C", "C", "6-01", 4], ["A", "U", "6-05", 3], ["D", "S", "6-05", 2],
      ["B", "U", "6-05", 2], ["A", "U", "6.2-09", 3], ["D", "S", "6.2-09", 2],
    ];
    const csv = ["respondent_id,organisation_code,staff_group,archetype,assessed_on,capability_code,rating"]
      .concat(rows.map(([id, archetype, code, rating]) => `${id},RKE,Nursing and Midwifery Registered,${archetype},2026-06-10,${code},${rating}`))
      .join("\n");
    const [outcome] = await ingestFiles(t.db, [writeFile("RKE.csv", `${csv}\n`)], { waveLabel: "example", key: TEST_KEY, log: () => {} });
    expect(outcome.status).toBe("loaded");
    const [u, c, s] = [await badgedCount(t, "U"), await badgedCount(t, "C"), await badgedCount(t, "S")];
    const rke = (await stored(t)).find((r) => r.organisation === "RKE")!;
    // E's empty row has no long-layout form: A, B, C and D as in the wide file.
    expect(rke).toMatchObject({ respondents: 4, required_capabilities: 2 * u + c + s, required_answered: 5, straight_lining: 2, no_required: 1 });
    expect((await direct(t)).find((r) => r.organisation === "RKE")).toEqual(rke);
  });
});

describe.each(TARGETS)("stored data quality against the raw ratings on %s", (target) => {
  let t: TestDatabase;
  let before: Stored[];
  beforeAll(async () => {
    t = await openFixture(target);
    before = await stored(t);
  });
  afterAll(() => t.close());

  it("every submission of the fixture, as loaded", async () => {
    expect(before.length).toBeGreaterThan(0);
    expect(before.filter((s) => s.status === "current")).toEqual(await direct(t));
  });

  it("a corrected file superseding a submission: its figures from its own ratings; the superseded one keeps what it had", async () => {
    const [outcome] = await ingestFiles(t.db, [await correctedFile(t.db, CORRECTED)], { waveLabel: LATEST, key: TEST_KEY, log: () => {} });
    expect(outcome.status).toBe("loaded");
    const after = await stored(t);
    const current = after.filter((s) => s.status === "current");
    expect(current).toEqual(await direct(t));
    const replacing = current.find((s) => s.organisation === CORRECTED && !before.some((b) => b.id === s.id))!;
    // At least the respondents rewritten so (the fixture's own may straight-line too), and one more with no rating.
    expect(replacing.straight_lining).toBeGreaterThanOrEqual(15);
    expect(replacing.no_required).toBeGreaterThanOrEqual(13);
    expect(replacing.required_answered).toBeLessThan(replacing.required_capabilities!);
    // The superseded submission's row is as it was loaded.
    const superseded = after.find((s) => s.organisation === CORRECTED && s.status === "superseded" && before.some((b) => b.id === s.id && b.status === "current"))!;
    expect({ ...superseded, status: "current" }).toEqual(before.find((b) => b.id === superseded.id));
  });

  it("publishes exactly the stored figures under the small-count rule, and the organisation's suppression", async () => {
    const published = await queryDataQuality(t.db, NATIONAL, LATEST, K);
    const exact = new Map((await direct(t)).map((d) => [d.organisation, d]));
    const gaps = await queryGaps(t.db, NATIONAL, { by: ["organisation"], filters: { wave: LATEST } }, K);
    expect(published.map((p) => p.organisation).sort()).toEqual(gaps.rows.map((r) => String(r.organisation)).sort());
    for (const p of published) {
      const d = exact.get(p.organisation)!;
      const counts = { respondents: d.respondents, requiredCapabilities: d.required_capabilities!, requiredAnswered: d.required_answered!, straightLining: d.straight_lining!, noRequired: d.no_required! };
      const suppressed = gaps.rows.find((r) => r.organisation === p.organisation)!.suppressed === true;
      expect(p).toMatchObject(publishDataQuality(counts, K, suppressed));
      if (p.withheld === null) {
        expect(p.answeredShare).toBeCloseTo(Math.round((1000 * d.required_answered!) / d.required_capabilities!) / 1000, 12);
        if (p.straightLining.count !== null) expect(p.straightLining.count).toBe(publishedCount(d.straight_lining!));
      }
    }
    // The corrected submission (not suppressed in the fixture) publishes its counts, both at least k.
    const corrected = published.find((p) => p.organisation === CORRECTED)!;
    expect(corrected.withheld).toBeNull();
    expect(corrected.straightLining.count).toBe(publishedCount(exact.get(CORRECTED)!.straight_lining!));
    expect(corrected.noRequired.count).toBe(publishedCount(exact.get(CORRECTED)!.no_required!));
    expect(corrected.answeredShare).toBeLessThan(1);
    // Organisations hidden by the complementary pattern publish nothing, as their respondents are withheld.
    expect(published.some((p) => p.withheld === "suppressed")).toBe(true);
  });

  it("the backfill migration gives current submissions the same figures; others stay as they are", async () => {
    const loaded = await stored(t);
    await t.db.query("update submissions set required_capabilities = null, required_answered = null, straight_lining = null, no_required = null");
    const backfill = readMigrations().find((m) => m.tag.endsWith("_data_quality_backfill"))!;
    for (const statement of backfill.statements) await t.db.exec(statement);
    const after = await stored(t);
    expect(after.filter((s) => s.status === "current")).toEqual(loaded.filter((s) => s.status === "current"));
    // Superseded submissions' ratings are gone: not recorded, and never published.
    for (const s of after.filter((s) => s.status !== "current")) expect(s.required_capabilities).toBeNull();
  });

  it("a withdrawn submission keeps its row's figures and leaves the published list", async () => {
    const [{ id }] = await t.db.query<{ id: number }>(
      "select s.id from submissions s join waves w on w.id = s.wave_id where w.label = $1 and s.organisation_code = 'RKE' and s.status = 'current'",
      [LATEST],
    );
    const rke = (await stored(t)).find((s) => s.id === id)!;
    await withdrawSubmission(t.db, "RKE", LATEST);
    const [withdrawn] = (await stored(t)).filter((s) => s.id === rke.id);
    expect(withdrawn).toEqual({ ...rke, status: "withdrawn" });
    const published = await queryDataQuality(t.db, NATIONAL, LATEST, K);
    expect(published.some((p) => p.organisation === "RKE")).toBe(false);
    expect((await stored(t)).filter((s) => s.status === "current")).toEqual(await direct(t));
  });

  it("reads only the caller's scope", async () => {
    const london = await queryDataQuality(t.db, { kind: "region", code: "Y56" }, LATEST, K);
    const national = await queryDataQuality(t.db, NATIONAL, LATEST, K);
    expect(london.length).toBeGreaterThan(0);
    expect(london.length).toBeLessThan(national.length);
    expect(await queryDataQuality(t.db, { kind: "organisation", code: "RAL" }, LATEST, K)).toEqual(national.filter((p) => p.organisation === "RAL"));
  });
});
