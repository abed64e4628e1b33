// Ingest CLIs running at the same time. On PostgreSQL, two processes loading different files into
// one new wave both load (the wave is created once), and the same file started twice loads once. On
// PGlite one process owns the data folder at a time: a second ingest waits for it, then loads.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, inject, it } from "vitest";
import { type Database, openDatabase, type Sql } from "../../db/client";
import { fixtureDataDir, TARGETS } from "../support/databases";
import { FIXTURE_WAVES } from "../support/fixture";
import { activeBackends, type Child, expectGapsMatchRatings, startScript, waitFor, writeExport } from "../support/ingest-runs";
import { createDatabase, dropDatabase } from "../support/postgres";

const WAVE = FIXTURE_WAVES[1];
/** A wave no fixture file names, with the latest wave's dates (its organisations are open then). */
const NEW_WAVE = { ...WAVE, label: `${WAVE.label}-extra` };
/** ingest/load.ts's WAVE_LOCK_CLASS: the lock that serialises loads into one wave. */
const WAVE_LOCK_CLASS = 7_320_417;

let children: Child[] = [];
let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of children) if (c.exitedAt === null) c.process.kill("SIGKILL");
  for (const f of cleanups.reverse()) await f();
  children = [];
  cleanups = [];
});

function start(file: string, wave: string, env: Record<string, string>, extra: string[] = []): Child {
  const child = startScript("ingest", [file, "--wave", wave, "--synthetic", ...extra], env);
  children.push(child);
  return child;
}

function workDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "capgap-concurrent-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function postgresClone(): Promise<{ db: Database; url: string }> {
  const base = process.env.TEST_DATABASE_URL!;
  const created = await createDatabase(base, inject("postgresFixture")!);
  const db = await openDatabase({ url: created.url });
  cleanups.push(() => dropDatabase(base, created.name));
  cleanups.push(() => db.close());
  return { db, url: created.url };
}

/** The current submission of each organisation in a wave, with its batch and its ratings. */
function currentSubmissions(db: Sql, wave: string) {
  return db.query<{ organisation_code: string; file_name: string; rows: number; ratings: number }>(
    `select s.organisation_code, b.file_name, s.rows,
       (select count(*)::int from ratings rt join respondents r on r.id = rt.respondent_id where r.submission_id = s.id) as ratings
     from submissions s join batches b on b.id = s.batch_id join waves w on w.id = s.wave_id
     where w.label = $1 and s.status = 'current' order by 1`,
    [wave],
  );
}

/**
 * Starts ingests while holding the wave's lock, and lets go once every one of them waits for it:
 * each has then read and checked its file, and their loads start at the same moment.
 */
async function startTogether(db: Database, wave: string, starts: Record<string, (app: string) => Child>): Promise<Child[]> {
  const children: Child[] = [];
  await db.session((session) =>
    session.transaction(async (tx) => {
      await tx.query("select pg_advisory_xact_lock($1, hashtext($2))", [WAVE_LOCK_CLASS, wave]);
      for (const [app, start] of Object.entries(starts)) children.push(start(app));
      await waitFor(
        "every ingest to have checked its file and to wait for the wave's lock",
        async () => {
          const waiting = (await activeBackends(db, wave)).filter((x) => x.wave_lock_wait && x.app in starts);
          return new Set(waiting.map((x) => x.app)).size === children.length;
        },
        { children },
      );
    }),
  );
  return children;
}

