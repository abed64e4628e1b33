// Crosswalk files checked row by row, and the pairs a crosswalk holds: defaults, the file's, 1:1 or not.
import { describe, expect, it } from "vitest";
import { checkCrosswalkFile, crosswalkPairs, type PairingCapability } from "../../../ingest/crosswalk";
import { seriesBreaks } from "../../../db/analytics/crosswalk";

const capability = (code: string, level = 1, archetypes = "SDCEU"): PairingCapability => ({ code, level, archetypes });

describe("crosswalkPairs", () => {
  // Earlier: A, B, C, D, E. Later: A (same), B (level 2 now), C2 (C recoded), D1 and D2 (D split), F (new); E retired.
  const earlier = [capability("A"), capability("B"), capability("C"), capability("D"), capability("E")];
  const later = [capability("A"), capability("B", 2), capability("C2"), capability("D1"), capability("D2"), capability("F")];

  it("pairs identical code, level and badges by default, and nothing else", () => {
    expect(crosswalkPairs(earlier, later)).toEqual([{ fromCode: "A", toCode: "A", origin: "default", comparable: true }]);
    // Badges differ: no default pair either.
    expect(crosswalkPairs([capability("A", 1, "SD")], [capability("A", 1, "SDU")])).toEqual([]);
  });

  it("adds the file's pairs; a capability in more than one pair on either side is not comparable", () => {
    const rows = [
      { row: 2, fromCode: "C", toCode: "C2" },
      { row: 3, fromCode: "D", toCode: "D1" },
      { row: 4, fromCode: "D", toCode: "D2" },
      { row: 5, fromCode: "B", toCode: "B" },
      { row: 6, fromCode: "E", toCode: null },
    ];
    expect(crosswalkPairs(earlier, later, rows)).toEqual([
      { fromCode: "A", toCode: "A", origin: "default", comparable: true },
      { fromCode: "C", toCode: "C2", origin: "file", comparable: true },
      { fromCode: "D", toCode: "D1", origin: "file", comparable: false },
      { fromCode: "D", toCode: "D2", origin: "file", comparable: false },
      { fromCode: "B", toCode: "B", origin: "file", comparable: true },
    ]);
  });

  it("lets the file override a default pair of any capability it names, on either side", () => {
    // A → A by default; the file maps A to F instead, and says nothing was A's predecessor.
    expect(crosswalkPairs(earlier, later, [{ row: 2, fromCode: "A", toCode: "F" }])).toEqual([{ fromCode: "A", toCode: "F", origin: "file", comparable: true }]);
    expect(crosswalkPairs(earlier, later, [{ row: 2, fromCode: null, toCode: "A" }])).toEqual([]);
    // Merged: C and E into C2. Both pairs share C2, so neither is 1:1.
    const merged = crosswalkPairs(earlier, later, [{ row: 2, fromCode: "C", toCode: "C2" }, { row: 3, fromCode: "E", toCode: "C2" }]);
    expect(merged.filter((p) => p.origin === "file").map((p) => p.comparable)).toEqual([false, false]);
  });
});

describe("checkCrosswalkFile", () => {
  const from = { version: "v1", codes: new Set(["A", "B", "C", "D", "E"]) };
  const to = { version: "v2", codes: new Set(["A", "B", "C2", "D1", "D2", "F"]) };
  const check = (text: string) => checkCrosswalkFile("/x/pairs.csv", text.split("\n").map((l) => l.split(",")), from, to);

  it("reads pairs and one-sided rows", () => {
    expect(check("from_code,to_code,note\nC,C2,recoded\nE,,retired\n,F,new").rows).toEqual([
      { row: 2, fromCode: "C", toCode: "C2" },
      { row: 3, fromCode: "E", toCode: null },
      { row: 4, fromCode: null, toCode: "F" },
    ]);
  });

  it("names the row and column of every problem and says what was expected", () => {
    const { rows, problems } = check(
      [
        "from_code,to_code",
        "X,C2", // unknown earlier code
        "C,Y", // unknown later code
        ",", // both empty
        "D,D1",
        "D,D1", // repeated pair
        "E,", // retired …
        "E,F", // … and paired
        "B,B",
        "B,", // paired, then retired
      ].join("\n"),
    );
    expect(problems.map((p) => [p.row, p.column])).toEqual([
      [2, "from_code"],
      [3, "to_code"],
      [4, "from_code"],
      [6, "to_code"],
      [8, "from_code"],
      [10, "from_code"],
    ]);
    expect(problems[0]).toMatchObject({ file: "pairs.csv", message: "X is not a capability of framework v1; expected one of its codes, such as 6-05" });
    expect(problems[3].message).toBe("repeats the pair of row 5: each pair once");
    expect(rows.map((r) => r.row)).toEqual([5, 7, 9]);
  });

  it("refuses a file without its columns, with unexpected ones, or without rows", () => {
    expect(check("from,to_code\nA,A").problems.map((p) => [p.row, p.column])).toEqual([[1, "from_code"], [1, "from"]]);
    expect(check("from_code,to_code").problems[0].message).toContain("no rows");
  });
});

describe("seriesBreaks", () => {
  it("marks each wave whose framework version differs from the wave before it", () => {
    const waves = [{ label: "w1", version: "v1" }, { label: "w2", version: "v1" }, { label: "w3", version: "v2" }, { label: "w4", version: "v2" }];
    expect(seriesBreaks(waves)).toEqual([{ wave: "w3", from_version: "v1", to_version: "v2" }]);
    expect(seriesBreaks([])).toEqual([]);
  });
});
