// The databases every integration test runs on: embedded PGlite always, PostgreSQL when
// TEST_DATABASE_URL is set. Each test gets its own copy of the shared fixture (or an empty database).
import { readFileSync } from "node:fs";
import { inject } from "vitest";
import { type Database, openDatabase } from "../../db/client";
import { prepareDatabase } from "../../db/setup";
import { createDatabase, dropDatabase } from "./postgres";

export type Target = "pglite" | "postgres";
export const TARGETS: Target[] = process.env.TEST_DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];

export interface TestDatabase {
  db: Database;
  /** Connection string (PostgreSQL) for child processes, or null for in-memory PGlite. */
  url: string | null;
  close(): Promise<void>;
}

async function open(target: Target, fromFixture: boolean): Promise<TestDatabase> {
  if (target === "pglite") {
    const loadDataDir = fromFixture ? new Blob([readFileSync(inject("pgliteFixture"))]) : undefined;
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
  const t = await open(target, false);
  if (prepared) await prepareDatabase(t.db);
  return t;
}
