// Single sign-on: which account an OpenID Connect sign-in is. The identity provider says who the
// person is; what they may see comes from `users` only. An account is found by its OIDC subject,
// else by an email the provider has verified (the subject is then linked to it); else, when
// auto-provisioning is on, an organisation account may be made for the one trust the person's
// claim names. Region, ICB, national Scope and administration are never taken from claims.
import type { Session as Connection, Sql } from "../client";
import { InputError } from "../problems";
import { recordEvent } from "./audit";
import { addUser, findUser, normaliseEmail, type User } from "./users";

/** Who the provider says signed in, as far as finding their account goes. */
export interface SsoIdentity {
  subject: string;
  email: string | null;
  /** The provider vouches for the email (`email_verified: true`, or OIDC_TRUST_EMAIL). */
  emailVerified: boolean;
  /** ODS codes from the organisation claim, upper-cased, each once. */
  organisationCodes: string[];
}

/** ODS codes are letters and digits (trusts three, sites five); anything else in a claim is ignored. */
const ODS_CODE = /^[A-Z0-9]{3,6}$/;

/**
 * The ODS codes in a claim's value: a string, an array of strings, or an array of objects with
 * `org_code` (NHS CIS2's `nhsid_nrbac_roles` and `nhsid_user_orgs`).
 */
export function organisationCodes(value: unknown): string[] {
  const items = Array.isArray(value) ? value : [value];
  const codes = items.map((item) => (typeof item === "string" ? item : item && typeof item === "object" ? (item as { org_code?: unknown }).org_code : null));
  return [...new Set(codes.filter((c): c is string => typeof c === "string").map((c) => c.trim().toUpperCase()).filter((c) => ODS_CODE.test(c)))];
}

export function ssoIdentity(claims: Record<string, unknown>, options: { trustEmail: boolean; organisationClaim: string | null }): SsoIdentity {
  const email = typeof claims.email === "string" && claims.email.trim() ? normaliseEmail(claims.email) : null;
  return {
    subject: String(claims.sub),
    email,
    // Only the boolean true: a provider that says nothing, or "true" as text, has not verified it.
    emailVerified: email !== null && (claims.email_verified === true || options.trustEmail),
    organisationCodes: options.organisationClaim ? organisationCodes(claims[options.organisationClaim]) : [],
  };
}

/** An account as the decision needs it. */
export type SsoAccount = Pick<User, "id" | "email" | "role" | "scopeCode" | "admin" | "oidcSubject" | "disabledAt">;

export type SsoRefusal =
  | "account disabled"
  | "account linked to another identity"
  | "email not verified"
  | "no account"
  | "no verified email for a new account"
  | "no organisation in the claim"
  | "several organisations in the claim"
  | "organisation not a trust";

export type SsoDecision =
  | { action: "sign_in"; account: SsoAccount }
  /** Sign in after storing the subject on the account the verified email found. */
  | { action: "link"; account: SsoAccount }
  /** Make an organisation account (never admin) for `organisation`, then sign in. */
  | { action: "provision"; email: string; organisation: string }
  | { action: "refuse"; reason: SsoRefusal; account: SsoAccount | null };

/**
 * What to do with a sign-in: `bySubject` and `byEmail` are the accounts with the identity's subject
 * and email (if any); `trusts` those of its organisation codes that are open trusts in the
 * reference data.
 */
export function decideSsoAccount(input: {
  identity: SsoIdentity;
  bySubject: SsoAccount | null;
  byEmail: SsoAccount | null;
  autoProvision: boolean;
  trusts: ReadonlySet<string>;
}): SsoDecision {
  const { identity, bySubject, byEmail } = input;
  const refuse = (reason: SsoRefusal, account: SsoAccount | null = null): SsoDecision => ({ action: "refuse", reason, account });
  if (bySubject) return bySubject.disabledAt ? refuse("account disabled", bySubject) : { action: "sign_in", account: bySubject };
  if (byEmail) {
    if (!identity.emailVerified) return refuse("email not verified");
    // Linked to someone else's subject: a second identity with the same email takes nothing over.
    if (byEmail.oidcSubject) return refuse("account linked to another identity", byEmail);
    if (byEmail.disabledAt) return refuse("account disabled", byEmail);
    return { action: "link", account: byEmail };
  }
  if (!input.autoProvision) return refuse("no account");
  if (!identity.email || !identity.emailVerified) return refuse("no verified email for a new account");
  const codes = identity.organisationCodes;
  if (!codes.length) return refuse("no organisation in the claim");
  if (codes.length > 1) return refuse("several organisations in the claim");
  // Only a trust in the reference data: an ICB's or region's code is not one, so never widens a Scope.
  if (!input.trusts.has(codes[0])) return refuse("organisation not a trust");
  return { action: "provision", email: identity.email, organisation: codes[0] };
}

/** Those of `codes` that are open organisations (trusts) in the reference data. */
export async function trustCodes(db: Sql, codes: string[]): Promise<Set<string>> {
  if (!codes.length) return new Set();
  const rows = await db.query<{ code: string }>(
    `select code from organisations
     where code in (select jsonb_array_elements_text($1::jsonb)) and (closed_on is null or closed_on > current_date)`,
    [JSON.stringify(codes)],
  );
  return new Set(rows.map((r) => r.code));
}

/** The accounts with the identity's subject and email. */
export async function ssoAccounts(db: Sql, identity: SsoIdentity): Promise<{ bySubject: SsoAccount | null; byEmail: SsoAccount | null }> {
  const bySubject = await findUser(db, { oidcSubject: identity.subject });
  const byEmail = identity.email ? await findUser(db, { email: identity.email }) : null;
  return { bySubject, byEmail };
}

/** Stores the subject on an account found by verified email, and audits it. */
export async function linkSubject(db: Connection, account: SsoAccount, subject: string): Promise<void> {
  await db.transaction(async (tx) => {
    const linked = await tx.query("update users set oidc_subject = $2 where id = $1 and oidc_subject is null returning id", [account.id, subject]);
    if (!linked.length) throw new InputError(`The account for ${account.email} was linked to another identity meanwhile.`);
    await recordEvent(tx, { userId: account.id, email: account.email }, "user_change", { detail: { user: account.email, oidc_subject_linked: subject, matched_by: "verified email" } });
  });
}

/** Who the audit log says made an auto-provisioned account. */
export const PROVISIONER = { command: "single sign-on auto-provisioning" };

/** Makes an organisation account, without a password or administration, for a provisioned sign-in. */
export function provisionAccount(db: Connection, email: string, organisation: string, subject: string): Promise<User> {
  return addUser(db, { email, role: "organisation", scope: organisation, admin: false, password: null, oidcSubject: subject }, PROVISIONER);
}
