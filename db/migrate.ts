// Applies the committed drizzle-kit migrations (db/migrations) under an advisory lock.
// Our own small runner rather than drizzle's migrator because it must (a) hold a lock so two
// processes starting on a new database do not race (drizzle-orm issue #874), (b) refuse a database
// migrated by newer code, and (c) run through the same interface on PGlite and PostgreSQL.
// It keeps drizzle's bookkeeping table, so `drizzle-kit migrate` agrees with it.
import { readFileSync } from "node:fs";
import type { Sql } from "./client";
import { dbPath, sha256 } from "./files";

/** Advisory lock key shared by every process that changes the schema or the reference data. */
export const SETUP_LOCK_KEY = 7_320_417_001;

export interface Migration {
  tag: string;
  createdAt: number;
  hash: string;
  statements: string[];
}

export class SetupError extends Error {}

export function readMigrations(folder = dbPath("migrations")): Migration[] {
  const journal = JSON.parse(readFileSync(`${folder}/meta/_journal.json`, "utf8")) as {
    entries: { tag: string; when: number }[];
  };
  return journal.entries.map((entry) => {
    const text = readFileSync(`${folder}/${entry.tag}.sql`, "utf8");
    return {
      tag: entry.tag,
      createdAt: entry.when,
      hash: sha256(text),
      statements: text.split("--> statement-breakpoint").map((s) => s.trim()).filter(Boolean),
    };
  });
}

export interface MigrationStatus {
  pending: Migration[];
  /** Migrations recorded in the database that this code does not know: newer code migrated it. */
  unknown: number;
}

export async function migrationStatus(tx: Sql, migrations = readMigrations()): Promise<MigrationStatus> {
  const [{ exists }] = await tx.query<{ exists: boolean }>(
    "select to_regclass('drizzle.__drizzle_migrations') is not null as exists",
  );
  const applied = exists
    ? await tx.query<{ created_at: number }>("select created_at from drizzle.__drizzle_migrations")
    : [];
  const known = new Set(migrations.map((m) => m.createdAt));
  const appliedAt = new Set(applied.map((a) => Number(a.created_at)));
  return {
    pending: migrations.filter((m) => !appliedAt.has(m.createdAt)),
    unknown: applied.filter((a) => !known.has(Number(a.created_at))).length,
  };
}

export function newerDatabaseError(unknown: number): SetupError {
  return new SetupError(
    `The database has ${unknown} migration(s) this version of the code does not know: it was set up by a ` +
      "newer version. Upgrade this checkout (git pull && npm install) rather than running old code against it.",
  );
}

/** Brings the schema up to date. Call inside a transaction that holds SETUP_LOCK_KEY. */
export async function migrate(tx: Sql, migrations = readMigrations()): Promise<number> {
  await tx.exec(`
    create schema if not exists drizzle;
    create table if not exists drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint);
  `);
  const status = await migrationStatus(tx, migrations);
  if (status.unknown > 0) throw newerDatabaseError(status.unknown);
  for (const migration of status.pending) {
    for (const statement of migration.statements) await tx.exec(statement);
    await tx.query("insert into drizzle.__drizzle_migrations (hash, created_at) values ($1, $2)", [
      migration.hash,
      migration.createdAt,
    ]);
  }
  return status.pending.length;
}
