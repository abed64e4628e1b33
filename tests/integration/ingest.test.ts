// Loading files into a copy of the fixture: all-or-nothing, idempotent, superseding, withdrawing.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, inject, it } from "vitest";
import { queryCells, queryGaps } from "../../db/analytics/gaps";
import { importFramework, readFrameworkFiles } from "../../db/framework";
import { NATIONAL } from "../../db/analytics/scope";
import { CHUNK_BYTES } from "../../ingest/decode";
import { ingestFiles } from "../../ingest/ingest";
import { withdrawSubmission } from "../../ingest/withdraw";
import { openFixture, TARGETS, type TestDatabase } from "../support/databases";
import { directCells, snapshot } from "../support/direct";
import { FIXTURE_WAVES, TEST_KEY } from "../support/fixture";

const [EARLIER, LATEST] = FIXTURE_WAVES.map((w) => w.label);
const quiet = { key: TEST_KEY, log: () => {} };
const workDir = () => mkdtempSync(path.join(os.tmpdir(), "capgap-ingest-"));
const fixtureFile = (wave: string, org: string) => inject("fixtureFiles")[wave].find((f) => f.endsWith(`/${org}.csv`))!;

/** The line with field `index` (0-based) set to `value`; fixture files hold no quoted commas. */
const setField = (line: string, index: number, value: string) =>
  line.split(",").map((f, i) => (i === index ? value : f)).join(",");
const CAPABILITY = 5;
const RATING = 6;

/** Writes a variant of a fixture file: `edit` gets and returns the data lines (header kept). */
function variant(wave: string, org: string, edit: (lines: string[]) => string[], name = `${org}.csv`): string {
  const [header, ...lines] = readFileSync(fixtureFile(wave, org), "utf8").trimEnd().split("\n");
  const file = path.join(workDir(), name);
  writeFileSync(file, `${[header, ...edit(lines)].join("\n")}\n`);
  return file;
}

