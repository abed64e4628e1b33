// Mapping profiles (ingest/profile.ts): every error names the key at fault, lookups are keyed the
// way values are compared, the shipped profiles load, and dates are read in each profile format.
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SetupError } from "../../../db/migrate";
import { DATE_FORMATS, loadProfile, parseDate, parseProfile, shippedProfiles } from "../../../ingest/profile";

const parse = (json: unknown) => parseProfile(json, "trust.json");

describe("parseProfile", () => {
  it.each([
    ["not an object", [], '"(top level)" must be a JSON object'],
    ["an unknown key", { colums: {} }, '"colums" is not a profile key; expected one of name, description, layout, columns, ignore, capabilities, ratings, staff_groups, archetypes, date_format'],
    ["a name that is not text", { name: 3 }, '"name" must be a string'],
    ["a description that is not text", { description: ["x"] }, '"description" must be a string'],
    ["an unknown layout", { layout: "diagonal" }, '"layout" must be "long" or "wide"'],
    ["columns as a list", { columns: ["Staff ID"] }, '"columns" must be an object mapping source values to ours'],
    ["a column mapped to no column of ours", { columns: { "Staff ID": "staff_id" } }, '"columns.Staff ID" maps to "staff_id"; expected one of respondent_id, organisation_code'],
    ["a column mapped to an empty name", { columns: { "Staff ID": " " } }, '"columns.Staff ID" must map to a non-empty string'],
    ["two columns mapped to one", { columns: { "Staff ID": "respondent_id", "Person ref": "respondent_id" } }, '"columns.Person ref" maps to respondent_id, which another source column already maps to'],
    ["two spellings of one source column", { columns: { "Org Code": "organisation_code", "org-code": "respondent_id" } }, '"columns.org-code" is the same source column as another entry'],
    ["ignore as text", { ignore: "Notes" }, '"ignore" must be a list of source column names'],
    ["ignore holding a number", { ignore: ["Notes", 4] }, '"ignore" must be a list of source column names'],
    ["a column both mapped and ignored", { columns: { "Org Code": "organisation_code" }, ignore: ["org-code"] }, '"ignore" lists org_code, which "columns" maps'],
    ["a rating label mapped to a fraction", { ratings: { "Fairly confident": 2.5 } }, '"ratings.Fairly confident" must map to a whole-number rating'],
    ["a rating label mapped to text", { ratings: { "Very confident": "3" } }, '"ratings.Very confident" must map to a whole-number rating'],
    ["a question id mapped to a number", { capabilities: { Q1: 101 } }, '"capabilities.Q1" must map to a non-empty string'],
    ["a staff group mapped to nothing", { staff_groups: { Nurse: "" } }, '"staff_groups.Nurse" must map to a non-empty string'],
    ["archetypes as a list", { archetypes: ["S"] }, '"archetypes" must be an object'],
    ["an unknown date format", { date_format: "DD-MM-YYYY" }, '"date_format" must be one of YYYY-MM-DD, DD/MM/YYYY, MM/DD/YYYY'],
  ])("refuses %s, naming the key", (_, json, message) => {
    expect(() => parse(json)).toThrow(SetupError);
    expect(() => parse(json)).toThrow(`Mapping profile trust.json: ${message}`);
  });

  it("defaults to no layout, ISO dates and the file's name", () => {
    const profile = parse({});
    expect(profile).toMatchObject({ name: "trust", description: "", layout: null, dateFormat: "YYYY-MM-DD", ignoreNames: [] });
    expect(profile.columns.size + profile.ignore.size + profile.capabilities.size + profile.ratings.size).toBe(0);
  });

  it("keys column names as normalised headers, labels and local names by nameKey, question ids exactly", () => {
    const profile = parse({
      name: "survey",
      layout: "wide",
      columns: { "Which staff group are you in?": "staff_group", "Org  Code": "organisation_code" },
      ignore: ["Collector ID"],
      capabilities: { " Q1 ": "1-01", q2: " 1-02 " },
      ratings: { "Expert - I could teach others": 4 },
      staff_groups: { "Nurse or midwife": "Nursing and Midwifery Registered" },
      archetypes: { "I use digital tools & apps": "U" },
      date_format: "DD/MM/YYYY",
    });
    expect([...profile.columns]).toEqual([
      ["which_staff_group_are_you_in", "staff_group"],
      ["org_code", "organisation_code"],
    ]);
    expect([...profile.ignore]).toEqual(["collector_id"]);
    expect(profile.ignoreNames).toEqual(["Collector ID"]);
    // Question ids are trimmed but otherwise exact: q2 is not Q2.
    expect([...profile.capabilities]).toEqual([
      ["Q1", "1-01"],
      ["q2", "1-02"],
    ]);
    expect([...profile.ratings]).toEqual([["expert i could teach others", 4]]);
    expect([...profile.staffGroups]).toEqual([["nurse or midwife", "Nursing and Midwifery Registered"]]);
    expect([...profile.archetypes]).toEqual([["i use digital tools and apps", "U"]]);
    expect(profile.dateFormat).toBe("DD/MM/YYYY");
    expect(profile.reverse.columns.get("staff_group")).toBe("Which staff group are you in?");
    expect(profile.reverse.ratings.get(4)).toBe("Expert - I could teach others");
  });
});

