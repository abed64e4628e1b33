// Who is asking: the signed-in account (or, in local demo mode, a demo account), its Scope and
// whether it administers. server.ts resolves the Viewer once per request, before the kept-document
// lookup and Remix, and passes it in the load context; loaders take the Scope from here only, so
// no URL or form field can widen it (docs/security.md).
import { type AppLoadContext, redirect } from "@remix-run/node";
import { type Scope, describeScope } from "~db/analytics/scope";
import type { Sql } from "~db/client";
import { readSession, sessionLimits } from "~db/access/sessions";
import { DEMO_EMAIL } from "~db/access/demo-accounts";
import { findUser, scopeOf, type User } from "~db/access/users";
import { forbidden } from "./http.server";

export interface Viewer {
  user: User;
  scope: Scope;
  /** The token state-changing forms of this session carry; null for the implicit demo viewer (its forms use the browser's CSRF cookie). */
  csrfToken: string | null;
  /** Local demo mode: no sign-in; demo accounts only (never with DATABASE_URL or a non-loopback HOST). */
  demo: boolean;
}

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** The request's Viewer, or null when no one is signed in. */
    viewer?: Viewer | null;
    /** The client's address (behind a proxy: as TRUST_PROXY allows), for limiting sign-in attempts. */
    clientAddress?: string;
  }
}

export const SESSION_COOKIE = "capgap_session";
export const CSRF_COOKIE = "capgap_csrf";

/** A cookie's value from a Cookie header. */
export function cookieValue(header: string | null | undefined, name: string): string | null {
  for (const part of (header ?? "").split(";")) {
    const at = part.indexOf("=");
    if (at > 0 && part.slice(0, at).trim() === name) return decodeURIComponent(part.slice(at + 1).trim());
  }
  return null;
}

/** The email of the demo account that local demo mode shows when no one has chosen another. */
export const DEMO_NATIONAL = DEMO_EMAIL("national");

/** The Viewer for a request with this Cookie header: its session's account, else the demo account in demo mode, else null. */
export async function resolveViewer(db: Sql, cookieHeader: string | null | undefined, demo: boolean): Promise<Viewer | null> {
  const token = cookieValue(cookieHeader, SESSION_COOKIE);
  const session = token ? await readSession(db, token, sessionLimits()) : null;
  if (session) return { user: session.user, scope: scopeOf(session.user), csrfToken: session.csrfToken, demo };
  if (!demo) return null;
  const user = await findUser(db, { email: DEMO_NATIONAL });
  if (!user || user.disabledAt) return null;
  const { passwordHash: _hash, ...account } = user;
  return { user: account, scope: scopeOf(account), csrfToken: null, demo };
}

/**
 * The national viewer the server warms pages as (app/lib/warm.server.ts). It exists only inside
 * the process: no cookie or request can become it.
 */
export const WARMER: Viewer = {
  user: { id: 0, email: "pages-warmed-by-the-server", role: "national", scopeCode: null, admin: false, hasPassword: false, oidcSubject: null, createdAt: "", disabledAt: null },
  scope: { kind: "national" },
  csrfToken: null,
  demo: false,
};

/** What tells one viewer's kept documents from another's: the account and its Scope. */
export function viewerKey(viewer: Viewer | null | undefined): string {
  return viewer ? JSON.stringify([viewer.user.id, describeScope(viewer.scope), viewer.user.admin]) : "anonymous";
}

/**
 * The request's Viewer. With none, a page request is sent to sign in (and back afterwards) and an
 * API request is answered 401: no loader computes anything for an anonymous request.
 */
export function requireViewer(request: Request, context: AppLoadContext): Viewer {
  if (context.viewer) return context.viewer;
  const url = new URL(request.url);
  if (url.pathname.startsWith("/api/")) {
    throw new Response(JSON.stringify({ error: "Sign in first: this API answers signed-in accounts only." }), {
      status: 401,
      headers: { "Content-Type": "application/json", "Cache-Control": "private, no-store" },
    });
  }
  throw redirect(`/sign-in?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
}

/** The request's Viewer if it administers (ingest, accounts, the audit log); 403 otherwise. */
export function requireAdmin(request: Request, context: AppLoadContext): Viewer {
  const viewer = requireViewer(request, context);
  if (!viewer.user.admin) throw forbidden("This page is for administrators.");
  return viewer;
}

/** A path to return to after sign-in: only a path on this site, never another origin. */
export function safeRedirect(to: string | null | undefined, fallback = "/"): string {
  if (!to || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  return to;
}
