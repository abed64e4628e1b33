// Signing in with an email and password, and out. The password is checked against its scrypt
// hash (the same work is done for an unknown email, so timing does not tell which emails have
// accounts); failures are limited per account and per client address; every outcome is audited.
import { recordEvent } from "~db/access/audit";
import { hashPassword, verifyPassword } from "~db/access/passwords";
import { endSession, sessionLimits, startSession } from "~db/access/sessions";
import { findUser, normaliseEmail, type User } from "~db/access/users";
import type { Session as Connection, Sql } from "~db/client";
import { secureAttribute } from "./csrf.server";
import { AttemptLimiter } from "./rate-limit.server";
import { SESSION_COOKIE } from "./viewer.server";

/**
 * Five failures per account and a hundred per client address in fifteen minutes (an address may
 * be a whole trust's proxy: set TRUST_PROXY so each client's own address is counted).
 */
const perAccount = new AttemptLimiter(5, 15 * 60_000);
const perAddress = new AttemptLimiter(100, 15 * 60_000);

/** What an unknown email's password is checked against, so both paths cost the same. */
let decoy: Promise<string> | null = null;

export type SignInOutcome = { ok: true; token: string } | { ok: false; status: 400 | 429; message: string };

const REFUSED = "The email address or password is not right, or the account cannot sign in with a password.";

export async function signInWithPassword(db: Connection, email: string, password: string, client: { address: string; previousToken: string | null }): Promise<SignInOutcome> {
  const account = normaliseEmail(email);
  if (!account || !password) return { ok: false, status: 400, message: "Enter your email address and password." };
  const wait = Math.max(perAccount.retryAfter(account), perAddress.retryAfter(client.address));
  if (wait > 0) {
    await recordEvent(db, null, "sign_in_failed", { detail: { email: account, reason: "too many attempts" } });
    return { ok: false, status: 429, message: `Too many attempts. Try again in ${Math.ceil(wait / 60_000)} minute(s).` };
  }
  const user = await findUser(db, { email: account });
  const hash = user?.passwordHash ?? (await (decoy ??= hashPassword("not a password of anyone's")));
  const matches = await verifyPassword(password, hash);
  if (!user || !user.passwordHash || !matches || user.disabledAt) {
    perAccount.fail(account);
    perAddress.fail(client.address);
    const reason = !user ? "unknown account" : user.disabledAt ? "account disabled" : "wrong password";
    await recordEvent(db, user ? { userId: user.id, email: user.email } : null, "sign_in_failed", { detail: { email: account, reason } });
    return { ok: false, status: 400, message: REFUSED };
  }
  perAccount.succeed(account);
  return { ok: true, token: await beginSession(db, user, client.previousToken, "password") };
}

/**
 * Starts a session for an account that has just proved who it is (the token presented, if any,
 * ends: no fixation), audits the sign-in and returns the new token for the cookie.
 */
export async function beginSession(db: Connection, user: Pick<User, "id" | "email" | "role" | "scopeCode">, previousToken: string | null, method: "password" | "oidc"): Promise<string> {
  const { token } = await startSession(db, user.id, previousToken);
  await recordEvent(db, { userId: user.id, email: user.email }, "sign_in", { scope: user.scopeCode ? `${user.role}:${user.scopeCode}` : user.role, detail: { method } });
  return token;
}

/** The Set-Cookie header that holds a new session's token. */
export function sessionCookie(request: Request, token: string): string {
  const maxAge = Math.floor(sessionLimits().absoluteMs / 1000);
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secureAttribute(request)}`;
}

/** The Set-Cookie header that removes the session cookie. */
export function clearedSessionCookie(request: Request): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secureAttribute(request)}`;
}

export async function signOut(db: Sql, token: string | null, actor: { userId: number; email: string } | null): Promise<void> {
  if (token) await endSession(db, token);
  if (actor) await recordEvent(db, actor, "sign_out");
}
