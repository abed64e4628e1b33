// The ingest history read by the ingest page: batches newest first with each submission's place in
// its supersession chain, rejected attempts, and the scope applied to both.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, inject, it } from "vitest";
import { ingestHistory } from "../../db/analytics/history";
import { NATIONAL } from "../../db/analytics/scope";
import { ingestFiles } from "../../ingest/ingest";
import { openFixture, TARGETS, type TestDatabase } from "../support/databases";
import { FIXTURE_WAVES, TEST_KEY } from "../support/fixture";

const LATEST = FIXTURE_WAVES[FIXTURE_WAVES.length - 1].label;

/** A fixture file of the latest wave with some ratings changed (or one made invalid), under a new name. */
function variant(org: string, name: string, bad = false): string {
  const source = inject("fixtureFiles")[LATEST].find((f) => f.endsWith(`/${org}.csv`))!;
  const [header, ...rows] = readFileSync(source, "utf8").trimEnd().split("\n");
  const rating = header.split(",").indexOf("rating");
  const edited = rows.map((row, i) => {
    if (bad ? i !== 0 : i % 9) return row;
    const cells = row.split(",");
    cells[rating] = bad ? "9" : String((Number(cells[rating]) + 1) % 5);
    return cells.join(",");
  });
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), "capgap-history-")), name);
  writeFileSync(file, `${header}\n${edited.join("\n")}\n`);
  return file;
}

describe.each(TARGETS)("ingest history on %s", (target) => {
  let t: TestDatabase;
  afterEach(async () => {
    await t?.close();
  });

  it("lists batches newest first, links superseded and replacing submissions, and lists rejected attempts", async () => {
    t = await openFixture(target);
    const quiet = { waveLabel: LATEST, key: TEST_KEY, log: () => {} };
    await ingestFiles(t.db, [variant("RAL", "RAL-v2.csv")], quiet);
    await ingestFiles(t.db, [variant("RKE", "RKE-bad.csv", true)], quiet);

    const history = await ingestHistory(t.db, NATIONAL);
    expect(history.batchCount).toBe(17);
    const [newest] = history.batches;
    expect(newest).toMatchObject({ fileName: "RAL-v2.csv", wave: LATEST, synthetic: false });
    expect(newest.submissions).toEqual([
      expect.objectContaining({ organisationCode: "RAL", status: "current", supersededBy: null, replaces: expect.objectContaining({ fileName: "RAL.csv" }) }),
    ]);
    const replaced = history.batches.find((b) => b.id === newest.submissions[0].replaces!.batchId)!;
    expect(replaced).toMatchObject({ fileName: "RAL.csv", wave: LATEST, synthetic: true });
    expect(replaced.submissions).toEqual([
      expect.objectContaining({ status: "superseded", supersededBy: { batchId: newest.id, fileName: "RAL-v2.csv" }, endedAt: expect.stringMatching(/Z$/) }),
    ]);
    expect(history.attempts).toEqual([
      expect.objectContaining({ fileName: "RKE-bad.csv", wave: LATEST, problemCount: 1, problems: [expect.objectContaining({ row: 2, column: "rating" })] }),
    ]);
    expect(history.attemptCount).toBe(1);

    const limited = await ingestHistory(t.db, NATIONAL, { batches: 2 });
    expect(limited.batches.map((b) => b.fileName)).toEqual(["RAL-v2.csv", history.batches[1].fileName]);
    expect(limited.batchCount).toBe(17);

    // An organisation sees its own files only, and no rejected attempts (they name no organisation).
    const own = await ingestHistory(t.db, { kind: "organisation", code: "RAL" });
    expect(own.batches.map((b) => b.fileName)).toEqual(["RAL-v2.csv", "RAL.csv", "RAL.csv"]);
    expect([own.attempts, own.attemptCount]).toEqual([[], 0]);
    const [{ region }] = await t.db.query<{ region: string }>(
      "select region_code as region from organisation_memberships where organisation_code = 'RAL' limit 1",
    );
    const regional = await ingestHistory(t.db, { kind: "region", code: region });
    expect(regional.batches.length).toBeGreaterThan(own.batches.length);
    expect(regional.batches.length).toBeLessThan(history.batches.length);
    for (const b of regional.batches) expect(b.submissions.length).toBeGreaterThan(0);
  });
});
