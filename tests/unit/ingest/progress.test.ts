// What an operator sees (ingest/progress.ts): the progress line on a terminal, and the JSON line
// per file that docs/formats.md documents.
import { describe, expect, it } from "vitest";
import type { FileOutcome } from "../../../ingest/ingest";
import { formatProgress, outcomeRecord } from "../../../ingest/progress";

const MB = 1024 ** 2;

describe("formatProgress", () => {
  it("shows the file, a bar, share, megabytes, rows, rate and the time left by bytes", () => {
    const line = formatProgress({ file: "/inbox/RAL.csv", bytes: 2.5 * MB, size: 10 * MB, rows: 12_345, elapsedMs: 10_000 });
    // A quarter read in 10 s: 30 s to go.
    expect(line).toBe(`RAL.csv [${"#".repeat(6)}${".".repeat(18)}] 25% 2.5/10.0 MB, 12,345 rows, 1,235 rows/s, ETA 0:30`);
  });

  it("writes minutes and seconds for longer waits, and takes a bar width", () => {
    const line = formatProgress({ file: "big.csv", bytes: 10 * MB, size: 110 * MB, rows: 100_000, elapsedMs: 12_500 }, 10);
    // A eleventh read in 12.5 s: 125 s to go.
    expect(line).toBe(`big.csv [#.........] 9% 10.0/110.0 MB, 100,000 rows, 8,000 rows/s, ETA 2:05`);
  });

  it("has no rate or time left before anything is read", () => {
    expect(formatProgress({ file: "a.csv", bytes: 0, size: 4 * MB, rows: 0, elapsedMs: 0 }, 4)).toBe("a.csv [....] 0% 0.0/4.0 MB, 0 rows, 0 rows/s, ETA –");
  });

  it("stops at 100% with no time left, also for an empty file or bytes beyond the size", () => {
    expect(formatProgress({ file: "a.csv", bytes: 4 * MB, size: 4 * MB, rows: 10, elapsedMs: 2000 }, 4)).toBe("a.csv [####] 100% 4.0/4.0 MB, 10 rows, 5 rows/s, ETA –");
    expect(formatProgress({ file: "a.csv", bytes: 5 * MB, size: 4 * MB, rows: 10, elapsedMs: 2000 }, 4)).toContain("[####] 100%");
    expect(formatProgress({ file: "empty.csv", bytes: 0, size: 0, rows: 0, elapsedMs: 5 }, 4)).toBe("empty.csv [....] 0% 0.0/0.0 MB, 0 rows, 0 rows/s, ETA –");
  });
});

describe("outcomeRecord", () => {
  const outcome: FileOutcome = {
    file: "/srv/inbox/RAL.csv",
    sha256: "ab".repeat(32),
    status: "loaded",
    message: "loaded, replacing 1 earlier submission(s)",
    problems: [],
    problemCount: 0,
    rows: 30,
    ratings: 2592,
    respondents: 30,
    organisations: ["RAL"],
    superseded: ["RAL-2026-06.csv"],
    seconds: 1.23456,
    bytes: 57_694,
    format: "CSV, UTF-8, comma-separated",
    layout: "wide",
  };

  it("is every field, in order, with the file's name, seconds to the millisecond and data rows per second", () => {
    const record = outcomeRecord(outcome);
    expect(record).toEqual({
      file: "/srv/inbox/RAL.csv",
      name: "RAL.csv",
      sha256: "ab".repeat(32),
      status: "loaded",
      message: "loaded, replacing 1 earlier submission(s)",
      layout: "wide",
      format: "CSV, UTF-8, comma-separated",
      rows: 30,
      ratings: 2592,
      respondents: 30,
      organisations: ["RAL"],
      superseded: ["RAL-2026-06.csv"],
      problemCount: 0,
      problems: [],
      seconds: 1.235,
      rowsPerSecond: 24,
      bytes: 57_694,
    });
    expect(Object.keys(record)).toEqual([
      "file", "name", "sha256", "status", "message", "layout", "format", "rows", "ratings", "respondents",
      "organisations", "superseded", "problemCount", "problems", "seconds", "rowsPerSecond", "bytes",
    ]);
  });

  it("gives each problem row, column (null when none) and message only, not the file", () => {
    const record = outcomeRecord({
      ...outcome,
      status: "rejected",
      message: "rejected",
      problems: [
        { file: "RAL.csv", row: 7, column: "rating", message: '"9" is not a rating' },
        { file: "RAL.csv", column: "respondent_id", message: "holds email addresses" },
        { file: "RAL.csv", message: "the file has a header but no data rows" },
      ],
      problemCount: 45,
      seconds: 0,
      layout: null,
      format: "",
      superseded: undefined,
    });
    expect(record.problems).toEqual([
      { row: 7, column: "rating", message: '"9" is not a rating' },
      { row: null, column: "respondent_id", message: "holds email addresses" },
      { row: null, column: null, message: "the file has a header but no data rows" },
    ]);
    expect(record).toMatchObject({ status: "rejected", problemCount: 45, layout: null, format: "", seconds: 0, rowsPerSecond: 0, superseded: [] });
    expect(JSON.parse(JSON.stringify(record))).toEqual(record);
  });
});
