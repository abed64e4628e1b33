// The ingest command as operators run it (cron, CI, a terminal): the shipped sample files with
// their mapping profiles, the JSON line per file, --inbox, usage errors and limits. Child processes
// on one copy of the fixture (embedded database in a temporary DATA_DIR); the tests run in order.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { fixtureDataDir } from "../support/databases";
import { FIXTURE_WAVES } from "../support/fixture";
import { type Run, runScript } from "../support/processes";

const FIRST = FIXTURE_WAVES[0].label;
const LATEST = FIXTURE_WAVES[1].label;
const SAMPLES = "tests/fixtures/profiles";

/** Every field of the JSON line (ingest/progress.ts outcomeRecord), as docs/formats.md lists them. */
const FIELDS = [
  "file", "name", "sha256", "status", "message", "layout", "format", "rows", "ratings", "respondents",
  "organisations", "superseded", "problemCount", "problems", "seconds", "rowsPerSecond", "bytes",
];

type Line = Record<string, unknown> & { name: string; status: string; problems: { row: number | null; column: string | null; message: string }[] };

function jsonLines(run: Run): Line[] {
  return run.stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l) as Line);
}

function fixtureLines(wave: string, organisation: string): string[] {
  const file = inject("fixtureFiles")[wave].find((f) => f.endsWith(`/${organisation}.csv`))!;
  return readFileSync(file, "utf8").trimEnd().split("\n");
}

/** A fixture export with every rating changed, so its content is new and it loads. */
function newContent(wave: string, organisation: string): string {
  const [header, ...rows] = fixtureLines(wave, organisation);
  const rating = header.split(",").indexOf("rating");
  return [header, ...rows.map((r) => r.split(",").map((c, i) => (i === rating ? String((Number(c) + 1) % 5) : c)).join(","))].join("\n") + "\n";
}

/** A fixture export with one value changed in data row `row` (0-based). */
function withCell(wave: string, organisation: string, column: string, row: number, value: string): string {
  const [header, ...rows] = fixtureLines(wave, organisation);
  const j = header.split(",").indexOf(column);
  return [header, ...rows.map((r, i) => (i === row ? r.split(",").map((c, k) => (k === j ? value : c)).join(",") : r))].join("\n") + "\n";
}

