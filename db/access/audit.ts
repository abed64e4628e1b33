// The audit log: who signed in (or failed to), viewed which Scope, exported what, loaded or
// withdrew which file, changed which account. Append-only (a trigger refuses updates, and deletes
// outside the retention purge); events keep the email, as they outlive accounts.
import type { Sql } from "../client";

/** Who did something: a signed-in user, or a command run on the server. */
export type Actor = { userId: number; email: string } | { command: string };

export const AUDIT_ACTIONS = [
  "sign_in",
  "sign_in_failed",
  "sign_out",
  "view",
  "export",
  "ingest",
  "withdraw",
  "user_add",
  "user_change",
  "user_remove",
  "purge",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEvent {
  id: number;
  at: string;
  email: string | null;
  action: AuditAction;
  scope: string | null;
  detail: Record<string, unknown>;
}

export async function recordEvent(db: Sql, actor: Actor | null, action: AuditAction, event: { scope?: string | null; detail?: Record<string, unknown> } = {}): Promise<void> {
  const userId = actor && "userId" in actor ? actor.userId : null;
  const email = actor && "email" in actor ? actor.email : null;
  const detail = { ...(actor && "command" in actor ? { command: actor.command } : {}), ...event.detail };
  await db.query(`insert into audit_events (user_id, email, action, scope, detail) values ($1, $2, $3, $4, $5::jsonb)`, [
    userId,
    email,
    action,
    event.scope ?? null,
    JSON.stringify(detail),
  ]);
}

export interface AuditSearch {
  email?: string;
  action?: string;
  /** Inclusive dates (YYYY-MM-DD, UTC). */
  from?: string;
  to?: string;
  /** Text anywhere in the scope or detail. */
  text?: string;
  limit?: number;
  /** Events older than this id (the next page). */
  before?: number;
}

/** Events matching every given condition, newest first. */
export function searchEvents(db: Sql, search: AuditSearch): Promise<AuditEvent[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (condition: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(condition(`$${params.length}`));
  };
  if (search.email) add((p) => `email = lower(${p})`, search.email.trim());
  if (search.action) add((p) => `action = ${p}`, search.action);
  if (search.from) add((p) => `at >= ${p}::date`, search.from);
  if (search.to) add((p) => `at < ${p}::date + 1`, search.to);
  if (search.text) add((p) => `(scope ilike ${p} or detail::text ilike ${p})`, `%${search.text.replace(/[\\%_]/g, "\\$&")}%`);
  if (search.before) add((p) => `id < ${p}`, search.before);
  params.push(Math.min(Math.max(search.limit ?? 100, 1), 1000));
  return db.query<AuditEvent>(
    `select id, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as at, email, action, scope, detail
     from audit_events ${where.length ? `where ${where.join(" and ")}` : ""}
     order by id desc limit $${params.length}`,
    params,
  );
}

/** A load's files and what became of each, for the audit log (names, not contents). */
export async function recordIngest(
  db: Sql,
  actor: Actor,
  wave: string | null,
  files: { file?: string; name?: string; status: string; organisations: string[]; respondents: number; superseded?: string[] }[],
): Promise<void> {
  if (!files.length) return;
  await recordEvent(db, actor, "ingest", {
    detail: {
      wave,
      files: files.map((f) => ({
        file: (f.name ?? f.file ?? "").split(/[\\/]/).pop(),
        status: f.status,
        organisations: f.organisations,
        respondents: f.respondents,
        ...(f.superseded?.length ? { superseded: f.superseded } : {}),
      })),
    },
  });
}
