// Every refusal rule of the ingest, on real files: each bad file is rejected whole with a message
// naming the file (and row and column where there is one) and what was expected, never quoting
// personal data, and the database is exactly as it was.
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Problem } from "../../db/problems";
import { type IngestOptions, ingestFiles } from "../../ingest/ingest";
import { loadProfile, type Profile } from "../../ingest/profile";
import { generateExportRows } from "../../ingest/synthetic/generate";
import { encodeText, type ExportShape, PLAIN_SHAPE, shapeRows, toArrow, toDelimited } from "../../ingest/synthetic/shapes";
import { openFixture, TARGETS, type TestDatabase } from "../support/databases";
import { snapshot } from "../support/direct";
import { FIXTURE_WAVES, fixtureOptions, TEST_KEY } from "../support/fixture";

const LATEST = FIXTURE_WAVES[1].label;
const options = fixtureOptions();
const RAL = [...generateExportRows(options)].find((e) => e.waveLabel === LATEST && e.organisationCode === "RAL")!;
const ctx = { capabilityCodes: options.inputs.capabilities.map((c) => c.code), staffGroups: options.inputs.staffGroups };
const dir = mkdtempSync(path.join(os.tmpdir(), "capgap-refusals-"));

type Table = { header: string[]; rows: string[][] };

/** RAL's export in a shape, edited, written as UTF-8 CSV (or the given bytes). */
function file(name: string, shape: Partial<ExportShape>, edit: (t: Table) => Table = (t) => t): string {
  const table = edit(shapeRows(RAL, { ...PLAIN_SHAPE, ...shape }, ctx));
  const target = path.join(dir, name);
  writeFileSync(target, encodeText(toDelimited(table, ",", false), "utf-8"));
  return target;
}
function raw(name: string, bytes: Uint8Array | string): string {
  const target = path.join(dir, name);
  writeFileSync(target, bytes);
  return target;
}
/** A copy of the table with one more column, `value(i)` in row i. */
const withColumn = (name: string, value: (i: number) => string) => (t: Table): Table => ({
  header: [...t.header, name],
  rows: t.rows.map((r, i) => [...r, value(i)]),
});
const setCell = (column: string, row: number, value: string) => (t: Table): Table => {
  const j = t.header.indexOf(column);
  return { header: t.header, rows: t.rows.map((r, i) => (i === row ? r.map((c, k) => (k === j ? value : c)) : r)) };
};
/** A profile written to a file and loaded by path, as a trust would keep its own. */
function profileFile(name: string, json: object): Profile {
  const target = path.join(dir, `${name}.json`);
  writeFileSync(target, JSON.stringify(json));
  return loadProfile(target);
}
const withNotes = (notes: string[]) => profileFile(`notes-${notes.length}-${notes[0].length}`, { ignore: ["Notes"] });

const survey = loadProfile("survey-wide");
const lms = loadProfile("lms-long");
// 943 476 5919 passes the NHS number check.
const FREE_TEXT = [
  "I have never been shown how the new rostering system uses my data at all",
  "Our team would really benefit from training on the electronic patient record",
  "Not sure what counts as artificial intelligence in the tools that we use daily",
];

interface Case {
  name: string;
  file: () => string;
  options?: Partial<IngestOptions>;
  /** What the problems must include. */
  expected: Omit<Partial<Problem>, "message"> & { message: string | RegExp };
  /** A string no problem may contain (personal data). */
  never?: string;
}

