// Comparisons across framework versions through a crosswalk, from real CSV files on both databases:
// a small hand-worked case (expected values derived in the comments), then the shared fixture
// against a direct computation over the raw ratings at every framework grain.
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { CrosswalkSource } from "../../db/analytics/gap-sql";
import { queryCells, queryGaps, type RawCell } from "../../db/analytics/gaps";
import { gapChange, wilsonInterval, Z95 } from "../../db/analytics/metrics";
import { NATIONAL } from "../../db/analytics/scope";
import { InputError } from "../../db/problems";
import { importCrosswalk } from "../../ingest/crosswalk";
import { ingestFiles } from "../../ingest/ingest";
import { setWave } from "../../ingest/waves";
import { withdrawSubmission } from "../../ingest/withdraw";
import { EARLIER_VERSION, expectedPairs, importLaterVersion, LATER_VERSION, laterVersionFiles, PAIRS_FILE } from "../support/crosswalk";
import { openEmpty, openFixture, TARGETS, type TestDatabase } from "../support/databases";
import { type DirectCell, directCells } from "../support/direct";
import { FIXTURE_WAVES, TEST_KEY } from "../support/fixture";

function csv(name: string, text: string): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), "capgap-crosswalk-")), name);
  writeFileSync(file, text);
  return file;
}

const HEADER = "respondent_id,organisation_code,staff_group,archetype,assessed_on,capability_code,rating";
// Wave w2025 on the bundled version. A and B are Users, C a Creator.
const EARLIER_FILE = `${HEADER}
A,RAL,Nursing and Midwifery Registered,U,2025-06-10,6-01,3
A,RAL,Nursing and Midwifery Registered,U,2025-06-10,6-02,2
A,RAL,Nursing and Midwifery Registered,U,2025-06-10,6-05,4
A,RAL,Nursing and Midwifery Registered,U,2025-06-10,6-06,1
B,RAL,Nursing and Midwifery Registered,U,2025-06-11,6-01,1
B,RAL,Nursing and Midwifery Registered,U,2025-06-11,6-02,4
B,RAL,Nursing and Midwifery Registered,U,2025-06-11,6-05,2
C,RAL,Healthcare Scientists,C,2025-06-12,6-01,4
C,RAL,Healthcare Scientists,C,2025-06-12,6-02,1
C,RAL,Healthcare Scientists,C,2025-06-12,6-05,2
C,RAL,Healthcare Scientists,C,2025-06-12,6.2-09,3
`;
// Wave w2026 on the derived version (tests/fixtures/crosswalk/README.md). D and E are Users, F a Creator.
const LATER_FILE = `${HEADER}
D,RAL,Nursing and Midwifery Registered,U,2026-06-10,6-01,2
D,RAL,Nursing and Midwifery Registered,U,2026-06-10,6-01b,3
D,RAL,Nursing and Midwifery Registered,U,2026-06-10,6-02,4
D,RAL,Nursing and Midwifery Registered,U,2026-06-10,6-05a,1
E,RAL,Nursing and Midwifery Registered,U,2026-06-11,6-02,1
E,RAL,Nursing and Midwifery Registered,U,2026-06-11,6-05a,3
E,RAL,Nursing and Midwifery Registered,U,2026-06-11,6-09,1
F,RAL,Healthcare Scientists,C,2026-06-12,6-02,3
F,RAL,Healthcare Scientists,C,2026-06-12,6-05a,4
F,RAL,Healthcare Scientists,C,2026-06-12,6.2-09,1
`;

// The crosswalk of pairs.csv: 193 capabilities 1:1; excluded 6-01 (split) and 6-06 (retired) of the
// earlier version, 6-01 and 6-01b (split) and 6-09 (new) of the later: 5.
const SUMMARY = {
  from_version: EARLIER_VERSION,
  to_version: LATER_VERSION,
  capabilities_compared: 193,
  capabilities_excluded: 5,
  earlier_not_one_to_one: 1,
  earlier_unpaired: 1,
  later_not_one_to_one: 2,
  later_unpaired: 1,
};

