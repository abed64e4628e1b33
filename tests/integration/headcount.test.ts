// Headcount import from real CSV files: a good file replaces the wave's headcount; a bad one is
// refused whole, naming each row and column, and changes nothing.
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../db/problems";
import { importHeadcount } from "../../ingest/headcount";
import { openFixture, TARGETS, type TestDatabase } from "../support/databases";
import { FIXTURE_WAVES } from "../support/fixture";

const LATEST = FIXTURE_WAVES[FIXTURE_WAVES.length - 1].label;

function csv(name: string, text: string): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), "capgap-headcount-")), name);
  writeFileSync(file, text);
  return file;
}

describe.each(TARGETS)("headcount import on %s", (target) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openFixture(target);
  });
  afterAll(() => t.close());

  const stored = () =>
    t.db.query<{ organisation_code: string; staff_group_code: string; band_code: string; headcount: number }>(
      "select organisation_code, staff_group_code, band_code, headcount from headcounts where wave_id = (select id from waves where label = $1) order by 1, 2, 3",
      [LATEST],
    );

  it("imports staff groups whole or by band, by ESR name or code, and replaces the wave's headcount on re-import", async () => {
    const file = csv(
      "headcount.csv",
      "\uFEFForganisation_code,staff_group,band,headcount\r\nral,Nursing and Midwifery Registered,,1200\r\nRAL,AHP,Band 5,40\r\nRAL,AHP,8a,12\r\nRGT,Medical and Dental,,300\r\n",
    );
    expect(await importHeadcount(t.db, file, LATEST)).toEqual({ rows: 4, organisations: 2, staff: 1552 });
    expect(await stored()).toEqual([
      { organisation_code: "RAL", staff_group_code: "AHP", band_code: "5", headcount: 40 },
      { organisation_code: "RAL", staff_group_code: "AHP", band_code: "8a", headcount: 12 },
      { organisation_code: "RAL", staff_group_code: "NMR", band_code: "", headcount: 1200 },
      { organisation_code: "RGT", staff_group_code: "MD", band_code: "", headcount: 300 },
    ]);
    await importHeadcount(t.db, csv("again.csv", "organisation_code,staff_group,headcount\nRDE,AC,75\n"), LATEST);
    expect(await stored()).toEqual([{ organisation_code: "RDE", staff_group_code: "AC", band_code: "", headcount: 75 }]);
  });

  it("refuses a bad file whole, naming each row and column, and changes nothing", async () => {
    const before = await stored();
    const file = csv(
      "bad.csv",
      [
        "organisation_code,staff_group,band,headcount",
        "XYZ,Nursing and Midwifery Registered,,10", // unknown organisation
        "RAL,Porters,,10", // unknown staff group
        "RAL,AC,Band 99,10", // unknown band
        "RAL,MD,,ten", // not a number
        "RAL,MD,,-3", // negative
        "RGT,AC,,5",
        "RGT,AC,,6", // repeated
        "RGT,HS,,5",
        "RGT,HS,Band 6,2", // whole and by band
      ].join("\n"),
    );
    const error = await importHeadcount(t.db, file, LATEST).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).problems.map((p) => [p.row, p.column])).toEqual([
      [2, "organisation_code"],
      [3, "staff_group"],
      [4, "band"],
      [5, "headcount"],
      [6, "headcount"],
      [8, "staff_group"],
      [10, "band"],
    ]);
    expect((error as InputError).message).toContain("bad.csv was not imported: nothing changed");
    expect((error as InputError).problems[0].message).toContain("is not an organisation in the reference data");
    expect(await stored()).toEqual(before);
  });

  it("refuses an unknown wave and a file without the required columns", async () => {
    await expect(importHeadcount(t.db, csv("h.csv", "organisation_code,staff_group,headcount\nRAL,AC,1\n"), "1999-spring")).rejects.toThrow("There is no wave 1999-spring");
    await expect(importHeadcount(t.db, csv("h.csv", "org,staff_group,headcount\nRAL,AC,1\n"), LATEST)).rejects.toThrow("the header lacks organisation_code");
  });
});
