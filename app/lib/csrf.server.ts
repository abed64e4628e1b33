// CSRF: every state-changing form carries a token the server checks before acting. A signed-in
// session has its own (stored with the session). Before sign-in, and for local demo mode's
// implicit viewer, it is the browser's: a random value server.ts keeps in a SameSite=Strict,
// httpOnly cookie. A page on another site can neither read the token nor make the browser send
// the strict cookie with its request.
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { AppLoadContext } from "@remix-run/node";
import { forbidden } from "./http.server";
import { CSRF_COOKIE, cookieValue } from "./viewer.server";

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** This browser's CSRF token (server.ts sets the cookie when the request had none). */
    browserToken?: string;
  }
}

export { CSRF_FIELD } from "./csrf-field";

/** `; Secure` when the request came over HTTPS (behind a proxy: with TRUST_PROXY set, server.ts). */
export const secureAttribute = (request: Request) => (new URL(request.url).protocol === "https:" ? "; Secure" : "");

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** The browser's token from its cookie, or a new one with the Set-Cookie header that keeps it. */
export function browserToken(cookieHeader: string | null | undefined, secure: boolean): { token: string; setCookie: string | null } {
  const existing = cookieValue(cookieHeader, CSRF_COOKIE);
  if (existing && TOKEN.test(existing)) return { token: existing, setCookie: null };
  const token = randomBytes(32).toString("base64url");
  return { token, setCookie: `${CSRF_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict${secure ? "; Secure" : ""}` };
}

/** The token this request's forms must carry: the session's, else the browser's. */
export function csrfToken(context: AppLoadContext, { session = true } = {}): string {
  const token = (session ? context.viewer?.csrfToken : null) ?? context.browserToken;
  if (!token) throw new Error("No CSRF token: server.ts sets one for every request.");
  return token;
}

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Refuses (403) a state-changing request whose form does not carry the expected token (the
 * session's, or with `session: false` the browser's, as on the sign-in form).
 */
export function requireCsrf(context: AppLoadContext, sent: FormDataEntryValue | string | null | undefined, options?: { session?: boolean }): void {
  const expected = csrfToken(context, options);
  if (typeof sent !== "string" || !same(sent, expected)) {
    throw forbidden("This form has expired or did not come from this service. Go back, reload the page and try again.");
  }
}