describe("loadProfile", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "capgap-profile-"));

  it("reads the shipped profiles by name", () => {
    expect(shippedProfiles()).toEqual(["lms-long", "survey-wide"]);
    expect(loadProfile("survey-wide")).toMatchObject({ name: "survey-wide", layout: "wide", dateFormat: "DD/MM/YYYY" });
    const lms = loadProfile("lms-long");
    expect(lms).toMatchObject({ name: "lms-long", layout: "long", dateFormat: "YYYY-MM-DD" });
    expect(lms.capabilities.size).toBe(195);
  });

  it("reads a path ending in .json; names the shipped profiles when one is not found", () => {
    const own = path.join(dir, "ward-survey.json");
    writeFileSync(own, JSON.stringify({ description: "Our ward survey", layout: "long" }));
    expect(loadProfile(own)).toMatchObject({ name: "ward-survey", description: "Our ward survey", layout: "long" });
    expect(() => loadProfile("ward-survey")).toThrow(/No mapping profile ward-survey: .* does not exist\. Profiles shipped: lms-long, survey-wide/);
    expect(() => loadProfile(path.join(dir, "missing.json"))).toThrow(SetupError);
  });

  it("refuses a file that is not JSON", () => {
    const broken = path.join(dir, "broken.json");
    writeFileSync(broken, "{ columns: ");
    expect(() => loadProfile(broken)).toThrow(/Mapping profile .*broken\.json is not valid JSON/);
  });
});

describe("parseDate", () => {
  it("knows the three formats", () => {
    expect(DATE_FORMATS).toEqual(["YYYY-MM-DD", "DD/MM/YYYY", "MM/DD/YYYY"]);
  });

  it.each([
    ["2026-06-15", "2026-06-15"],
    ["  2026-06-15 ", "2026-06-15"],
    ["2026-06-15 14:30", "2026-06-15"],
    ["2026-06-15T14:30:05", "2026-06-15"],
    ["2026-06-15T14:30:05.123Z", "2026-06-15"],
    ["2026-06-15T14:30:05+01:00", "2026-06-15"],
    ["2026-06-15 14:30:05-0500", "2026-06-15"],
    ["2024-02-29", "2024-02-29"],
    ["2026-02-29", null],
    ["2026-06-31", null],
    ["2026-13-01", null],
    ["2026-00-10", null],
    ["2026-6-15", null],
    ["15/06/2026", null],
    ["2026-06-15 2pm", null],
    ["2026-06-15T25:99", null],
    ["2026-06-15 23:60", null],
    ["", null],
  ])("YYYY-MM-DD: %j → %j", (value, expected) => {
    expect(parseDate(value, "YYYY-MM-DD")).toBe(expected);
  });

  it.each([
    ["15/06/2026", "2026-06-15"],
    ["5/6/2026", "2026-06-05"],
    ["15/06/2026 09:41", "2026-06-15"],
    ["15/06/2026 9:41:07", "2026-06-15"],
    ["15/06/2026, 09:41", "2026-06-15"],
    ["29/02/2024", "2024-02-29"],
    ["29/02/2026", null],
    ["31/06/2026", null],
    ["06/15/2026", null],
    ["15/06/26", null],
    ["2026-06-15", null],
    ["15-06-2026", null],
    ["15/06/2026 24:00", null],
    ["15/06/2026 09:41:61", null],
  ])("DD/MM/YYYY: %j → %j", (value, expected) => {
    expect(parseDate(value, "DD/MM/YYYY")).toBe(expected);
  });

  it.each([
    ["06/15/2026", "2026-06-15"],
    ["6/5/2026", "2026-06-05"],
    ["2/29/2024 8:05", "2024-02-29"],
    ["06/15/2026, 17:00:00", "2026-06-15"],
    ["15/06/2026", null],
    ["04/31/2026", null],
    ["2026-06-15", null],
  ])("MM/DD/YYYY: %j → %j", (value, expected) => {
    expect(parseDate(value, "MM/DD/YYYY")).toBe(expected);
  });
});
