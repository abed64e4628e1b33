// Accounts: a Role and its Scope, the admin capability, and how the person signs in (a password
// hash or an OIDC subject). Authorisation always comes from here, never from an identity
// provider's claims (docs/security.md).
import type { Session as Connection, Sql } from "../client";
import { InputError } from "../problems";
import type { Scope } from "../analytics/scope";
import { recordEvent, type Actor } from "./audit";
import { hashPassword, passwordProblem } from "./passwords";

export const ROLES = ["national", "region", "icb", "organisation"] as const;
export type Role = (typeof ROLES)[number];

export interface User {
  id: number;
  email: string;
  role: Role;
  scopeCode: string | null;
  admin: boolean;
  hasPassword: boolean;
  oidcSubject: string | null;
  createdAt: string;
  disabledAt: string | null;
}

/** What an account is created or changed with. */
export interface AccountInput {
  email: string;
  role: string;
  /** The region, ICB or organisation code; none for national. */
  scope?: string | null;
  admin?: boolean;
  password?: string | null;
  oidcSubject?: string | null;
}

/** A User's columns, from `users` under the alias `u` (sessions.ts reads them beside a session). */
export const USER_COLUMNS = `u.id, u.email, u.role, u.scope_code as "scopeCode", u.admin, u.password_hash is not null as "hasPassword",
  u.oidc_subject as "oidcSubject", to_char(u.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "createdAt",
  to_char(u.disabled_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "disabledAt"`;

/** The Scope a user sees. */
export function scopeOf(user: Pick<User, "role" | "scopeCode">): Scope {
  return user.role === "national" ? { kind: "national" } : { kind: user.role, code: user.scopeCode! };
}

/** An email as stored and compared: trimmed and lower-cased. */
export const normaliseEmail = (email: string) => email.trim().toLowerCase();

/** The problems with an account's role, scope and email, before the reference data are consulted. */
export function accountProblems(input: AccountInput): string[] {
  const problems: string[] = [];
  const email = normaliseEmail(input.email);
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) problems.push(`“${input.email}” is not an email address.`);
  if (!(ROLES as readonly string[]).includes(input.role)) problems.push(`Role “${input.role}” is not one of ${ROLES.join(", ")}.`);
  else if (input.role === "national" && input.scope) problems.push("A national account has no scope code: leave --scope out.");
  else if (input.role !== "national" && !input.scope?.trim()) problems.push(`A ${input.role} account needs the ${input.role}'s code as its scope (--scope).`);
  if (input.password != null) {
    const problem = passwordProblem(input.password);
    if (problem) problems.push(problem);
  }
  return problems;
}

/** Whether the scope code names a region, ICB or organisation in the reference data. */
async function scopeExists(db: Sql, role: Role, code: string): Promise<boolean> {
  const table = role === "region" ? "regions" : role === "icb" ? "icbs" : "organisations";
  const rows = await db.query(`select 1 from ${table} where code = $1`, [code]);
  return rows.length > 0;
}

async function checkedAccount(db: Sql, input: AccountInput) {
  const problems = accountProblems(input);
  if (problems.length) throw new InputError(problems.join(" "));
  const role = input.role as Role;
  const scopeCode = role === "national" ? null : input.scope!.trim().toUpperCase();
  if (scopeCode && !(await scopeExists(db, role, scopeCode))) {
    throw new InputError(`There is no ${role === "organisation" ? "organisation" : role === "icb" ? "ICB" : "region"} with the code ${scopeCode} in the reference data.`);
  }
  return { email: normaliseEmail(input.email), role, scopeCode };
}

export async function findUser(db: Sql, by: { id?: number; email?: string; oidcSubject?: string }): Promise<(User & { passwordHash: string | null }) | null> {
  const [column, value] =
    by.id !== undefined ? ["id", by.id] : by.email !== undefined ? ["email", normaliseEmail(by.email)] : ["oidc_subject", by.oidcSubject ?? null];
  const [user] = await db.query<User & { passwordHash: string | null }>(`select ${USER_COLUMNS}, u.password_hash as "passwordHash" from users u where u.${column} = $1`, [value]);
  return user ?? null;
}

export function listUsers(db: Sql): Promise<User[]> {
  return db.query<User>(`select ${USER_COLUMNS} from users u order by u.email`);
}

/** Creates an account; `actor` is who did it (an admin, or the command line). */
export async function addUser(db: Connection, input: AccountInput, actor: Actor): Promise<User> {
  const account = await checkedAccount(db, input);
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  return db.transaction(async (tx) => {
    if (await findUser(tx, { email: account.email })) throw new InputError(`There is already an account for ${account.email}.`);
    const [{ id }] = await tx.query<{ id: number }>(
      `insert into users (email, role, scope_code, admin, password_hash, oidc_subject) values ($1, $2, $3, $4, $5, $6) returning id`,
      [account.email, account.role, account.scopeCode, input.admin ?? false, passwordHash, input.oidcSubject?.trim() || null],
    );
    await recordEvent(tx, actor, "user_add", { detail: { user: account.email, role: account.role, scope: account.scopeCode, admin: input.admin ?? false } });
    return (await findUser(tx, { id }))!;
  });
}

/** Changes an account's role, scope, admin capability or password; its sessions end, so the change applies at once. */
export async function changeUser(db: Connection, id: number, input: AccountInput & { disabled?: boolean }, actor: Actor): Promise<User> {
  const account = await checkedAccount(db, input);
  const passwordHash = input.password ? await hashPassword(input.password) : undefined;
  return db.transaction(async (tx) => {
    const before = await findUser(tx, { id });
    if (!before) throw new InputError(`There is no account ${id}.`);
    const clash = await findUser(tx, { email: account.email });
    if (clash && clash.id !== id) throw new InputError(`There is already an account for ${account.email}.`);
    await tx.query(
      `update users set email = $2, role = $3, scope_code = $4, admin = $5, password_hash = coalesce($6, password_hash),
         oidc_subject = $7, disabled_at = case when $8 then coalesce(disabled_at, now()) else null end
       where id = $1`,
      [id, account.email, account.role, account.scopeCode, input.admin ?? false, passwordHash ?? null, input.oidcSubject?.trim() || null, input.disabled ?? false],
    );
    await tx.query("delete from sessions where user_id = $1", [id]);
    await recordEvent(tx, actor, "user_change", {
      detail: { user: account.email, role: account.role, scope: account.scopeCode, admin: input.admin ?? false, disabled: input.disabled ?? false, password_changed: passwordHash !== undefined },
    });
    return (await findUser(tx, { id }))!;
  });
}

/** Removes an account and its sessions; its audit events stay. */
export async function removeUser(db: Connection, id: number, actor: Actor): Promise<void> {
  await db.transaction(async (tx) => {
    const user = await findUser(tx, { id });
    if (!user) throw new InputError(`There is no account ${id}.`);
    await tx.query("delete from users where id = $1", [id]);
    await recordEvent(tx, actor, "user_remove", { detail: { user: user.email } });
  });
}
