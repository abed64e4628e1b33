// Personal-data screening (ingest/pii.ts): header names, email shapes, NHS number check digits,
// and the column screen that looks at values.
import { describe, expect, it } from "vitest";
import {
  isPersonalDataHeader,
  looksLikeEmail,
  normaliseHeader,
  passesNhsNumberCheck,
  PERSONAL_DATA_HEADERS,
  ColumnScreen,
  personalDataKind,
  tenDigits,
} from "../../../ingest/pii";

describe("normaliseHeader", () => {
  it("lower-cases and turns runs of other characters into one underscore, trimmed", () => {
    expect(normaliseHeader("First Name")).toBe("first_name");
    expect(normaliseHeader("  FIRST-NAME ")).toBe("first_name");
    expect(normaliseHeader("NHS No.")).toBe("nhs_no");
    expect(normaliseHeader("E-mail")).toBe("e_mail");
    expect(normaliseHeader("__Date of  Birth__")).toBe("date_of_birth");
  });
});

describe("isPersonalDataHeader", () => {
  it.each(PERSONAL_DATA_HEADERS)("detects %s", (header) => {
    expect(isPersonalDataHeader(header)).toBe(true);
  });

  it.each([
    "First Name",
    "FIRST_NAME",
    "first-name",
    "Full Name",
    "Surname",
    "EMAIL",
    "NHS Number",
    "NHS No.",
    "Date of Birth",
    " Postcode ",
    "Telephone",
    "Mobile",
    "Address",
    "Forename",
  ])("detects the spelling %j", (header) => {
    expect(isPersonalDataHeader(header)).toBe(true);
  });

  it.each(["respondent_id", "staff_group", "band", "organisation_code", "rating"])("does not flag %s", (header) => {
    expect(isPersonalDataHeader(header)).toBe(false);
  });

  it("matches whole names only: surname_initial and names containing 'name' are not flagged", () => {
    expect(isPersonalDataHeader("surname_initial")).toBe(false);
    expect(isPersonalDataHeader("staff_group_name")).toBe(false);
    expect(isPersonalDataHeader("email_opt_in")).toBe(false);
  });

  // Common spellings beyond the list, so the message says "personal data".
  it.each(["E-mail", "Email Address", "Last Name", "NHSNumber", "D.O.B.", "Phone Number"])("detects %j", (header) => {
    expect(isPersonalDataHeader(header)).toBe(true);
  });
});

/** A column screen after observing `values`. */
const screened = (values: string[], options?: { dates: boolean }) => {
  const screen = new ColumnScreen(options);
  for (const v of values) screen.observe(v);
  return screen.findings();
};
// 943 476 5919 passes the modulus-11 check (the NHS's own example number).
const NHS_NUMBER = "943 476 5919";

describe("ColumnScreen", () => {
  it("finds one email address among ordinary ids", () => {
    expect(screened(["R001", "R002", "jo.bloggs@nhs.net", "R004"])).toEqual(["email addresses"]);
  });

  it("finds NHS numbers when half or more of the 10-digit values pass the check", () => {
    expect(tenDigits(NHS_NUMBER)).toBe("9434765919");
    expect(passesNhsNumberCheck("9434765919")).toBe(true);
    expect(screened([NHS_NUMBER, "9434765919", "1234567890"])).toEqual(["NHS numbers"]);
    // 1234567890 fails; 1 passing out of 3 is what chance gives.
    expect(screened(["1234567890", "1234567891", NHS_NUMBER])).toEqual([]);
  });

  it("finds postcodes, phone numbers and dates when they are half or more of the values", () => {
    expect(screened(["LS1 4AP", "SW1A 1AA", "M1 1AE", "x"])).toEqual(["postcodes"]);
    expect(screened(["LS1 4AP", "a", "b", "c"])).toEqual([]);
    expect(screened(["07700 900123", "+44 7700 900456", "(0113) 496 0000"])).toEqual(["phone numbers"]);
    expect(screened(["12/03/1985", "1990-07-01", "3 March 1979"])).toEqual(["dates (such as dates of birth)"]);
    expect(screened(["2026-06-01 09:30", "2026-06-02T10:00:00Z"])).toEqual(["dates (such as dates of birth)"]);
  });

  it("allows dates in the one column where they belong", () => {
    expect(screened(["2026-06-01", "2026-06-02"], { dates: false })).toEqual([]);
  });

  it("finds free text: several different long multi-word values", () => {
    const comments = [
      "I would like more training on how the new scheduling system uses patient data",
      "Not sure what counts as artificial intelligence in the tools we use every day",
      "Our ward has no access to the analytics dashboards so I could not answer these",
    ];
    expect(screened(comments)).toEqual(["free text"]);
    expect(screened(comments.slice(0, 2))).toEqual([]);
  });

  it("does not mistake coded columns for free text, however long their labels", () => {
    const labels = ["Additional Professional Scientific and Technical", "Nursing and Midwifery Registered", "Not at all confident"];
    expect(screened(Array.from({ length: 300 }, (_, i) => labels[i % 3]))).toEqual([]);
  });

  it("ignores empty cells and passes ordinary codes", () => {
    expect(screened(["", "  ", "RAL", "RKE", "8a", "Band 5", "A.1.2", "R-000123"])).toEqual([]);
  });
});

describe("personalDataKind", () => {
  it.each([
    ["jo@nhs.net", "email addresses"],
    [NHS_NUMBER, "NHS numbers"],
    ["07700 900123", "phone numbers"],
    ["LS1 4AP", "postcodes"],
    ["12/03/1985", "dates (such as dates of birth)"],
    ["I could not answer this because my ward has no access to the system", "free text"],
    ["Band 5", null],
    ["7", null],
    ["RAL", null],
  ])("%j looks like %s", (value, kind) => {
    expect(personalDataKind(value)).toBe(kind);
  });
});
