// The data version keys every cached figure and page (gaps.ts, priorities.ts, the page cache): each
// kind of committed change must move it to a value never seen before, and nothing else may.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { dataStatus } from "../../db/analytics/status";
import { importCrosswalk } from "../../ingest/crosswalk";
import { importHeadcount } from "../../ingest/headcount";
import { ingestFiles } from "../../ingest/ingest";
import { setWave } from "../../ingest/waves";
import { withdrawSubmission } from "../../ingest/withdraw";
import { EARLIER_VERSION, importLaterVersion, LATER_VERSION } from "../support/crosswalk";
import { openFixture, TARGETS, type TestDatabase } from "../support/databases";
import { FIXTURE_WAVES, TEST_KEY } from "../support/fixture";

const LATEST = FIXTURE_WAVES[FIXTURE_WAVES.length - 1].label;
const dir = () => mkdtempSync(path.join(os.tmpdir(), "capgap-version-"));

/** The fixture's file for an organisation with its last rating left out: new content, same organisation. */
function shortenedCopy(organisation: string): string {
  const source = inject("fixtureFiles")[LATEST].find((f) => path.basename(f) === `${organisation}.csv`)!;
  const lines = readFileSync(source, "utf8").trimEnd().split("\n");
  const file = path.join(dir(), `${organisation}.csv`);
  writeFileSync(file, `${lines.slice(0, -1).join("\n")}\n`);
  return file;
}

describe.each(TARGETS)("the data version on %s", (target) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openFixture(target);
  });
  afterAll(() => t.close());

  it("moves with every committed change, to a value not seen before, and stays put otherwise", async () => {
    const seen: string[] = [];
    const version = async () => (await dataStatus(t.db)).version;
    const changes: [string, () => Promise<unknown>][] = [
      ["a load", async () => expect((await ingestFiles(t.db, [shortenedCopy("RGT")], { waveLabel: LATEST, key: TEST_KEY, log: () => {} }))[0].status).toBe("loaded")],
      ["a withdrawal", () => withdrawSubmission(t.db, "RKE", LATEST)],
      ["a headcount import", async () => {
        const file = path.join(dir(), "headcount.csv");
        writeFileSync(file, "organisation_code,staff_group,headcount\nRAL,AC,75\n");
        await importHeadcount(t.db, file, LATEST);
      }],
      ["the same headcount imported again", async () => {
        const file = path.join(dir(), "headcount.csv");
        writeFileSync(file, "organisation_code,staff_group,headcount\nRAL,AC,75\n");
        await importHeadcount(t.db, file, LATEST);
      }],
      ["a framework import", () => importLaterVersion(t.db)],
      ["a crosswalk import", () => importCrosswalk(t.db, null, EARLIER_VERSION, LATER_VERSION)],
      ["a wave's status", () => setWave(t.db, LATEST, { status: "closed" })],
      ["a wave's reference date", async () => {
        const wave = (await dataStatus(t.db)).waves.find((w) => w.label === LATEST)!;
        const dayAfter = new Date(Date.parse(wave.referenceDate) + 86_400_000).toISOString().slice(0, 10);
        await setWave(t.db, LATEST, { referenceDate: dayAfter });
      }],
    ];
    seen.push(await version());
    for (const [name, change] of changes) {
      // Reading, a dry run and a refused file change nothing.
      expect(await version(), `before ${name}`).toBe(seen.at(-1));
      await change();
      const now = await version();
      expect(seen, `after ${name}`).not.toContain(now);
      seen.push(now);
    }
    await ingestFiles(t.db, [shortenedCopy("RAL")], { waveLabel: LATEST, key: TEST_KEY, dryRun: true, log: () => {} });
    const bad = path.join(dir(), "RAL.csv");
    writeFileSync(bad, "not,an,export\n1,2,3\n");
    expect((await ingestFiles(t.db, [bad], { waveLabel: LATEST, key: TEST_KEY, log: () => {} }))[0].status).toBe("rejected");
    expect(await version()).toBe(seen.at(-1));
  });

  it("is read once for callers asking at the same time, and read again after a change", async () => {
    const [a, b] = await Promise.all([dataStatus(t.db), dataStatus(t.db)]);
    expect(a).toBe(b);
    await setWave(t.db, LATEST, { status: "published" });
    const c = await dataStatus(t.db);
    expect(c).not.toBe(a);
    expect(c.version).not.toBe(a.version);
  });
});