const CASES: Case[] = [
  // Personal data: headers before any mapping, then values in every column, ignored ones included.
  {
    name: "a personal-data header, even one the profile ignores",
    file: () => file("ignored-email-header.csv", {}, withColumn("Email", (i) => `person${i}@nhs.net`)),
    options: { profile: profileFile("ignores-email", { ignore: ["Email"] }) },
    expected: { row: 1, column: "Email", message: "this column holds personal data" },
    never: "@nhs.net",
  },
  {
    name: "email addresses in a column the profile ignores",
    file: () => file("collector-emails.csv", { profile: survey, layout: "wide" }, setCell("Collector", 3, "jo.bloggs@nhs.net")),
    options: { profile: survey },
    expected: { column: "Collector", message: /holds email addresses.*columns a profile ignores are still read and checked/ },
    never: "jo.bloggs",
  },
  {
    name: "email addresses as respondent ids",
    file: () => file("email-ids.csv", {}, (t) => ({ header: t.header, rows: t.rows.map((r) => [`${r[0]}@trust.nhs.uk`, ...r.slice(1)]) })),
    expected: { column: "respondent_id", message: /holds email addresses.*export a local survey id instead/ },
    never: "@trust.nhs.uk",
  },
  {
    name: "NHS numbers in an ignored column",
    file: () => file("notes-nhs.csv", {}, withColumn("Notes", (i) => (i % 2 ? "943 476 5919" : "9434765919"))),
    options: { profile: withNotes(["nhs"]) },
    expected: { column: "Notes", message: "holds NHS numbers" },
    never: "943",
  },
  {
    name: "postcodes",
    file: () => file("notes-postcodes.csv", {}, withColumn("Notes", (i) => ["LS1 4AP", "SW1A 1AA", "M1 1AE"][i % 3])),
    options: { profile: withNotes(["postcodes"]) },
    expected: { column: "Notes", message: "holds postcodes" },
    never: "LS1",
  },
  {
    name: "phone numbers",
    file: () => file("notes-phones.csv", {}, withColumn("Notes", (i) => `07700 900${String(i % 1000).padStart(3, "0")}`)),
    options: { profile: withNotes(["phones", "x"]) },
    expected: { column: "Notes", message: "holds phone numbers" },
    never: "07700",
  },
  {
    name: "a date column other than assessed_on (dates of birth)",
    file: () => file("notes-dob.csv", {}, withColumn("Born", (i) => `${String((i % 28) + 1).padStart(2, "0")}/03/19${60 + (i % 40)}`)),
    options: { profile: profileFile("ignores-born", { ignore: ["Born"] }) },
    expected: { column: "Born", message: "holds dates (such as dates of birth)" },
    never: "/03/19",
  },
  {
    name: "free text",
    file: () => file("notes-text.csv", {}, withColumn("Notes", (i) => FREE_TEXT[i % 3])),
    options: { profile: withNotes(["text", "x", "y"]) },
    expected: { column: "Notes", message: "holds free text" },
    never: "rostering",
  },
  {
    name: "an unknown value that looks like personal data is described, not quoted",
    file: () => file("email-staff-group.csv", {}, setCell("staff_group", 5, "jo.bloggs@nhs.net")),
    expected: { row: 7, column: "staff_group", message: "unknown staff group (a value that looks like personal data: email addresses)" },
    never: "jo.bloggs",
  },
  // Layouts and headers.
  {
    name: "wide layout: a column that is neither ours nor a capability code",
    file: () => file("wide-unknown.csv", { layout: "wide" }, withColumn("Ward", () => "7B")),
    expected: { row: 1, column: "Ward", message: /unexpected column: neither one of respondent_id.*nor a capability code of framework/ },
  },
  {
    name: "wide layout: two columns for one capability",
    file: () => file("wide-twice.csv", { layout: "wide" }, (t) => ({ header: [...t.header.slice(0, -1), "1-01"], rows: t.rows })),
    expected: { row: 1, message: /is capability 1-01, like column 1-01; keep one column per capability/ },
  },
  {
    name: "wide layout: a missing respondent column",
    file: () => file("wide-no-date.csv", { layout: "wide" }, (t) => ({ header: t.header.map((h) => (h === "assessed_on" ? "1-01x" : h)), rows: t.rows })),
    expected: { column: "assessed_on", message: "missing column; the wide layout needs" },
  },
  {
    name: "a header that is neither layout",
    file: () => raw("neither.csv", "respondent_id,organisation_code,staff_group,archetype,assessed_on\nR1,RAL,MD,U,2026-06-01\n"),
    expected: { message: /cannot tell the layout: expected capability_code and rating columns \(long layout\) or one column per capability code/ },
  },
  {
    name: "the long layout forced on a wide file",
    file: () => file("forced-long.csv", { layout: "wide" }),
    options: { layout: "long" },
    expected: { column: "1-01", message: "a capability column belongs to the wide layout" },
  },
  {
    name: "a row with a field too many",
    file: () => file("extra-field.csv", {}, (t) => ({ header: t.header, rows: t.rows.map((r, i) => (i === 9 ? [...r, "x"] : r)) })),
    expected: { row: 11, message: /has \d+ fields but the header has \d+/ },
  },
  // Profiles: labels, question ids, dates.
  {
    name: "survey profile: an answer label the profile does not list, named by the file's own column",
    file: () => file("survey-label.csv", { profile: survey, layout: "wide" }, (t) => {
      const q1 = t.header.indexOf("Q1");
      const row = t.rows.findIndex((r) => r[q1] !== "");
      return setCell("Q1", row, "Somewhat confident")(t);
    }),
    options: { profile: survey },
    expected: { column: "Q1", message: /"Somewhat confident" is not a rating; expected a whole number from 0 \(not yet\) to 4 \(expert\) or one of profile survey-wide's answer labels/ },
  },
  {
    name: "LMS profile: an item id the profile does not map",
    file: () => file("lms-item.csv", { profile: lms }, setCell("Item ID", 2, "DLF-999")),
    options: { profile: lms },
    expected: { row: 4, column: "Item ID", message: /unknown capability "DLF-999"; expected a capability code of framework .* or a question id listed in profile lms-long/ },
  },
  {
    name: "survey profile: an ISO date where the profile says DD/MM/YYYY",
    file: () => file("survey-date.csv", { profile: survey, layout: "wide" }, setCell("Completed", 0, "2026-06-15")),
    options: { profile: survey },
    expected: { row: 2, column: "Completed", message: '"2026-06-15" is not a date; expected DD/MM/YYYY, e.g. 15/06/2026' },
  },
  // Files that cannot be read.
  {
    name: "an Excel workbook",
    file: () => raw("export.xlsx", Buffer.concat([Buffer.from("PK\x03\x04"), Buffer.alloc(200)])),
    expected: { message: "save it as CSV UTF-8" },
  },
  {
    name: "binary data",
    file: () => raw("binary.csv", Buffer.from([0x72, 0x65, 0x00, 0x01, 0x02, 0x00, 0x0a])),
    expected: { message: /binary|cannot be decoded|not a .*text/i },
  },
  {
    name: "Arrow forced on a CSV file",
    file: () => file("not-arrow.csv", { layout: "wide" }),
    options: { layout: "arrow" },
    expected: { message: /not an Arrow IPC file/ },
  },
  {
    name: "an empty file",
    file: () => raw("empty.csv", ""),
    expected: { message: "the file is empty; expected a header row and data rows" },
  },
  {
    name: "a header and no rows",
    file: () => raw("header-only.csv", "respondent_id,organisation_code,staff_group,archetype,assessed_on,capability_code,rating\n"),
    expected: { message: "the file has a header but no data rows" },
  },
  {
    name: "a wide file with no ratings at all",
    file: () => file("wide-empty.csv", { layout: "wide" }, (t) => ({ header: t.header, rows: t.rows.map((r) => r.map((c, j) => (j >= t.header.indexOf("1-01") ? "" : c))) })),
    expected: { message: "the file has no ratings: every capability cell is empty" },
  },
  {
    name: "an Arrow file with a personal-data column",
    file: () => {
      const t = withColumn("Surname", () => "Smith")(shapeRows(RAL, { ...PLAIN_SHAPE, layout: "wide" }, ctx));
      return raw("surname.arrow", toArrow(t));
    },
    expected: { row: 1, column: "Surname", message: "this column holds personal data" },
  },
  // Limits.
  {
    name: "more rows than the limit",
    file: () => file("many-rows.csv", { layout: "wide" }),
    options: { limits: { maxRows: 10, maxFileBytes: 1024 ** 3 } },
    expected: { message: /has more than 10 rows; the limit is 10/ },
  },
  {
    name: "a file larger than the limit",
    file: () => file("large.csv", {}),
    options: { limits: { maxRows: 1_000_000, maxFileBytes: 1024 } },
    expected: { message: /is \d+ KB; the limit is 1 KB \(INGEST_MAX_FILE_MB or --max-file-mb\)/ },
  },
];

describe.each(TARGETS)("refusals on %s", (target) => {
  let t: TestDatabase;
  let before: Awaited<ReturnType<typeof snapshot>>;
  beforeAll(async () => {
    t = await openFixture(target);
    before = await snapshot(t.db);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("reports each row's own problems when a long file repeats a bad respondent's cells", async () => {
    // Rows 2 and 3 are the same respondent with an unknown staff group; only row 2 has a bad rating.
    const source = file("repeated-respondent.csv", {}, (tb) => {
      const sg = tb.header.indexOf("staff_group");
      const rating = tb.header.indexOf("rating");
      return { header: tb.header, rows: tb.rows.map((r, i) => (i === 0 ? r.map((c, j) => (j === sg ? "Nurses" : j === rating ? "9" : c)) : i === 1 ? r.map((c, j) => (j === sg ? "Nurses" : c)) : r)) };
    });
    const [outcome] = await ingestFiles(t.db, [source], { waveLabel: LATEST, key: TEST_KEY, log: () => {} });
    const byRow = (row: number) => outcome.problems.filter((p) => p.row === row).map((p) => p.column);
    expect(byRow(2)).toEqual(["staff_group", "rating"]);
    expect(byRow(3)).toEqual(["staff_group"]);
    expect(await snapshot(t.db)).toEqual(before);
  });

  it.each(CASES)("refuses $name and changes nothing", async (c) => {
    const path_ = c.file();
    const [outcome] = await ingestFiles(t.db, [path_], { waveLabel: LATEST, key: TEST_KEY, log: () => {}, ...c.options });
    expect(outcome.status).toBe("rejected");
    const { message, ...where } = c.expected;
    expect(outcome.problems).toContainEqual(
      expect.objectContaining({
        file: path.basename(path_),
        ...where,
        message: typeof message === "string" ? expect.stringContaining(message) : expect.stringMatching(message),
      }),
    );
    if (c.never) expect(JSON.stringify(outcome)).not.toContain(c.never);
    expect(await snapshot(t.db)).toEqual(before);
  });
});
