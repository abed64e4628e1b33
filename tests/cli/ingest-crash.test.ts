// The ingest CLI killed with SIGKILL in the middle of a load, on both databases: every table must be
// exactly as before, no scratch file or staging table may survive, and the same command run again
// must load the file. The moment of the kill is observed, never guessed from timing:
// - while staging (both databases): the child's open, already unlinked scratch file of ratings
//   (/proc/<pid>/fd) holding rows;
// - inside the load transaction on PostgreSQL: the child's backend in pg_stat_activity (found by its
//   application_name) running the COPY into ratings with rows already copied (pg_stat_progress_copy);
//   and again later, holding the wave's advisory lock after superseding the old submission, held up
//   at the capability rollups, which the test locks;
// - inside the load transaction on PGlite (the database lives in the child): the ratings table's file
//   growing (only a load inserts ratings, and PostgreSQL extends a table's file as it adds pages).
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import { type Database, openDatabase, type Sql } from "../../db/client";
import { fixtureDataDir, TARGETS, type Target } from "../support/databases";
import { FIXTURE_WAVES } from "../support/fixture";
import {
  activeBackends,
  type Backend,
  type Child,
  expectGapsMatchRatings,
  killHard,
  startScript,
  tableState,
  waitFor,
  writeExport,
} from "../support/ingest-runs";
import { createDatabase, dropDatabase } from "../support/postgres";

const WAVE = FIXTURE_WAVES[1];
/** ~87,000 rows: a second or more of staging and of load transaction, even on a fast machine. */
const RESPONDENTS = 1000;
/** pg_control's DBState: a cluster that was not shut down cleanly and must be recovered. */
const DB_IN_PRODUCTION = 6;

