// Row-level security on PostgreSQL (decision 026): the app connects as its own role, which may
// read respondents and ratings only inside the Scope its transaction names, while the owner
// migrates and loads. The query layer's Scope stays the first control; this is the second.
import type { Session, Sql } from "../client";
import { describeScope, type Scope } from "../analytics/scope";
import { SetupError } from "../migrate";

/** The per-transaction setting the policies in migration 0016 read. */
export const ROW_SCOPE_SETTING = "capgap.scope";

/**
 * Runs `fn` in a transaction whose respondent-level reads are limited to `scope`. Any read of
 * respondents or ratings by the app must go through here: without the setting it sees no rows.
 */
export function withRowScope<T>(db: Session, scope: Scope, fn: (tx: Sql) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.query("select set_config($1, $2, true)", [ROW_SCOPE_SETTING, describeScope(scope)]);
    return fn(tx);
  });
}

/** Whether the policies apply to this connection's role (false for the owner, superusers and BYPASSRLS roles). */
export async function rowSecurityActive(db: Sql): Promise<{ active: boolean; role: string }> {
  const [row] = await db.query<{ active: boolean; role: string }>(
    // Before the first migration there is no table to ask about, and nothing to protect.
    "select coalesce(to_regclass('respondents') is not null and row_security_active('respondents'), false) as active, current_user::text as role",
  );
  return row;
}

/** The user name in a PostgreSQL connection string. */
export function roleOfUrl(url: string): string {
  return decodeURIComponent(new URL(url).username) || "postgres";
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Gives the app's role what it needs and no more: it reads every table, but reads respondents and
 * ratings only (under the policies), and may only add to the audit log; it writes the other tables
 * (accounts, sessions, disclosure patterns, ingest attempts). Run by the owner after migrating, so
 * tables added by later migrations are covered too.
 */
export async function grantAppRole(tx: Sql, role: string): Promise<void> {
  const [known] = await tx.query<{ super: boolean; bypass: boolean }>(
    "select rolsuper as super, rolbypassrls as bypass from pg_roles where rolname = $1",
    [role],
  );
  if (!known) {
    throw new SetupError(
      `The role “${role}” in DATABASE_URL does not exist. Create it (docs/security.md, “Database roles”), then start again.`,
    );
  }
  if (known.super || known.bypass) {
    throw new SetupError(
      `DATABASE_URL connects as “${role}”, a ${known.super ? "superuser" : "role with BYPASSRLS"}, so row-level security would not apply to it. ` +
        "Connect the app as a role of its own (docs/security.md, “Database roles”).",
    );
  }
  const r = quoteIdent(role);
  await tx.exec(`
    grant usage on schema public, drizzle to ${r};
    grant select on all tables in schema drizzle to ${r};
    grant select, insert, update, delete on all tables in schema public to ${r};
    revoke insert, update, delete, truncate on respondents, ratings from ${r};
    revoke update, delete, truncate on audit_events from ${r};
    grant usage, select on all sequences in schema public to ${r};
  `);
}