describe.each(TARGETS)("a crosswalk, worked by hand, on %s", (target) => {
  let t: TestDatabase;
  let source: CrosswalkSource;
  beforeAll(async () => {
    t = await openEmpty(target);
    await importLaterVersion(t.db);
    const [loaded] = await ingestFiles(t.db, [csv("RAL.csv", EARLIER_FILE)], { waveLabel: "w2025", key: TEST_KEY, log: () => {} });
    expect(loaded.status).toBe("loaded");
  });
  afterAll(() => t.close());

  const loadLater = async () => {
    const [loaded] = await ingestFiles(t.db, [csv("RAL.csv", LATER_FILE)], { waveLabel: "w2026", frameworkVersion: LATER_VERSION, key: TEST_KEY, log: () => {} });
    expect(loaded.problems).toEqual([]);
    expect(loaded.status).toBe("loaded");
  };
  const compared = (by: string[]) => queryGaps(t.db, NATIONAL, { by, filters: { wave: "w2026" }, compareTo: "w2025" }, 1);
  const crosswalked = async (wave: string, by: string[]) => (await queryCells(t.db, NATIONAL, { by, filters: { wave } }, undefined, source)).cells;

  it("refuses to compare the versions without a crosswalk, and one that runs the other way", async () => {
    await loadLater();
    await expect(compared(["domain"])).rejects.toThrow(
      `w2025 and w2026 use different framework versions (${EARLIER_VERSION}, ${LATER_VERSION}); they can only be compared through a crosswalk`,
    );
    // Default pairs only, later to earlier: 196 − 5 = 191 of the derived version's capabilities keep
    // their code, level and badges (not 6-01b, 6-05a, 6-09, 6.2-09, 6-02); 195 − 191 = 4 of the
    // bundled version's are left (6-02, 6-05, 6-06, 6.2-09).
    const reverse = await importCrosswalk(t.db, null, LATER_VERSION, EARLIER_VERSION);
    expect(reverse).toMatchObject({ pairs: 191, filePairs: 0, waves: 2 });
    expect(reverse.summary).toMatchObject({ capabilities_compared: 191, earlier_unpaired: 5, later_unpaired: 4, earlier_not_one_to_one: 0, later_not_one_to_one: 0 });
    await expect(compared(["domain"])).rejects.toThrow(`the only crosswalk between them runs from ${LATER_VERSION} to ${EARLIER_VERSION}`);
  });

  it("imports the crosswalk: defaults and the file's pairs, exclusions counted", async () => {
    // 190 default pairs (193 − the file's 3 other 1:1 pairs) and the file's 5 pairs, 2 of them 6-01's split.
    const result = await importCrosswalk(t.db, PAIRS_FILE, EARLIER_VERSION, LATER_VERSION);
    expect(result).toEqual({ summary: SUMMARY, pairs: 193 + 2, filePairs: 5, waves: 2 });
    const [{ id }] = await t.db.query<{ id: number }>("select id from crosswalks where file_name = 'pairs.csv'");
    source = { crosswalkId: id, toFrameworkId: (await t.db.query<{ id: number }>("select id from frameworks where version = $1", [LATER_VERSION]))[0].id };
  });

  it("re-expresses both waves in the later version's capabilities over the 1:1 pairs only", async () => {
    // Counted where both versions badge the respondent's archetype: 6-02 is no longer the Users', so
    // A, B, D and E's 6-02 ratings count in neither wave; 6-01 (split), 6-06 and 6-09 (unpaired) never.
    // w2025: A 6-05 met (r 1, u 0); B 6-05 unmet (1, 1); C 6-05 unmet, 6.2-09 met, 6-02 unmet (3, 2).
    //   required 5, met 2; Σr² = 1 + 1 + 9 = 11, Σu² = 0 + 1 + 4 = 5, Σru = 0 + 1 + 6 = 7.
    // w2026: D 6-05a unmet (1, 1); E 6-05a met (1, 0); F 6-05a met, 6.2-09 unmet, 6-02 met (3, 1).
    //   required 5, met 3; Σr² = 11, Σu² = 1 + 0 + 1 = 2, Σru = 1 + 0 + 3 = 4.
    expect(await crosswalked("w2025", ["domain"])).toMatchObject([{ domain: "6", respondents: 3, required: 5, met: 2, sum_r2: 11, sum_u2: 5, sum_ru: 7 }]);
    expect(await crosswalked("w2026", ["domain"])).toMatchObject([{ domain: "6", respondents: 3, required: 5, met: 3, sum_r2: 11, sum_u2: 2, sum_ru: 4 }]);
    // 6.2-09 is at level 4 in the later version, so the w2025 rating is read at level 4 too.
    const levels = (cells: RawCell[]) => cells.map((c) => [c.level, c.respondents, c.required, c.met]);
    expect(levels(await crosswalked("w2025", ["level"]))).toEqual([[1, 3, 4, 1], [4, 1, 1, 1]]);
    expect(levels(await crosswalked("w2026", ["level"]))).toEqual([[1, 3, 4, 3], [4, 1, 1, 0]]);
    // The w2025 capability 6-05 under its later code.
    const capabilities = (cells: RawCell[]) => cells.map((c) => [c.capability, c.required, c.met]);
    expect(capabilities(await crosswalked("w2025", ["capability"]))).toEqual([["6-02", 1, 0], ["6-05a", 3, 1], ["6.2-09", 1, 1]]);
  });

  it("compares w2026 with w2025 through the crosswalk at every grain, and marks the break", async () => {
    const domain = await compared(["domain"]);
    expect(domain.meta.comparison).toMatchObject({ wave: "w2026", compare_to: "w2025", matched: true, organisations_compared: 1, series_break: true, crosswalk: SUMMARY });
    expect(domain.meta.comparison!.label).toContain("a break in the series");
    // The row is the w2026 wave's own figure: D (r 3, u 2: 6-01, 6-05a unmet), E (2, 1: 6-09 unmet),
    // F (3, 1): 8 required, 4 unmet, 50%. The change compares the crosswalked cells: 2 of 5 unmet (40%)
    // against 3 of 5 (60%): −20 points. Pooled SE² in w2026: (uᵢ − 0.4rᵢ)² = 0.36 + 0.16 + 0.04 = 0.56,
    // × 3/2 ÷ 5² = 0.0336; in w2025 (uᵢ − 0.6rᵢ)² = 0.36 + 0.16 + 0.04 = 0.56, also 0.0336. SE of the
    // change √0.0672 = 0.259230, × 1.959964 = 0.508081: −70.8 to +30.8 points, no significant change.
    expect(domain.rows).toEqual([
      expect.objectContaining({
        domain: "6",
        gap_rate: 0.5,
        compare_gap_rate: 0.6,
        change: expect.closeTo(-0.2, 12),
        change_ci_low: expect.closeTo(-0.708081, 6),
        change_ci_high: expect.closeTo(0.308081, 6),
        change_flag: "no significant change",
      }),
    ]);
    // All capabilities: the same ratings as domain 6.
    expect((await compared([])).rows[0]).toMatchObject({ compare_gap_rate: 0.6, change: expect.closeTo(-0.2, 12) });
    // Level 1: w2025 3 unmet of 4 (75%), w2026 1 of 4 (25%): −50 points. Level 2 holds only 6-09, unpaired:
    // no change. Level 4: 6.2-09, met in w2025 (0%), unmet in w2026 (100%): +100 points.
    const level = await compared(["level"]);
    expect(level.rows.map((r) => [r.level, r.compare_gap_rate, r.change])).toEqual([[1, 0.75, -0.5], [2, null, null], [4, 0, 1]]);
    const domainLevel = await compared(["domain", "level"]);
    expect(domainLevel.rows.map((r) => [r.level, r.compare_gap_rate, r.change])).toEqual([[1, 0.75, -0.5], [2, null, null], [4, 0, 1]]);
    // Sub-domain 6.2: 6.2-09 alone.
    expect((await compared(["sub_domain"])).rows.map((r) => [r.sub_domain, r.compare_gap_rate, r.change])).toEqual([["6.2", 0, 1]]);
    // Capabilities: 6-05a 1 of 3 unmet against 6-05's 2 of 3 (−33.3 points); 6-02 0 of 1 against 1 of 1;
    // 6-01 and 6-01b (split) and 6-09 (new) have none.
    const capability = await compared(["capability"]);
    expect(capability.rows.map((r) => [r.capability, r.compare_gap_rate, r.change])).toEqual([
      ["6-01", null, null],
      ["6-01b", null, null],
      ["6-02", 1, -1],
      ["6-05a", expect.closeTo(2 / 3, 12), expect.closeTo(-1 / 3, 12)],
      ["6-09", null, null],
      ["6.2-09", 0, 1],
    ]);
  });

  it("marks a series break where the framework version changes", async () => {
    const series = await queryGaps(t.db, NATIONAL, { by: ["wave"], provisional: true }, 1);
    expect(series.rows.map((r) => [r.wave, r.series_break])).toEqual([["w2025", false], ["w2026", true]]);
    expect(series.meta.series_breaks).toEqual([{ wave: "w2026", from_version: EARLIER_VERSION, to_version: LATER_VERSION }]);
    expect(series.columns.slice(-2)).toEqual(["provisional", "series_break"]);
    // The default series holds closed waves only; the break is between the waves it holds.
    await setWave(t.db, "w2025", { status: "closed" });
    expect((await queryGaps(t.db, NATIONAL, { by: ["wave"] }, 1)).meta.series_breaks).toEqual([]);
    await setWave(t.db, "w2025", { status: "open" });
  });

  it("keeps the crosswalked rollups of a wave up to date when a file is loaded or withdrawn after the import", async () => {
    // A second trust in w2025: G, a User, 6-05 unmet. The crosswalked domain gains 1 respondent and 1 unmet rating.
    const [loaded] = await ingestFiles(t.db, [csv("RKE.csv", `${HEADER}\nG,RKE,Nursing and Midwifery Registered,U,2025-06-10,6-05,0\n`)], { waveLabel: "w2025", key: TEST_KEY, log: () => {} });
    expect(loaded.status).toBe("loaded");
    expect(await crosswalked("w2025", ["domain"])).toMatchObject([{ respondents: 4, required: 6, met: 2 }]);
    await withdrawSubmission(t.db, "RKE", "w2025");
    expect(await crosswalked("w2025", ["domain"])).toMatchObject([{ respondents: 3, required: 5, met: 2 }]);
  });

  it("refuses a bad crosswalk file whole, naming each row and column, and changes nothing", async () => {
    const stored = () =>
      t.db.query(
        `select (select count(*) from crosswalk_pairs)::int as pairs, (select count(*) from crosswalk_rollups)::int as rollups,
                (select string_agg(concat_ws('|', crosswalk_id, from_capability_id, to_capability_id, comparable), ',' order by crosswalk_id, from_capability_id, to_capability_id) from crosswalk_pairs) as checksum`,
      );
    const before = await stored();
    const file = csv("bad.csv", "from_code,to_code\n6-05,6-05b\n9-99,6-05a\n6-05,6-05a\n6-05,6-05a\n");
    const error = await importCrosswalk(t.db, file, EARLIER_VERSION, LATER_VERSION).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).problems.map((p) => [p.row, p.column])).toEqual([[2, "to_code"], [3, "from_code"], [5, "to_code"]]);
    expect((error as InputError).message).toContain("bad.csv was not imported: nothing changed");
    await expect(importCrosswalk(t.db, PAIRS_FILE, "ai-dht-1999", LATER_VERSION)).rejects.toThrow("--from ai-dht-1999: there is no framework version");
    await expect(importCrosswalk(t.db, PAIRS_FILE, LATER_VERSION, LATER_VERSION)).rejects.toThrow("a crosswalk runs between two framework versions");
    expect(await stored()).toEqual(before);
  });
});