interface Opened {
  env: Record<string, string>;
  /** Opens the database for the test's own checks (PGlite: only while no child runs). */
  use<T>(fn: (db: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

async function openTarget(target: Target): Promise<Opened> {
  if (target === "postgres") {
    const base = process.env.TEST_DATABASE_URL!;
    const created = await createDatabase(base, inject("postgresFixture")!);
    const db = await openDatabase({ url: created.url });
    return {
      env: { DATABASE_URL: created.url },
      use: (fn) => fn(db),
      async close() {
        await db.close();
        await dropDatabase(base, created.name);
      },
    };
  }
  const dir = await fixtureDataDir();
  return {
    env: { DATA_DIR: dir },
    async use(fn) {
      const db: Database = await openDatabase({ dataDir: path.join(dir, "pglite") });
      try {
        return await fn(db);
      } finally {
        await db.close();
      }
    },
    async close() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The child's backend (by application_name) running the statement `matches` picks. */
function backendOf(db: Sql, app: string, matches: (b: Backend) => boolean): Promise<Backend | undefined> {
  return activeBackends(db, WAVE.label).then((all) => all.find((b) => b.app === app && matches(b)));
}

async function backendGone(db: Sql, pid: number) {
  await waitFor(`backend ${pid} to end`, async () => (await db.query("select 1 from pg_stat_activity where pid = $1", [pid])).length === 0);
}

/** Bytes in the process's open scratch file of ratings (unlinked at creation, so only /proc shows it); 0 if none. */
function ratingSpillBytes(pid: number): number {
  let largest = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`, { withFileTypes: false })) {
    try {
      if (/\/capgap-ratings-\d+-\w+ \(deleted\)$/.test(readlinkSync(`/proc/${pid}/fd/${fd}`))) {
        largest = Math.max(largest, statSync(`/proc/${pid}/fd/${fd}`).size);
      }
    } catch {
      // The descriptor closed while we looked.
    }
  }
  return largest;
}

/** Scratch files a process of this pid left in the temp folder (none: each is unlinked as it is opened). */
function scratchFilesOf(pid: number): string[] {
  return readdirSync(os.tmpdir()).filter((f) => f.startsWith("capgap-") && f.includes(`-${pid}-`));
}

function controlState(dataDir: string): number {
  // ControlFileData starts system_identifier (8 bytes), pg_control_version, catalog_version_no, state.
  return readFileSync(path.join(dataDir, "pglite", "global", "pg_control")).readInt32LE(16);
}

describe.each(TARGETS)("ingest killed mid-load on %s", (target) => {
  it("leaves every table as it was, whether killed while staging or inside the load transaction; the rerun loads", async () => {
    const t = await openTarget(target);
    const work = mkdtempSync(path.join(os.tmpdir(), "capgap-crash-"));
    const started: Child[] = [];
    try {
      const { file, rows } = writeExport(work, "RAL", WAVE, RESPONDENTS, 1001);
      const ingest = (env: Record<string, string>) => {
        const c = startScript("ingest", [file, "--wave", WAVE.label, "--synthetic"], env);
        started.push(c);
        return c;
      };
      const before = await t.use(tableState);
      expect(before.staging_tables).toBe(0);
      const lockFile = path.join(t.env.DATA_DIR ?? "", "pglite.lock");

      // Kill 1: while staging, with ratings already in the scratch file.
      let child = ingest(t.env);
      await waitFor("the scratch file to hold ratings", () => ratingSpillBytes(child.pid) > 0, { children: [child] });
      await killHard(child);
      expect(scratchFilesOf(child.pid)).toEqual([]);
      if (target === "pglite") {
        expect(readFileSync(lockFile, "utf8").trim()).toBe(String(child.pid)); // left behind, holder dead
        expect(controlState(t.env.DATA_DIR)).toBe(DB_IN_PRODUCTION); // not shut down: the next open recovers
      }
      expect(child.outcomes()).toEqual([]); // no outcome was reached
      expect(await t.use(tableState)).toEqual(before);

      // Kill 2: inside the load transaction, with ratings copied into the table (uncommitted).
      if (target === "postgres") {
        const app = "capgap-crash-load";
        child = ingest({ ...t.env, PGAPPNAME: app });
        const loading = await t.use((db) =>
          waitFor("the load transaction to copy ratings", () => backendOf(db, app, (b) => /^\s*copy ratings\b/i.test(b.query) && (b.copied ?? 0) > 0), { children: [child] }),
        );
        await killHard(child);
        await t.use((db) => backendGone(db, loading.pid));
      } else {
        const ratingsFile = path.join(t.env.DATA_DIR, "pglite", await t.use(async (db) => (await db.query<{ p: string }>("select pg_relation_filepath('ratings') as p"))[0].p));
        const size = statSync(ratingsFile).size;
        child = ingest(t.env);
        await waitFor("the load transaction to insert ratings", () => statSync(ratingsFile).size > size, { children: [child] });
        await killHard(child);
        expect(readFileSync(lockFile, "utf8").trim()).toBe(String(child.pid));
        expect(controlState(t.env.DATA_DIR)).toBe(DB_IN_PRODUCTION);
      }
      expect(child.outcomes()).toEqual([]); // no outcome was reached
      expect(scratchFilesOf(child.pid)).toEqual([]);
      expect(await t.use(tableState)).toEqual(before);

      // Kill 3 (PostgreSQL): later in the transaction, holding the wave's lock, with the old
      // submission superseded and the new respondents copied: held at the capability rollups,
      // which this test keeps locked until the process is dead.
      if (target === "postgres") {
        const app = "capgap-crash-late";
        const locker = await openDatabase({ url: t.env.DATABASE_URL });
        try {
          const pid = await locker.session((session) =>
            session.transaction(async (tx) => {
              await tx.query("lock table capability_rollups in access exclusive mode");
              child = ingest({ ...t.env, PGAPPNAME: app });
              const held = await t.use((db) =>
                waitFor(
                  "the load to reach the capability rollups with the wave's lock held",
                  () => backendOf(db, app, (b) => b.wave_lock && /^\s*delete from capability_rollups\b/i.test(b.query)),
                  { children: [child] },
                ),
              );
              await killHard(child);
              return held.pid; // its backend ends once this lock is let go
            }),
          );
          await t.use((db) => backendGone(db, pid));
        } finally {
          await locker.close();
        }
        expect(child.outcomes()).toEqual([]);
        expect(scratchFilesOf(child.pid)).toEqual([]);
        expect(await t.use(tableState)).toEqual(before);
      }

      // The same command again: takes over the dead holder's lock (PGlite) and loads the file.
      const rerun = ingest(t.env);
      expect(await rerun.exit, rerun.output()).toBe(0);
      expect(rerun.outcomes()).toMatchObject([{ name: "RAL.csv", status: "loaded", message: "loaded, replacing 1 earlier submission(s)" }]);
      if (target === "pglite") expect(existsSync(lockFile)).toBe(false);
      await t.use(async (db) => {
        const after = await tableState(db);
        expect(after).toMatchObject({ batches: (before.batches as number) + 1, submissions: (before.submissions as number) + 1, staging_tables: 0 });
        const [ral] = await db.query<{ rows: number; respondents: number }>(
          `select s.rows, s.respondents from submissions s join waves w on w.id = s.wave_id
           where w.label = $1 and s.organisation_code = 'RAL' and s.status = 'current'`,
          [WAVE.label],
        );
        expect(ral).toEqual({ rows, respondents: RESPONDENTS });
        const [{ n }] = await db.query<{ n: number }>(
          "select count(*)::int as n from ratings rt join respondents r on r.id = rt.respondent_id join waves w on w.id = r.wave_id where w.label = $1 and r.organisation_code = 'RAL'",
          [WAVE.label],
        );
        expect(n).toBe(rows);
        await expectGapsMatchRatings(db, WAVE.label);
      });
    } finally {
      for (const c of started) if (c.exitedAt === null) await killHard(c);
      rmSync(work, { recursive: true, force: true });
      await t.close();
    }
  }, 300_000);
});
