// Personal-data screening (ingest/pii.ts): header names, email shapes, NHS number check digits,
// and the respondent-id column screen.
import { describe, expect, it } from "vitest";
import {
  isPersonalDataHeader,
  looksLikeEmail,
  normaliseHeader,
  passesNhsNumberCheck,
  PERSONAL_DATA_HEADERS,
  RespondentIdScreen,
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
