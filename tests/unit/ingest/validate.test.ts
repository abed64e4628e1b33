// Row-local validation of layout v1 (ingest/validate.ts), against a vocabulary built by hand the way
// loadVocabulary builds it from the database.
import { describe, expect, it } from "vitest";
import type { Problem } from "../../../db/problems";
import type { LayoutPlan } from "../../../ingest/layouts/header";
import { COLUMNS as ALL_COLUMNS, NO_PROFILE } from "../../../ingest/profile";
import { isIsoDate, validateLongRow, type RowContext } from "../../../ingest/validate";
import { buildVocabulary, type Vocabulary } from "../../../ingest/vocabulary";

// A subset of db/reference/staff_groups.csv: code, ESR name, long name.
const STAFF_GROUPS: [string, string, string][] = [
  ["APST", "Add Prof Scientific and Technic", "Additional Professional Scientific and Technical"],
  ["NMR", "Nursing and Midwifery Registered", "Nursing and Midwifery Registered"],
  ["MD", "Medical and Dental", "Medical and Dental"],
];
const ARCHETYPES: [string, string][] = [
  ["S", "Shapers"],
  ["D", "Drivers"],
  ["C", "Creators"],
  ["E", "Embedders"],
  ["U", "Users"],
];

function vocabulary(): Vocabulary {
  return buildVocabulary({
    framework: { id: 1, version: "ai-dht-2023-illustrative", scaleMin: 0, scaleMax: 4 },
    organisations: [
      { code: "RX1", openedOn: "2001-04-01", closedOn: null },
      { code: "R0A", openedOn: "2017-10-01", closedOn: null },
    ],
    staffGroups: STAFF_GROUPS.map(([code, name, longName]) => ({ code, name, longName })),
    archetypes: ARCHETYPES.map(([code, name]) => ({ code, name })),
    capabilities: [
      { id: 101, code: "1-01" },
      { id: 502, code: "5.1.1-02" },
    ],
  });
}

const VOCAB = vocabulary();
// Header order of the test file: band sits in the middle, as trusts' exports often have it.
const HEADER = ["respondent_id", "organisation_code", "staff_group", "archetype", "band", "assessed_on", "capability_code", "rating"] as const;
type Columns = Pick<LayoutPlan, "at" | "names">;
const COLUMNS: Columns = {
  at: Object.fromEntries(ALL_COLUMNS.map((c) => [c, HEADER.indexOf(c as (typeof HEADER)[number])])) as Columns["at"],
  names: Object.fromEntries(ALL_COLUMNS.map((c) => [c, c])) as Columns["names"],
};
const CTX: RowContext = { file: "trust.csv", row: 7, today: "2026-07-01" };

type Row = Record<(typeof HEADER)[number], string>;
const GOOD: Row = {
  respondent_id: "RX1-000123",
  organisation_code: "RX1",
  staff_group: "Nursing and Midwifery Registered",
  archetype: "U",
  band: "Band 5",
  assessed_on: "2026-06-15",
  capability_code: "1-01",
  rating: "3",
};

function validate(overrides: Partial<Row> = {}, columns: Columns = COLUMNS) {
  const row = { ...GOOD, ...overrides };
  return validateLongRow(HEADER.map((h) => row[h]), columns, VOCAB, NO_PROFILE, CTX);
}

/** The problems of a row that must fail; fails the test if the row was accepted. */
function problemsOf(overrides: Partial<Row>): Problem[] {
  const result = validate(overrides);
  expect(result.row).toBeNull();
  return result.problems ?? [];
}

/** Asserts the row fails with exactly one problem, in `column`, and returns its message. */
function onlyProblem(overrides: Partial<Row>, column: string): string {
  const problems = problemsOf(overrides);
  expect(problems).toHaveLength(1);
  expect(problems[0]).toMatchObject({ file: "trust.csv", row: 7, column });
  return problems[0].message;
}

function accepted(overrides: Partial<Row>) {
  const result = validate(overrides);
  expect(result.problems).toBeNull();
  return result.row!;
}

describe("isIsoDate", () => {
  it("accepts real calendar dates, including 29 February in a leap year", () => {
    expect(isIsoDate("2026-06-15")).toBe(true);
    expect(isIsoDate("2024-02-29")).toBe(true);
    expect(isIsoDate("2025-12-31")).toBe(true);
  });

  it("rejects impossible dates and other shapes", () => {
    expect(isIsoDate("2025-13-01")).toBe(false);
    expect(isIsoDate("2025-02-30")).toBe(false);
    expect(isIsoDate("2025-02-29")).toBe(false); // 2025 is not a leap year
    expect(isIsoDate("2025-00-10")).toBe(false);
    expect(isIsoDate("25-11-01")).toBe(false);
    expect(isIsoDate("2025-1-01")).toBe(false);
    expect(isIsoDate("01/11/2025")).toBe(false);
    expect(isIsoDate("")).toBe(false);
  });
});