describe.runIf(TARGETS.includes("postgres"))("concurrent ingests on postgres", () => {
  it("two processes loading different files into one new wave at the same time both load", async () => {
    const { db, url } = await postgresClone();
    const dir = workDir();
    const ral = writeExport(dir, "RAL", NEW_WAVE, 1000, 2001);
    const rke = writeExport(dir, "RKE", NEW_WAVE, 1000, 2002);
    // Holding the new wave's lock until both wait for it makes them load at the same time, each
    // having staged its file: the second must find the wave the first created and add to it.
    const [a, b] = await startTogether(db, NEW_WAVE.label, {
      "capgap-concurrent-a": (app) => start(ral.file, NEW_WAVE.label, { DATABASE_URL: url, PGAPPNAME: app }),
      "capgap-concurrent-b": (app) => start(rke.file, NEW_WAVE.label, { DATABASE_URL: url, PGAPPNAME: app }),
    });
    expect(await a.exit, a.output()).toBe(0);
    expect(await b.exit, b.output()).toBe(0);
    expect(a.outcomes()).toMatchObject([{ name: "RAL.csv", status: "loaded", message: "loaded" }]);
    expect(b.outcomes()).toMatchObject([{ name: "RKE.csv", status: "loaded", message: "loaded" }]);

    const waves = await db.query("select label from waves where label = $1", [NEW_WAVE.label]);
    expect(waves).toHaveLength(1);
    expect(await currentSubmissions(db, NEW_WAVE.label)).toEqual([
      { organisation_code: "RAL", file_name: "RAL.csv", rows: ral.rows, ratings: ral.rows },
      { organisation_code: "RKE", file_name: "RKE.csv", rows: rke.rows, ratings: rke.rows },
    ]);
    await expectGapsMatchRatings(db, NEW_WAVE.label);
  }, 300_000);

  it("the same file started twice at the same time loads once", async () => {
    const { db, url } = await postgresClone();
    const rde = writeExport(workDir(), "RDE", WAVE, 800, 3001);
    const [{ ratings: ratingsBefore }] = await db.query<{ ratings: number }>("select count(*)::int as ratings from ratings");
    const [old] = (await currentSubmissions(db, WAVE.label)).filter((s) => s.organisation_code === "RDE");

    // Holding the wave's lock keeps both at the load step until both have staged the file, so the
    // check made inside the load transaction, not the one before staging, must find the other's batch.
    const [a, b] = await startTogether(db, WAVE.label, {
      "capgap-same-a": (app) => start(rde.file, WAVE.label, { DATABASE_URL: url, PGAPPNAME: app }),
      "capgap-same-b": (app) => start(rde.file, WAVE.label, { DATABASE_URL: url, PGAPPNAME: app }),
    });
    expect(await a.exit, a.output()).toBe(0);
    expect(await b.exit, b.output()).toBe(0);
    const outcomes = [...a.outcomes(), ...b.outcomes()].sort((x, y) => x.status.localeCompare(y.status));
    expect(outcomes).toMatchObject([
      { name: "RDE.csv", status: "already-loaded", message: "already loaded (current) — nothing changed" },
      { name: "RDE.csv", status: "loaded", message: "loaded, replacing 1 earlier submission(s)" },
    ]);

    expect(await db.query("select id from batches where sha256 = $1", [outcomes[1].sha256])).toHaveLength(1);
    const [rdeNow] = (await currentSubmissions(db, WAVE.label)).filter((s) => s.organisation_code === "RDE");
    expect(rdeNow).toEqual({ organisation_code: "RDE", file_name: "RDE.csv", rows: rde.rows, ratings: rde.rows });
    const [{ ratings }] = await db.query<{ ratings: number }>("select count(*)::int as ratings from ratings");
    expect(ratings).toBe(ratingsBefore - old.ratings + rde.rows);
    await expectGapsMatchRatings(db, WAVE.label);
  }, 300_000);
});

describe("concurrent ingests on pglite", () => {
  it("a second ingest waits for the first to release the embedded database, then loads", async () => {
    const dataDir = await fixtureDataDir();
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const dir = workDir();
    const ral = writeExport(dir, "RAL", WAVE, 1500, 4001);
    const rke = writeExport(dir, "RKE", WAVE, 300, 4002);
    const lockFile = path.join(dataDir, "pglite.lock");
    const holder = () => {
      try {
        return readFileSync(lockFile, "utf8").trim();
      } catch {
        return null;
      }
    };

    const a = start(ral.file, WAVE.label, { DATA_DIR: dataDir });
    await waitFor("the first ingest to hold the embedded database", () => holder() === String(a.pid), { children: [a] });
    const b = start(rke.file, WAVE.label, { DATA_DIR: dataDir }, ["--wait", "300"]);
    await waitFor("the second ingest to wait for the first", () => b.output().includes(`Waiting up to 300s for process ${a.pid} `), { children: [a, b] });
    expect(await a.exit, a.output()).toBe(0);
    expect(await b.exit, b.output()).toBe(0);
    expect(b.exitedAt!).toBeGreaterThan(a.exitedAt!);
    expect(a.outcomes()).toMatchObject([{ name: "RAL.csv", status: "loaded" }]);
    expect(b.outcomes()).toMatchObject([{ name: "RKE.csv", status: "loaded" }]);
    expect(holder()).toBeNull();

    const db = await openDatabase({ dataDir: path.join(dataDir, "pglite") });
    try {
      const current = (await currentSubmissions(db, WAVE.label)).filter((s) => ["RAL", "RKE"].includes(s.organisation_code));
      expect(current).toEqual([
        { organisation_code: "RAL", file_name: "RAL.csv", rows: ral.rows, ratings: ral.rows },
        { organisation_code: "RKE", file_name: "RKE.csv", rows: rke.rows, ratings: rke.rows },
      ]);
      await expectGapsMatchRatings(db, WAVE.label);
    } finally {
      await db.close();
    }
  }, 300_000);
});
