// The accounts pages (administrators only): list, add, change, disable and remove accounts. A new
// or reset password is random and shown once, on the page that made it; it is stored as a hash.
import type { AppLoadContext } from "@remix-run/node";
import { randomPassword } from "~db/access/passwords";
import { type AccountInput, addUser, changeUser, findUser, listUsers, removeUser, ROLES, type User } from "~db/access/users";
import { InputError } from "~db/problems";
import { CSRF_FIELD } from "./csrf-field";
import { csrfToken, requireCsrf } from "./csrf.server";
import { getDatabase } from "./db.server";
import { notFound } from "./http.server";
import { requireAdmin } from "./viewer.server";

export interface AccountsPage {
  csrf: string;
  users: User[];
  roles: readonly string[];
  you: number;
}

export async function accountsPage(request: Request, context: AppLoadContext): Promise<AccountsPage> {
  const viewer = requireAdmin(request, context);
  return { csrf: csrfToken(context), users: await listUsers(getDatabase()), roles: ROLES, you: viewer.user.id };
}

export type AccountOutcome =
  | { kind: "added" | "changed"; email: string; password: string | null }
  | { kind: "removed"; email: string }
  | { kind: "invalid"; message: string; values: Record<string, string> };

/** The account fields of a form. */
function accountInput(form: FormData): AccountInput & { disabled: boolean } {
  const text = (name: string) => String(form.get(name) ?? "").trim();
  return {
    email: text("email"),
    role: text("role"),
    scope: text("scope") || null,
    admin: form.get("admin") === "yes",
    oidcSubject: text("oidcSubject") || null,
    disabled: form.get("disabled") === "yes",
  };
}

/** Adds (intent=add), changes (intent=change, id), resets a password (intent=reset, id) or removes (intent=remove, id) an account. */
export async function accountAction(request: Request, context: AppLoadContext): Promise<AccountOutcome> {
  const viewer = requireAdmin(request, context);
  const form = await request.formData();
  requireCsrf(context, form.get(CSRF_FIELD));
  const actor = { userId: viewer.user.id, email: viewer.user.email };
  const db = getDatabase();
  const intent = String(form.get("intent") ?? "");
  const values = Object.fromEntries([...form.entries()].filter(([k]) => k !== CSRF_FIELD).map(([k, v]) => [k, String(v)]));
  try {
    if (intent === "add") {
      const input = accountInput(form);
      // An email that has an account already: its role, scope and administration change.
      const existing = input.email ? await findUser(db, { email: input.email }) : null;
      if (existing) {
        if (existing.id === viewer.user.id && !input.admin) throw new InputError("You cannot take away your own administration: ask another administrator.");
        const changed = await changeUser(db, existing.id, { ...input, oidcSubject: existing.oidcSubject, disabled: existing.disabledAt !== null }, actor);
        return { kind: "changed", email: changed.email, password: null };
      }
      // Accounts for single sign-on need no password; any other gets a random one, shown once.
      const password = form.get("sso") === "yes" ? null : randomPassword();
      const user = await addUser(db, { ...input, password }, actor);
      return { kind: "added", email: user.email, password };
    }
    const id = Number(form.get("id"));
    const user = Number.isSafeInteger(id) ? await findUser(db, { id }) : null;
    if (!user) throw notFound("There is no such account.");
    if (intent === "remove") {
      if (user.id === viewer.user.id) throw new InputError("You cannot remove your own account: ask another administrator.");
      await removeUser(db, user.id, actor);
      return { kind: "removed", email: user.email };
    }
    if (intent === "reset") {
      const password = randomPassword();
      await changeUser(db, user.id, { email: user.email, role: user.role, scope: user.scopeCode, admin: user.admin, oidcSubject: user.oidcSubject, password, disabled: user.disabledAt !== null }, actor);
      return { kind: "changed", email: user.email, password };
    }
    if (intent === "change") {
      const input = accountInput(form);
      if (user.id === viewer.user.id && (!input.admin || input.disabled)) {
        throw new InputError("You cannot take away your own administration or disable your own account: ask another administrator.");
      }
      const changed = await changeUser(db, user.id, input, actor);
      return { kind: "changed", email: changed.email, password: null };
    }
    throw new InputError(`Unknown action “${intent}”.`);
  } catch (error) {
    if (error instanceof InputError) return { kind: "invalid", message: error.message, values };
    throw error;
  }
}