describe("validateLongRow", () => {
  it("turns a good row into a clean record", () => {
    expect(validate()).toEqual({
      row: {
        respondentId: "RX1-000123",
        organisationCode: "RX1",
        staffGroupCode: "NMR",
        archetypeCode: "U",
        bandCode: "5",
        assessedOn: "2026-06-15",
        capabilityId: 101,
        rating: 3,
      },
      problems: null,
    });
  });

  it("trims cells before using them", () => {
    const row = accepted({ respondent_id: "  RX1-9 ", organisation_code: " RX1 ", capability_code: " 5.1.1-02 ", rating: " 4 " });
    expect(row).toMatchObject({ respondentId: "RX1-9", organisationCode: "RX1", capabilityId: 502, rating: 4 });
  });

  describe("respondent_id", () => {
    it("rejects an empty id", () => {
      expect(onlyProblem({ respondent_id: "" }, "respondent_id")).toMatch(/^empty/);
      expect(onlyProblem({ respondent_id: "   " }, "respondent_id")).toMatch(/^empty/);
    });
  });

  describe("organisation_code", () => {
    it("rejects an unknown ODS code, quoting it", () => {
      expect(onlyProblem({ organisation_code: "ZZZ" }, "organisation_code")).toContain('unknown organisation "ZZZ"');
    });

    it("rejects an empty code", () => {
      expect(onlyProblem({ organisation_code: "" }, "organisation_code")).toMatch(/^empty/);
    });

    it("accepts a lower-case ODS code and stores it upper case", () => {
      expect(accepted({ organisation_code: "r0a" }).organisationCode).toBe("R0A");
    });
  });

  describe("staff_group", () => {
    it.each([
      ["Add Prof Scientific and Technic", "APST"], // ESR short name
      ["Additional Professional Scientific and Technical", "APST"], // long name
      ["ADDITIONAL PROFESSIONAL SCIENTIFIC AND TECHNICAL", "APST"], // upper case
      ["Add  Prof   Scientific  and Technic", "APST"], // extra spaces
      ["Add Prof Scientific & Technic", "APST"], // ampersand
      ["apst", "APST"], // the code
      ["Medical and Dental", "MD"],
    ])("accepts %j as %s", (spelling, code) => {
      expect(accepted({ staff_group: spelling }).staffGroupCode).toBe(code);
    });

    it("rejects an unknown staff group, quoting it", () => {
      expect(onlyProblem({ staff_group: "Nurses" }, "staff_group")).toContain('unknown staff group "Nurses"');
    });

    it("rejects an empty staff group", () => {
      expect(onlyProblem({ staff_group: "" }, "staff_group")).toMatch(/^empty/);
    });
  });

  describe("archetype", () => {
    it.each(["U", "u", "Users", "user", "USERS", " User "])("accepts %j as U", (spelling) => {
      expect(accepted({ archetype: spelling }).archetypeCode).toBe("U");
    });

    it("accepts the other archetypes by letter and name", () => {
      expect(accepted({ archetype: "Shaper" }).archetypeCode).toBe("S");
      expect(accepted({ archetype: "drivers" }).archetypeCode).toBe("D");
      expect(accepted({ archetype: "E" }).archetypeCode).toBe("E");
    });

    it("rejects an unknown archetype, quoting it", () => {
      expect(onlyProblem({ archetype: "X" }, "archetype")).toContain('unknown archetype "X"');
      expect(onlyProblem({ archetype: "Usr" }, "archetype")).toContain('unknown archetype "Usr"');
    });

    it("rejects an empty archetype", () => {
      expect(onlyProblem({ archetype: "" }, "archetype")).toMatch(/^empty/);
    });
  });

  describe("band", () => {
    it.each([
      ["Band 8a", "8a"],
      ["8A", "8a"],
      ["band 5", "5"],
      ["AfC Band 5", "5"],
      ["9", "9"],
    ])("accepts %j as %s", (spelling, code) => {
      expect(accepted({ band: spelling }).bandCode).toBe(code);
    });

    // vocabulary.ts:130 documents "band8a" as band 8a, but bandKey strips "band" only as a whole word
    // (\bband\b), and "band8a" has no word boundary between "d" and "8": the row is rejected.
    it("accepts \"band8a\" with no space, as vocabulary.ts documents", () => {
      expect(accepted({ band: "band8a" }).bandCode).toBe("8a");
    });

    it("treats an empty band as not recorded", () => {
      expect(accepted({ band: "" }).bandCode).toBeNull();
      expect(accepted({ band: "  " }).bandCode).toBeNull();
    });

    it("treats a file without a band column as not recorded", () => {
      const result = validate({ band: "Band 5" }, { ...COLUMNS, at: { ...COLUMNS.at, band: -1 } });
      expect(result.row?.bandCode).toBeNull();
    });

    it("rejects an unknown band, quoting it", () => {
      expect(onlyProblem({ band: "Band 10" }, "band")).toContain('unknown band "Band 10"');
      expect(onlyProblem({ band: "8e" }, "band")).toContain('unknown band "8e"');
    });
  });

  describe("assessed_on", () => {
    it.each(["2025-13-01", "2025-02-30", "25-11-01", "15/06/2026"])("rejects %j as not a date", (value) => {
      expect(onlyProblem({ assessed_on: value }, "assessed_on")).toBe(
        `${JSON.stringify(value)} is not a date; expected YYYY-MM-DD, e.g. 2026-06-15`,
      );
    });

    it("rejects an empty date", () => {
      expect(onlyProblem({ assessed_on: "" }, "assessed_on")).toMatch(/^empty is not a date/);
    });

    it("rejects a date after ctx.today but accepts today itself", () => {
      expect(onlyProblem({ assessed_on: "2026-07-02" }, "assessed_on")).toContain("2026-07-02 is in the future");
      expect(accepted({ assessed_on: "2026-07-01" }).assessedOn).toBe("2026-07-01");
    });
  });

  describe("capability_code", () => {
    it("rejects an unknown capability, naming the framework version", () => {
      const message = onlyProblem({ capability_code: "9-99" }, "capability_code");
      expect(message).toContain('unknown capability "9-99"');
      expect(message).toContain("ai-dht-2023-illustrative");
    });

    it("rejects an empty capability code", () => {
      expect(onlyProblem({ capability_code: "" }, "capability_code")).toMatch(/^empty/);
    });
  });

  describe("rating", () => {
    it.each(["0", "1", "2", "3", "4"])("accepts %s", (value) => {
      expect(accepted({ rating: value }).rating).toBe(Number(value));
    });

    it.each(["-1", "5", "3.0", "three", "1e0"])("rejects %j", (value) => {
      expect(onlyProblem({ rating: value }, "rating")).toContain(`${JSON.stringify(value)} is not a rating`);
    });

    it("rejects an empty rating", () => {
      expect(onlyProblem({ rating: "" }, "rating")).toMatch(/^empty is not a rating; expected a whole number from 0 .* to 4/);
    });
  });

  it("reports every problem of a row, each with file, row and column", () => {
    const problems = problemsOf({
      respondent_id: "",
      organisation_code: "ZZZ",
      staff_group: "Nurses",
      archetype: "X",
      band: "Band 10",
      assessed_on: "2025-02-30",
      capability_code: "9-99",
      rating: "5",
    });
    expect(problems.map((p) => p.column)).toEqual([
      "respondent_id",
      "organisation_code",
      "staff_group",
      "archetype",
      "band",
      "assessed_on",
      "capability_code",
      "rating",
    ]);
    for (const p of problems) expect(p).toMatchObject({ file: "trust.csv", row: 7 });
  });

  it("never quotes the respondent id in a message", () => {
    const problems = problemsOf({
      respondent_id: "SECRET-ID-123",
      organisation_code: "ZZZ",
      staff_group: "Nurses",
      archetype: "X",
      band: "Band 10",
      assessed_on: "2099-01-01",
      capability_code: "9-99",
      rating: "three",
    });
    expect(problems).toHaveLength(7);
    for (const p of problems) {
      expect(p.message).not.toContain("SECRET-ID-123");
      expect(JSON.stringify(p)).not.toContain("SECRET");
    }
  });

  it("shortens a long quoted value to 37 characters and an ellipsis", () => {
    const long = "A".repeat(50);
    expect(onlyProblem({ staff_group: long }, "staff_group")).toContain(`unknown staff group "${"A".repeat(37)}…"`);
  });
});
