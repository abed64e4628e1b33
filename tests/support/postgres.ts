// PostgreSQL test databases: a fixture template per run, cloned per test with CREATE DATABASE … TEMPLATE.
import { randomBytes } from "node:crypto";
import { openDatabase } from "../../db/client";

export const FIXTURE_PREFIX = "capgap_fixture_";
export const CLONE_PREFIX = "capgap_test_";

export function databaseUrl(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** The maintenance database on the same server, for CREATE/DROP DATABASE. */
export function adminUrl(url: string): string {
  return databaseUrl(url, "postgres");
}

async function admin<T>(url: string, fn: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>): Promise<T> {
  const db = await openDatabase({ url: adminUrl(url) });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

export async function dropDatabase(url: string, name: string): Promise<void> {
  await admin(url, (db) => db.query(`drop database if exists ${name} with (force)`));
}

/** A new database: a clone of `template`, or empty. Returns its URL. */
export async function createDatabase(url: string, template?: string): Promise<{ name: string; url: string }> {
  const name = `${CLONE_PREFIX}${randomBytes(6).toString("hex")}`;
  await admin(url, (db) => db.query(`create database ${name}${template ? ` template ${template}` : ""}`));
  return { name, url: databaseUrl(url, name) };
}

/**
 * A login role of the app's own for `url`'s database (row-level security applies to it; the
 * owner grants it its privileges when it migrates): the database's URL as that role, and how to
 * drop the role once the database is gone.
 */
export async function createAppRole(url: string): Promise<{ role: string; url: string; drop(): Promise<void> }> {
  const role = `capgap_app_${randomBytes(4).toString("hex")}`;
  await admin(url, (db) => db.query(`create role ${role} login`));
  const u = new URL(url);
  u.username = role;
  u.password = "";
  return { role, url: u.toString(), drop: () => admin(url, (db) => db.query(`drop role if exists ${role}`)).then(() => {}) };
}