describe.each(TARGETS)("a crosswalk on the shared fixture on %s", (target) => {
  const [, LATEST] = FIXTURE_WAVES.map((w) => w.label);
  const NEXT = "2026-autumn";
  let t: TestDatabase;
  let source: CrosswalkSource;
  // The independent computation: the expected 1:1 pairs, joined to the raw ratings in SQL.
  const pairs = expectedPairs()
    .map(([f, l]) => `('${f}', '${l}')`)
    .join(", ");
  const version = (v: string) => `(select id from frameworks where version = '${v}')`;
  const direct = (key: string, wave: string, where?: string) =>
    directCells(t.db, key, wave, {
      // t: the later capability a rating is read as; e: the earlier one. Both must badge the archetype.
      join:
        wave === NEXT
          ? `join (values ${pairs}) p(f, l) on p.l = c.code join capabilities t on t.id = c.id
             join capabilities e on e.framework_id = ${version(EARLIER_VERSION)} and e.code = p.f
             left join capability_nodes tn on tn.capability_id = t.id and tn.node_type = 'sub_domain'`
          : `join (values ${pairs}) p(f, l) on p.f = c.code join capabilities t on t.framework_id = ${version(LATER_VERSION)} and t.code = p.l
             join capabilities e on e.id = c.id
             left join capability_nodes tn on tn.capability_id = t.id and tn.node_type = 'sub_domain'`,
      where: ["strpos(t.archetypes, r.archetype_code) > 0 and strpos(e.archetypes, r.archetype_code) > 0", where].filter(Boolean).join(" and "),
    });

  beforeAll(async () => {
    t = await openFixture(target);
    await importLaterVersion(t.db);
    const outcomes = await ingestFiles(t.db, laterVersionFiles(inject("fixtureFiles")[LATEST]), { waveLabel: NEXT, frameworkVersion: LATER_VERSION, key: TEST_KEY, synthetic: true, log: () => {} });
    expect(outcomes.flatMap((o) => o.problems)).toEqual([]);
    const { summary } = await importCrosswalk(t.db, PAIRS_FILE, EARLIER_VERSION, LATER_VERSION);
    expect(summary).toEqual(SUMMARY);
    const [x] = await t.db.query<{ id: number; to_framework_id: number }>("select id, to_framework_id from crosswalks");
    source = { crosswalkId: x.id, toFrameworkId: x.to_framework_id };
    // One organisation leaves the earlier wave after the import: matching leaves it out.
    await withdrawSubmission(t.db, "RDE", LATEST);
  });
  afterAll(() => t.close());

  // Every grain, crossed with a staff dimension: the query layer's cell key and the direct one.
  const GRAINS: { by: string[]; key: string; of: (c: RawCell) => string }[] = [
    { by: [], key: "''", of: () => "" },
    { by: ["domain"], key: "t.domain_code", of: (c) => String(c.domain) },
    { by: ["sub_domain"], key: "tn.node_code", of: (c) => String(c.sub_domain) },
    { by: ["capability"], key: "t.code", of: (c) => String(c.capability) },
    { by: ["level"], key: "t.level::text", of: (c) => String(c.level) },
    { by: ["domain", "level"], key: "t.domain_code || ':' || t.level", of: (c) => `${c.domain}:${c.level}` },
  ];

  it("holds, in each wave and at every grain, exactly the sums of the raw ratings over the 1:1 pairs", async () => {
    for (const wave of [LATEST, NEXT]) {
      for (const grain of GRAINS) {
        const cells = (await queryCells(t.db, NATIONAL, { by: ["staff_group", ...grain.by], filters: { wave } }, undefined, source)).cells;
        const expected = await direct(`r.staff_group_code || '|' || ${grain.key}`, wave, grain.by.includes("sub_domain") ? "tn.node_code is not null" : undefined);
        expect(cells.length, `${wave} by ${grain.by.join(",")}`).toBe(expected.size);
        for (const c of cells) {
          const d = expected.get(`${c.staff_group}|${grain.of(c)}`)!;
          expect([c.respondents, c.required, c.met, c.sum_r2, c.sum_u2, c.sum_ru]).toEqual([d.respondents, d.required, d.met, d.sumR2, d.sumU2, d.sumRu]);
        }
      }
    }
  });

  it("publishes the change at every grain as computed from the raw ratings, over the organisations in both waves", async () => {
    const rate = (c: DirectCell) => (c.required - c.met) / c.required;
    // The SE as docs/metrics.md states it, from the raw ratings' per-respondent values.
    const se = (c: DirectCell) => {
      if (c.respondents >= 2 && c.deviation2 > 1e-9) return Math.sqrt((c.respondents / (c.respondents - 1)) * c.deviation2) / c.required;
      const w = wilsonInterval(c.required - c.met, c.required)!;
      return (w.high - w.low) / 2 / Z95;
    };
    for (const grain of GRAINS) {
      const table = await queryGaps(t.db, NATIONAL, { by: grain.by, filters: { wave: NEXT }, compareTo: LATEST }, 1);
      expect(table.meta.comparison).toMatchObject({ organisations_left_out: 1, series_break: true, crosswalk: SUMMARY });
      const where = ["r.organisation_code <> 'RDE'", grain.by.includes("sub_domain") ? "tn.node_code is not null" : ""].filter(Boolean).join(" and ");
      const now = await direct(grain.key, NEXT, where);
      const then = await direct(grain.key, LATEST, where);
      let changes = 0;
      for (const row of table.rows) {
        const [a, b] = [now.get(grain.of(row as RawCell)), then.get(grain.of(row as RawCell))];
        if (!a || !b) {
          expect(row.change, `${grain.by} ${grain.of(row as RawCell)}`).toBeNull();
          continue;
        }
        const change = gapChange({ rate: rate(a), se: se(a) }, { rate: rate(b), se: se(b) });
        expect(row.compare_gap_rate).toBeCloseTo(rate(b), 12);
        expect(row.change).toBeCloseTo(change.change, 12);
        expect(row.change_ci_low).toBeCloseTo(change.low, 9);
        expect(row.change_ci_high).toBeCloseTo(change.high, 9);
        expect(row.change_flag).toBe(change.flag);
        changes++;
      }
      expect(changes).toBe([...now.keys()].filter((k) => then.has(k)).length);
      expect(changes).toBeGreaterThan(0);
    }
  });
});
