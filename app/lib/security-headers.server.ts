// Security headers on every response, and the Content-Security-Policy of HTML documents: scripts
// only from this origin or inline with this response's nonce (Remix's own hydration scripts), so
// an injected inline script never runs; no framing; no MIME sniffing; referrers kept on this site.
// Styles may be inline: the SVG charts carry Plot's <style> and style attributes, which cannot run code.
import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";

/** What a kept document holds where each response's nonce goes (as long as a nonce, [a-z0-9]). */
export const NONCE_PLACEHOLDER = "nonceplaceholder0cspnonce0000000";

/** A fresh nonce: 32 base64url characters, as long as the placeholder. */
export function newNonce(): string {
  return randomBytes(24).toString("base64url");
}

/** The policy of an HTML document whose inline scripts carry `nonce`. */
export function documentPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** The policy of every response that names none of its own (APIs, assets, redirects): nothing may run or embed it. */
export const FALLBACK_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Headers every response carries; the Content-Security-Policy is added by withSecurityHeaders. */
export function baseHeaders(secure: boolean): Record<string, string> {
  return {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    ...(secure ? { "Strict-Transport-Security": "max-age=31536000; includeSubDomains" } : {}),
  };
}

const PLACEHOLDER = Buffer.from(NONCE_PLACEHOLDER);

/** A kept document as one response sends it: a fresh nonce in its bytes and its policy. */
export function withFreshNonce(body: Buffer): { body: Buffer; policy: string } {
  const nonce = newNonce();
  return { body: withNonce(body, nonce), policy: documentPolicy(nonce) };
}

/** A kept document's bytes with every placeholder replaced by `nonce` (a copy; the kept one stays as it is). */
export function withNonce(body: Buffer, nonce: string): Buffer {
  const out = Buffer.from(body);
  const value = Buffer.from(nonce);
  for (let at = out.indexOf(PLACEHOLDER); at !== -1; at = out.indexOf(PLACEHOLDER, at + PLACEHOLDER.length)) value.copy(out, at);
  return out;
}

/**
 * Sets the base headers on `res`, and the fallback policy when the response names no policy of
 * its own by the time its head is written. A document's policy must replace it, not join it: a
 * browser enforces every policy it is sent, and Remix's adapter appends its headers to those set.
 */
export function withSecurityHeaders(res: ServerResponse, secure: boolean): void {
  for (const [name, value] of Object.entries(baseHeaders(secure))) res.setHeader(name, value);
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    if (!this.hasHeader("Content-Security-Policy")) this.setHeader("Content-Security-Policy", FALLBACK_POLICY);
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse["writeHead"];
}
