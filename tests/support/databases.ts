// The databases every integration test runs on: embedded PGlite always, PostgreSQL when
// TEST_DATABASE_URL is set. Each test gets its own copy of the shared fixture (or an empty database).
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { inject } from "vitest";
import { type Database, openDatabase } from "../../db/client";
import { prepareDatabase } from "../../db/setup";
import { TEST_KEY } from "./fixture";
import { createDatabase, dropDatabase } from "./postgres";

export type Target = "pglite" | "postgres";
export const TARGETS: Target[] = process.env.TEST_DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];

export interface TestDatabase {
  db: Database;
  /** Connection string (PostgreSQL) for child processes, or null for in-memory PGlite. */
  url: string | null;
  close(): Promise<void>;
}

async function open(target: Target, fromFixture: boolean, prepared = false): Promise<TestDatabase> {
  if (target === "pglite") {
    const tarball = fromFixture ? inject("pgliteFixture") : prepared ? inject("pgliteEmpty") : null;
    const loadDataDir = tarball ? new Blob([readFileSync(tarball)]) : undefined;
    const db = await openDatabase({ loadDataDir });
    return { db, url: null, close: () => db.close() };
  }
  const base = process.env.TEST_DATABASE_URL!;
  const created = await createDatabase(base, fromFixture ? inject("postgresFixture")! : undefined);
  const db = await openDatabase({ url: created.url });
  return {
    db,
    url: created.url,
    async close() {
      await db.close();
      await dropDatabase(base, created.name);
    },
  };
}

/** A private copy of the shared fixture. */
export function openFixture(target: Target): Promise<TestDatabase> {
  return open(target, true);
}

/** A new, empty database; `prepared` runs migrations and loads reference data and the framework. */
export async function openEmpty(target: Target, prepared = true): Promise<TestDatabase> {
  const t = await open(target, false, prepared);
  if (prepared && target === "postgres") await prepareDatabase(t.db);
  return t;
}

/** A PGlite data folder on disk holding a copy of the fixture, for child processes (DATA_DIR). */
export async function fixtureDataDir(): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "capgap-data-"));
  const db = await openDatabase({ dataDir: path.join(dir, "pglite"), loadDataDir: new Blob([readFileSync(inject("pgliteFixture"))]) });
  await db.close();
  writeFileSync(path.join(dir, "pseudonym.key"), `${TEST_KEY.toString("hex")}\n`, { mode: 0o600 });
  return dir;
}
