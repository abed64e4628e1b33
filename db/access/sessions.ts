// Sessions: a random token in an httpOnly cookie, stored only as its SHA-256. A session ends on
// sign-out, after `idle` without a request, `absolute` after sign-in, or when its account changes.
// Signing in always starts a new session (and ends the one presented), so a token planted
// before sign-in is worth nothing after it (fixation).
import { createHash, randomBytes } from "node:crypto";
import type { Session as Connection, Sql } from "../client";
import { type User, USER_COLUMNS } from "./users";

export interface SessionLimits {
  idleMs: number;
  absoluteMs: number;
}

/** SESSION_IDLE_MINUTES (default 30) and SESSION_MAX_HOURS (default 12). */
export function sessionLimits(env: Record<string, string | undefined> = process.env): SessionLimits {
  const number = (value: string | undefined, fallback: number) => (value && Number(value) > 0 ? Number(value) : fallback);
  return { idleMs: number(env.SESSION_IDLE_MINUTES, 30) * 60_000, absoluteMs: number(env.SESSION_MAX_HOURS, 12) * 3_600_000 };
}

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export interface Session {
  user: User;
  csrfToken: string;
  createdAt: number;
}

/** Starts a session for `userId` and returns its token (for the cookie), ending `previous` if given. */
export async function startSession(db: Connection, userId: number, previous?: string | null): Promise<{ token: string; csrfToken: string }> {
  const token = randomBytes(32).toString("base64url");
  const csrfToken = randomBytes(32).toString("base64url");
  await db.transaction(async (tx) => {
    if (previous) await tx.query("delete from sessions where token_hash = $1", [hashToken(previous)]);
    await tx.query("insert into sessions (token_hash, user_id, csrf_token) values ($1, $2, $3)", [hashToken(token), userId, csrfToken]);
  });
  return { token, csrfToken };
}

/** Only so often is a session's last request written down: not a write per page view. */
const TOUCH_EVERY_MS = 60_000;

/** The live session for `token`, or null (unknown, expired, or its account disabled). */
export async function readSession(db: Sql, token: string, limits: SessionLimits, now = Date.now()): Promise<Session | null> {
  // One query with the account: this runs for every request.
  const [row] = await db.query<User & { csrfToken: string; created: number; seen: number }>(
    `select ${USER_COLUMNS}, s.csrf_token as "csrfToken", extract(epoch from s.created_at) * 1000 as created,
            extract(epoch from s.last_seen_at) * 1000 as seen
     from sessions s join users u on u.id = s.user_id where s.token_hash = $1`,
    [hashToken(token)],
  );
  if (!row) return null;
  const { csrfToken, created: createdAt, seen: seenAt, ...user } = row;
  const created = Number(createdAt);
  const seen = Number(seenAt);
  if (user.disabledAt || now - seen > limits.idleMs || now - created > limits.absoluteMs) {
    await endSession(db, token);
    return null;
  }
  if (now - seen > TOUCH_EVERY_MS) await db.query("update sessions set last_seen_at = to_timestamp($2 / 1000.0) where token_hash = $1", [hashToken(token), now]);
  return { user, csrfToken, createdAt: created };
}

export async function endSession(db: Sql, token: string): Promise<void> {
  await db.query("delete from sessions where token_hash = $1", [hashToken(token)]);
}

/** Deletes sessions past either limit (run now and then; reading one also ends it). */
export async function endExpiredSessions(db: Sql, limits: SessionLimits, now = Date.now()): Promise<number> {
  const rows = await db.query(
    `delete from sessions where last_seen_at < to_timestamp($1 / 1000.0) or created_at < to_timestamp($2 / 1000.0) returning 1`,
    [now - limits.idleMs, now - limits.absoluteMs],
  );
  return rows.length;
}
