// The sample exports in tests/fixtures/encodings/ — every encoding and dialect Excel and survey
// tools write — load together into one wave on each database, decoded exactly; the workbook and
// the binary file are refused.
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ingestFiles } from "../../ingest/ingest";
import { pseudonymise } from "../../ingest/pseudonym";
import { openEmpty, TARGETS, type TestDatabase } from "../support/databases";
import { TEST_KEY } from "../support/fixture";

const dir = path.resolve("tests/fixtures/encodings");
const VALID: [string, string, string][] = [
  ["utf8-bom-semicolon-crlf.csv", "RAL", "CSV, UTF-8 with BOM, semicolon-separated"],
  ["windows-1252.csv", "RKE", "CSV, Windows-1252, comma-separated"],
  ["utf16le-tab.txt", "RPG", "CSV, UTF-16 LE, tab-separated"],
  ["quoted-multiline.csv", "RA2", "CSV, UTF-8, comma-separated"],
  ["semicolon.csv", "RDU", "CSV, UTF-8, semicolon-separated"],
  ["trailing-blank-lines.csv", "RGT", "CSV, UTF-8, comma-separated"],
];

describe.each(TARGETS)("sample exports in every encoding on %s", (target) => {
  let t: TestDatabase;
  afterEach(async () => {
    await t?.close();
  });

  it("loads every valid sample, each read as what it is, and refuses the workbook and the binary file", async () => {
    t = await openEmpty(target);
    const files = [...VALID.map(([f]) => f), "excel-workbook.xlsx", "binary.csv"].map((f) => path.join(dir, f));
    const outcomes = await ingestFiles(t.db, files, { waveLabel: "2026-samples", key: TEST_KEY, log: () => {} });
    VALID.forEach(([file, org, format], i) => {
      expect(outcomes[i], file).toMatchObject({ status: "loaded", organisations: [org], format, ratings: 24, respondents: 3 });
    });
    expect(outcomes[6].status).toBe("rejected");
    expect(outcomes[6].problems[0].message).toContain("save it as CSV UTF-8");
    expect(outcomes[7].status).toBe("rejected");
    expect(outcomes[7].problems[0].message).toContain("binary data");

    // Windows-1252 bytes E9 and A3 were read as é and £: the pseudonyms are those of the true ids.
    const pseudonyms = (await t.db.query<{ pseudonym: string }>("select pseudonym from respondents where organisation_code = 'RKE'")).map((r) => r.pseudonym);
    expect(pseudonyms).toEqual(expect.arrayContaining([pseudonymise(TEST_KEY, "RKE", "R-é01"), pseudonymise(TEST_KEY, "RKE", "R-£02")]));
    // Quoted ids holding a comma and double quotes, and a line break inside a staff group cell.
    const quoted = (await t.db.query<{ pseudonym: string }>("select pseudonym from respondents where organisation_code = 'RA2'")).map((r) => r.pseudonym);
    expect(quoted).toEqual(expect.arrayContaining([pseudonymise(TEST_KEY, "RA2", "SURV-2026,0101"), pseudonymise(TEST_KEY, "RA2", 'R-0102 "bank"')]));
    const [{ n }] = await t.db.query<{ n: number }>("select count(*)::int as n from ratings");
    expect(n).toBe(6 * 24);
  });
});