describe.each(TARGETS)("ingest on %s", (target) => {
  let t: TestDatabase;
  afterEach(async () => {
    await t?.close();
  });

  it("rejects a file with one bad row whole, naming file, row and column, and changes nothing", async () => {
    t = await openFixture(target);
    const before = await snapshot(t.db);
    const file = variant(LATEST, "RAL", (lines) => lines.map((l, i) => (i === 41 ? setField(l, RATING, "7") : l)));
    const [outcome] = await ingestFiles(t.db, [file], { waveLabel: LATEST, ...quiet });
    expect(outcome.status).toBe("rejected");
    expect(outcome.problems).toEqual([
      expect.objectContaining({ file: "RAL.csv", row: 43, column: "rating", message: expect.stringContaining("0 (not yet) to 4") }),
    ]);
    expect(await snapshot(t.db)).toEqual(before);
    const attempts = await t.db.query<{ file_name: string; problem_count: number }>("select file_name, problem_count from ingest_attempts");
    expect(attempts).toEqual([{ file_name: "RAL.csv", problem_count: 1 }]);
  });

  it("rejects duplicate ratings and a respondent's conflicting attributes set-wise, naming both rows", async () => {
    t = await openFixture(target);
    const before = await snapshot(t.db);
    const file = variant(LATEST, "RKE", (lines) => {
      const out = [...lines, lines[0]]; // the first row again: a duplicate respondent × capability
      out[1] = out[1].replace(/,(\d{4}-\d{2}-\d{2}),/, ",2026-06-02,"); // second row: another date, same respondent
      return out;
    });
    const [outcome] = await ingestFiles(t.db, [file], { waveLabel: LATEST, ...quiet });
    expect(outcome.status).toBe("rejected");
    const messages = outcome.problems.map((p) => `${p.row} ${p.column} ${p.message}`);
    expect(messages.some((m) => m.includes("twice (rows 2 and"))).toBe(true);
    expect(messages.some((m) => m.startsWith("3 assessed_on differs from row 2"))).toBe(true);
    expect(await snapshot(t.db)).toEqual(before);
  });

  it("reports loading the same content again as already loaded, and changes nothing", async () => {
    t = await openFixture(target);
    const before = await snapshot(t.db);
    const [outcome] = await ingestFiles(t.db, [fixtureFile(LATEST, "RDE")], { waveLabel: LATEST, ...quiet });
    expect(outcome).toMatchObject({ status: "already-loaded", message: "already loaded (current) — nothing changed" });
    expect(await snapshot(t.db)).toEqual(before);
    const [elsewhere] = await ingestFiles(t.db, [fixtureFile(LATEST, "RDE")], { waveLabel: EARLIER, ...quiet });
    expect(elsewhere.status).toBe("rejected");
    expect(elsewhere.problems[0].message).toContain(`already loaded as wave ${LATEST}`);
  });

  it("supersedes an organisation's submission, and the rollups follow the new ratings", async () => {
    t = await openFixture(target);
    const [old] = await t.db.query<{ id: number; respondents: number; file: string }>(
      "select s.id, s.respondents, b.file_name as file from submissions s join waves w on w.id = s.wave_id join batches b on b.id = s.batch_id where w.label = $1 and organisation_code = 'RGT' and s.status = 'current'",
      [LATEST],
    );
    const rgtBefore = await queryGaps(t.db, NATIONAL, { by: [], filters: { wave: LATEST, organisation: "RGT" } }, 1);
    expect(rgtBefore.rows[0].gap_rate).toBeGreaterThan(0);
    // Everyone in the new file answers 4: RGT's gap rate must become 0 (and no cached figure survives).
    const file = variant(LATEST, "RGT", (lines) => lines.map((l) => setField(l, RATING, "4")));
    const [outcome] = await ingestFiles(t.db, [file], { waveLabel: LATEST, ...quiet });
    expect(outcome).toMatchObject({ status: "loaded", message: "loaded, replacing 1 earlier submission(s)", superseded: [old.file] });
    const [status] = await t.db.query("select status from submissions where id = $1", [old.id]);
    expect(status).toEqual({ status: "superseded" });
    const orphans = await t.db.query("select 1 from respondents where submission_id = $1", [old.id]);
    expect(orphans).toHaveLength(0);
    const rgt = await queryCells(t.db, NATIONAL, { by: [], filters: { wave: LATEST, organisation: "RGT" } });
    expect(rgt.cells[0]).toMatchObject({ respondents: old.respondents, required: rgt.cells[0].met });
    expect((await queryGaps(t.db, NATIONAL, { by: [], filters: { wave: LATEST, organisation: "RGT" } }, 1)).rows[0].gap_rate).toBe(0);
    const { cells } = await queryCells(t.db, NATIONAL, { by: ["organisation", "domain"], filters: { wave: LATEST } });
    const direct = await directCells(t.db, "r.organisation_code || '/' || c.domain_code", LATEST);
    for (const cell of cells) expect(cell.met).toBe(direct.get(`${cell.organisation}/${cell.domain}`)!.met);
    // Loading the old file again is now a no-op that says what replaced it.
    const [again] = await ingestFiles(t.db, [fixtureFile(LATEST, "RGT")], { waveLabel: LATEST, ...quiet });
    expect(again.message).toMatch(/^already loaded \(superseded by RGT\.csv on \d{4}-\d{2}-\d{2} \d{2}:\d{2}\) — nothing changed$/);
  });

  it("rejects a file for an existing wave under another framework version", async () => {
    t = await openFixture(target);
    const dir = "db/framework/ai-dht-2023-illustrative";
    await t.db.transaction((tx) =>
      importFramework(tx, { version: "other-2026", title: "Other", framework: readFrameworkFiles(`${dir}/nodes.csv`, `${dir}/capabilities.csv`) }),
    );
    const before = await snapshot(t.db);
    const file = variant(LATEST, "RAL", (lines) => lines.slice(0, 100));
    const [outcome] = await ingestFiles(t.db, [file], { waveLabel: LATEST, frameworkVersion: "other-2026", ...quiet });
    expect(outcome.status).toBe("rejected");
    expect(outcome.problems[0].message).toContain(`wave ${LATEST} uses framework ai-dht-2023-illustrative, not other-2026`);
    expect(await snapshot(t.db)).toEqual(before);
  });

  it("reads a UTF-8 file with a byte-order mark, CRLF line ends, quoted fields and trailing blank lines", async () => {
    t = await openFixture(target);
    const [header, ...lines] = readFileSync(fixtureFile(LATEST, "RDU"), "utf8").trimEnd().split("\n");
    const quoted = lines.map((l) => l.split(",").map((f, i) => (i === 2 ? `"${f}"` : f)).join(","));
    const file = path.join(workDir(), "RDU.csv");
    writeFileSync(file, `\uFEFF${[header, ...quoted].join("\r\n")}\r\n\r\n\r\n`);
    const [outcome] = await ingestFiles(t.db, [file], { waveLabel: LATEST, ...quiet });
    expect(outcome).toMatchObject({ status: "loaded", rows: lines.length, message: "loaded, replacing 1 earlier submission(s)" });
  });

  it("withdraws a submission: its ratings and rollups go, the record stays", async () => {
    t = await openFixture(target);
    const before = await snapshot(t.db);
    const rm1 = { by: [], filters: { wave: LATEST, organisation: "RM1" } };
    expect((await queryGaps(t.db, NATIONAL, rm1, 1)).rows[0].respondents).toBeGreaterThan(0);
    const result = await withdrawSubmission(t.db, "rm1", LATEST);
    expect((await queryGaps(t.db, NATIONAL, rm1, 1)).rows[0]).toMatchObject({ respondents: null, suppressed: true });
    expect(result.respondents).toBeGreaterThan(0);
    const left = await t.db.query(
      `select 1 from rollups ro join waves w on w.id = ro.wave_id where w.label = $1 and organisation_code = 'RM1'
       union all select 1 from capability_rollups cr join waves w on w.id = cr.wave_id where w.label = $1 and organisation_code = 'RM1'
       union all select 1 from attainment_rollups a join waves w on w.id = a.wave_id where w.label = $1 and organisation_code = 'RM1'
       union all select 1 from respondents r join waves w on w.id = r.wave_id where w.label = $1 and organisation_code = 'RM1'`,
      [LATEST],
    );
    expect(left).toHaveLength(0);
    const after = await snapshot(t.db);
    expect(after.respondents).toBe(before.respondents - result.respondents);
    expect(after.ratings).toBe(before.ratings - result.rows);
    const [sub] = await t.db.query<{ status: string }>(
      "select s.status from submissions s join waves w on w.id = s.wave_id where w.label = $1 and organisation_code = 'RM1'",
      [LATEST],
    );
    expect(sub.status).toBe("withdrawn");
    await expect(withdrawSubmission(t.db, "RM1", LATEST)).rejects.toThrow("no current submission");
  });

  it("keeps each wave's reference date at the median assessment month of its current respondents", async () => {
    t = await openFixture(target);
    // The direct computation over every respondent, against what loads and withdrawals keep.
    const mismatches = () =>
      t.db.query(
        `select w.label, w.reference_date, m.median from waves w
         join (select wave_id, percentile_disc(0.5) within group (order by assessed_month) as median from respondents group by 1) m
           on m.wave_id = w.id
         where w.reference_date_source = 'data' and w.reference_date <> m.median`,
      );
    const [{ n }] = await t.db.query<{ n: number }>("select count(distinct wave_id)::int as n from respondents");
    expect(n).toBe(FIXTURE_WAVES.length);
    expect(await mismatches()).toEqual([]);
    // Move RAL's latest assessments to the end of the wave: the median may move with them.
    const later = variant(LATEST, "RAL", (lines) => lines.map((l) => l.replace(/,\d{4}-\d{2}-\d{2},/, `,${FIXTURE_WAVES[1].end},`)));
    const [loaded] = await ingestFiles(t.db, [later], { waveLabel: LATEST, ...quiet });
    expect(loaded.status, JSON.stringify(loaded.problems)).toBe("loaded");
    expect(await mismatches()).toEqual([]);
    await withdrawSubmission(t.db, "RKE", LATEST);
    expect(await mismatches()).toEqual([]);
  });

  it("names the exact row of a bad rating or a repeated capability deep inside a respondent's rows", async () => {
    t = await openFixture(target);
    const before = await snapshot(t.db);
    expect(statSync(fixtureFile(LATEST, "RAL")).size).toBeGreaterThan(4 * CHUNK_BYTES); // rows past the first piece are read as runs
    const respondentOf = (line: string) => line.split(",")[0];
    let bad = -1;
    let repeated = -1;
    const file = variant(LATEST, "RAL", (lines) => {
      // Two rows in the middle of respondents' runs (same respondent as the row before and after).
      const inRun = (i: number) => respondentOf(lines[i]) === respondentOf(lines[i - 1]) && respondentOf(lines[i]) === respondentOf(lines[i + 1]);
      bad = lines.findIndex((_, i) => i > 3000 && inRun(i));
      repeated = lines.findIndex((_, i) => i > 5000 && inRun(i));
      const edited = [...lines];
      edited[bad] = setField(edited[bad], RATING, "7");
      edited[repeated] = setField(edited[repeated], CAPABILITY, edited[repeated - 1].split(",")[CAPABILITY]);
      return edited;
    });
    const [outcome] = await ingestFiles(t.db, [file], { waveLabel: LATEST, ...quiet });
    expect(outcome.status).toBe("rejected");
    expect(outcome.problems.map((p) => [p.row, p.column])).toEqual([
      [bad + 2, "rating"],
      [repeated + 2, "capability_code"],
    ]);
    expect(outcome.problems[1].message).toContain(`rows ${repeated + 1} and ${repeated + 2}`);
    expect(await snapshot(t.db)).toEqual(before);
  });

  it("rejects both files when two files in one run hold the same organisation and wave", async () => {
    t = await openFixture(target);
    const before = await snapshot(t.db);
    const a = variant(LATEST, "RA2", (lines) => lines.slice(0, 200), "RA2-part1.csv");
    const b = variant(LATEST, "RA2", (lines) => lines.slice(0, 300), "RA2-part2.csv");
    const outcomes = await ingestFiles(t.db, [a, b], { waveLabel: LATEST, ...quiet });
    expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected"]);
    expect(outcomes[0].problems[0].message).toContain("also in RA2-part2.csv");
    expect(await snapshot(t.db)).toEqual(before);
  });

  it("does not count a file already loaded as a clash: a new file for its organisation in the same run loads", async () => {
    t = await openFixture(target);
    const current = fixtureFile(LATEST, "RA2"); // loaded with the fixture
    const update = variant(LATEST, "RA2", (lines) => lines.slice(0, 300), "RA2-update.csv");
    const outcomes = await ingestFiles(t.db, [current, update], { waveLabel: LATEST, ...quiet });
    expect(outcomes.map((o) => [o.status, o.message])).toEqual([
      ["already-loaded", "already loaded (current) — nothing changed"],
      ["loaded", "loaded, replacing 1 earlier submission(s)"],
    ]);
  });

  it("rejects an organisation that is closed on the wave's reference date", async () => {
    t = await openFixture(target);
    const before = await snapshot(t.db);
    // RNK closed on 31 March 2026, before the summer 2026 wave.
    const file = variant(LATEST, "RAL", (lines) => lines.map((l) => l.replace(/,RAL,/, ",RNK,").replace(/^RAL-/, "RNK-")), "RNK.csv");
    const [outcome] = await ingestFiles(t.db, [file], { waveLabel: LATEST, ...quiet });
    expect(outcome.status).toBe("rejected");
    expect(outcome.problems[0]).toMatchObject({ row: 2, column: "organisation_code", message: expect.stringContaining("RNK closed on 2026-03-31") });
    expect(await snapshot(t.db)).toEqual(before);
  });

  it("refuses personal data: a name column, and NHS numbers used as respondent ids", async () => {
    t = await openFixture(target);
    const before = await snapshot(t.db);
    const named = variant(LATEST, "RDU", (lines) => lines.map((l) => `${l},Someone`), "named.csv");
    writeFileSync(named, readFileSync(named, "utf8").replace(/^([^\n]*)/, "$1,Surname"));
    // Valid NHS numbers (modulus 11) as ids: 943 476 5919 and 401 023 2137.
    const nhs = variant(LATEST, "RDU", (lines) => lines.map((l, i) => l.replace(/^[^,]+/, i % 2 ? "943 476 5919" : "4010232137")), "nhs.csv");
    const outcomes = await ingestFiles(t.db, [named, nhs], { waveLabel: LATEST, ...quiet });
    expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected"]);
    expect(outcomes[0].problems[0]).toMatchObject({ column: "Surname", message: expect.stringContaining("personal data") });
    const nhsProblem = outcomes[1].problems.find((p) => p.column === "respondent_id")!;
    expect(nhsProblem.message).toContain("NHS numbers");
    expect(JSON.stringify(outcomes)).not.toContain("943 476 5919");
    expect(await snapshot(t.db)).toEqual(before);
  });
});