describe("ingest command", () => {
  let env: Record<string, string>;
  let dir: string;
  beforeAll(async () => {
    env = { DATA_DIR: await fixtureDataDir() };
    dir = mkdtempSync(path.join(os.tmpdir(), "capgap-ingest-cli-"));
  });
  afterAll(() => {
    for (const d of [env?.DATA_DIR, dir]) if (d) rmSync(d, { recursive: true, force: true });
  });
  const write = (name: string, content: string) => {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
    return file;
  };

  it("loads both shipped sample files with their mapping profiles", () => {
    const expected = [
      { profile: "survey-wide", layout: "wide", format: "CSV, UTF-8, comma-separated" },
      { profile: "lms-long", layout: "long", format: "CSV, Windows-1252, semicolon-separated" },
    ];
    for (const { profile, layout, format } of expected) {
      const run = runScript("ingest", [`${SAMPLES}/${profile}.csv`, "--wave", FIRST, "--profile", profile], env);
      expect(run.stderr).toContain("1 loaded, 0 already loaded, 0 rejected.");
      expect(run.status).toBe(0);
      const [line, ...more] = jsonLines(run);
      expect(more).toEqual([]);
      expect(line).toMatchObject({ name: `${profile}.csv`, status: "loaded", layout, format, respondents: 30, problemCount: 0 });
      expect(line.ratings).toBeGreaterThan(0);
    }
  });

  it("writes one JSON line per file with every documented field; a rejected file exits 1 and its problems quote no personal data", () => {
    const good = write("json/RKE.csv", newContent(LATEST, "RKE"));
    const [header, ...rows] = fixtureLines(LATEST, "RAL");
    // Two respondents' ids are personal data: an email address and an NHS number (943 476 5919 passes the check).
    const first = rows[0].split(",")[0];
    const second = rows.find((r) => !r.startsWith(`${first},`))!.split(",")[0];
    const swapped = rows.map((r) => r.replace(new RegExp(`^${first},`), "jo.bloggs@nhs.net,").replace(new RegExp(`^${second},`), "943 476 5919,"));
    const bad = write("json/RAL.csv", [header, ...swapped].join("\n") + "\n");

    const run = runScript("ingest", [good, bad, "--wave", LATEST], env);
    expect(run.status).toBe(1);
    // Each line is written as soon as that file's outcome is known: RKE loads while RAL is read, so either may come first.
    const lines = jsonLines(run).sort((a, b) => a.name.localeCompare(b.name));
    expect(lines.map((l) => [l.name, l.status])).toEqual([["RAL.csv", "rejected"], ["RKE.csv", "loaded"]]);
    for (const line of lines) expect(Object.keys(line).sort()).toEqual([...FIELDS].sort());

    const [rejected, loaded] = lines;
    expect(loaded).toMatchObject({ file: good, layout: "long", format: "CSV, UTF-8, comma-separated", organisations: ["RKE"], problemCount: 0, problems: [] });
    expect(loaded.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(loaded.rows).toBe(fixtureLines(LATEST, "RKE").length - 1);
    expect(loaded.ratings).toBe(loaded.rows);
    expect(loaded.respondents).toBeGreaterThan(0);
    expect(loaded.bytes).toBe(readFileSync(good).length);
    expect(typeof loaded.seconds).toBe("number");
    expect(typeof loaded.rowsPerSecond).toBe("number");

    expect(rejected).toMatchObject({ file: bad, message: "rejected", problemCount: 1, respondents: 0 });
    expect(rejected.problems).toEqual([
      {
        row: null,
        column: "respondent_id",
        message: expect.stringMatching(/^holds email addresses and NHS numbers, which are personal data and must never be loaded; export a local survey id instead$/),
      },
    ]);
    for (const output of [run.stdout, run.stderr]) {
      expect(output).not.toContain("jo.bloggs");
      expect(output).not.toContain("943 476");
    }
  });

  it("--inbox loads settled files into loaded/, rejects bad ones into rejected/ with their problems, and leaves fresh ones", () => {
    const inbox = path.join(dir, "inbox");
    const good = write("inbox/good.csv", newContent(LATEST, "RPG"));
    const bad = write("inbox/bad.csv", withCell(LATEST, "RA2", "rating", 3, "7"));
    const fresh = write("inbox/fresh.csv", newContent(LATEST, "RDU"));
    // good and bad settled long ago (ingest/inbox.ts SETTLE_SECONDS); fresh is dated ahead, so it
    // counts as still being written in both runs however slowly they start.
    const past = Date.now() / 1000 - 120;
    for (const f of [good, bad]) utimesSync(f, past, past);
    const ahead = Date.now() / 1000 + 600;
    utimesSync(fresh, ahead, ahead);

    const run = runScript("ingest", ["--inbox", inbox, "--wave", LATEST], env);
    expect(run.status).toBe(1);
    expect(jsonLines(run).map((l) => [l.name, l.status])).toEqual([["bad.csv", "rejected"], ["good.csv", "loaded"]]);
    expect(run.stderr).toContain("1 file(s) still being written; left for the next run.");
    expect(run.stderr).toContain("1 loaded, 0 already loaded, 1 rejected.");
    expect(readdirSync(inbox).filter((f) => !f.startsWith(".")).sort()).toEqual(["fresh.csv", "loaded", "rejected"]);
    expect(readdirSync(path.join(inbox, "loaded"))).toEqual(["good.csv"]);
    expect(readdirSync(path.join(inbox, "rejected")).sort()).toEqual(["bad.csv", "bad.csv.problems.csv"]);
    const report = readFileSync(path.join(inbox, "rejected", "bad.csv.problems.csv"), "utf8").trimEnd().split("\r\n");
    expect(report).toEqual(["file,row,column,problem", 'bad.csv,5,rating,"""7"" is not a rating; expected a whole number from 0 (not yet) to 4 (expert)"']);

    const again = runScript("ingest", ["--inbox", inbox, "--wave", LATEST], env);
    expect(again.status).toBe(0);
    expect(again.stdout).toBe("");
    expect(again.stderr).toContain("0 loaded, 0 already loaded, 0 rejected.");
    expect(again.stderr).toContain("1 file(s) still being written; left for the next run.");
    expect(existsSync(fresh)).toBe(true);
  });

  it("exits 2 for usage and profile errors, naming what is wrong", () => {
    const layout = runScript("ingest", ["x.csv", "--wave", LATEST, "--layout", "diagonal"], env);
    expect(layout.status).toBe(2);
    expect(layout.stderr).toContain("--layout diagonal: expected long, wide or arrow");

    const unknown = runScript("ingest", ["x.csv", "--wave", LATEST, "--profile", "no-such-system"], env);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("No mapping profile no-such-system");
    expect(unknown.stderr).toContain("Profiles shipped: lms-long, survey-wide");

    const own = write("profiles/typo.json", JSON.stringify({ name: "typo", colums: { "Staff ID": "respondent_id" } }));
    const typo = runScript("ingest", ["x.csv", "--wave", LATEST, "--profile", own], env);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain('Mapping profile typo.json: "colums" is not a profile key; expected one of name, description');
    for (const run of [layout, unknown, typo]) expect(run.stdout).toBe("");
  });

  it("--max-rows refuses a longer file with a clear message (exit 1)", () => {
    const file = write("limits/RM1.csv", newContent(LATEST, "RM1"));
    const run = runScript("ingest", [file, "--wave", LATEST, "--max-rows", "5"], env);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("RM1.csv: REJECTED (1 problem); nothing from this file was loaded");
    expect(run.stderr).toContain("RM1.csv, row 7: the file has more than 5 rows; the limit is 5 (raise it with --max-rows or INGEST_MAX_ROWS");
    const [line] = jsonLines(run);
    expect(line).toMatchObject({ name: "RM1.csv", status: "rejected", problemCount: 1 });
  });
});
