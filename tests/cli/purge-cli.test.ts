// npm run purge as a scheduled job runs it, on a copy of the embedded fixture: what it prints and
// its exit codes (0 done, 1 refused, 2 usage or configuration).
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../db/client";
import { fixtureDataDir } from "../support/databases";
import { FIXTURE_WAVES } from "../support/fixture";
import { runScript } from "../support/processes";

const [EARLIER, LATEST] = FIXTURE_WAVES.map((w) => w.label);

describe("purge command", () => {
  it("refuses bad usage and unready waves, prints what a dry run would delete, then deletes it", async () => {
    const dir = await fixtureDataDir();
    const env = { DATA_DIR: dir };

    expect(runScript("purge", ["--older-than"], env).status).toBe(2);
    const badMonths = runScript("purge", ["--older-than-months", "two"], env);
    expect(badMonths.status).toBe(2);
    expect(badMonths.stderr).toContain("--older-than-months two: expected a whole number of months");
    expect(runScript("purge", [], { ...env, RETENTION_MONTHS: "-1" }).stderr).toContain("RETENTION_MONTHS -1");

    const open = runScript("purge", ["--wave", LATEST], env);
    expect(open.status).toBe(1);
    expect(open.stderr).toContain(`Not purged: wave ${LATEST} is open`);

    expect(runScript("wave", ["set", EARLIER, "--status", "published"], env).status).toBe(0);
    const recent = runScript("purge", ["--wave", EARLIER], env);
    expect(recent.status).toBe(1);
    expect(recent.stderr).toMatch(/published on \d{4}-\d{2}-\d{2}, not more than 24 months ago/);
    const none = runScript("purge", [], env);
    expect(none.status, none.stderr).toBe(0);
    expect(none.stdout).toContain("No published wave's respondent-level rows are due");

    // Published two and a half years ago.
    const db = await openDatabase({ dataDir: path.join(dir, "pglite") });
    await db.query("update waves set published_at = now() - interval '30 months' where label = $1", [EARLIER]);
    await db.close();

    const dry = runScript("purge", ["--dry-run"], env);
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(new RegExp(`^Would delete wave ${EARLIER} \\(published \\d{4}-\\d{2}-\\d{2}\\): [\\d,]+ respondents and [\\d,]+ ratings; its aggregates are kept\\.$`, "m"));
    expect(dry.stdout).toContain("Dry run: nothing was deleted.");

    const done = runScript("purge", ["--wave", EARLIER, "--older-than-months", "24"], env);
    expect(done.status, done.stderr).toBe(0);
    expect(done.stdout).toContain(dry.stdout.split("\n")[0].replace("Would delete", "Deleted"));
    expect(done.stdout).toMatch(/Deleted \d+ audit events from before \d{4}-\d{2}-\d{2} \(AUDIT_RETENTION_MONTHS 24\)/);
    expect(done.stdout).toMatch(/^Deleted \d+ expired sessions\.$/m);

    const again = runScript("purge", ["--wave", EARLIER], env);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(`Wave ${EARLIER}'s respondent-level rows were already deleted on`);

    const waves = runScript("wave", ["list"], env);
    expect(waves.stdout).toMatch(new RegExp(`^${EARLIER}\\tpublished\\t.*\\t\\d{4}-\\d{2}-\\d{2}T[\\d:]+Z\\t\\d{4}-\\d{2}-\\d{2}T[\\d:]+Z$`, "m"));
    const reopen = runScript("wave", ["set", EARLIER, "--status", "open"], env);
    expect(reopen.status).toBe(1);
    expect(reopen.stderr).toContain("respondent-level rows were deleted");

    // The figures are still there.
    const gaps = runScript("gaps", ["--by", "region", "--wave", EARLIER], env);
    expect(gaps.status, gaps.stderr).toBe(0);
    expect(gaps.stdout.trimEnd().split("\r\n")).toHaveLength(4);
  });
});
