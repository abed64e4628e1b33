// What server.ts tells the app about how it was started, through Remix's load context.
import { isIP } from "node:net";
import type { SsoSettings } from "./sso-settings.server";

export interface ServerContext {
  /** True when the server listens on a loopback address only (HOST=127.0.0.1, ::1 or localhost). */
  loopback: boolean;
  /** Local demo mode (demoModeAllowed): figures without sign-in, as a demo account. */
  demo: boolean;
  /**
   * The environment as it was when the server started: server.ts later defaults NODE_ENV to
   * production for React's renderer, which must not change what an ingest run requires.
   */
  env: Record<string, string | undefined>;
  /** Single sign-on, from the OIDC_ variables read at start; null or absent when it is off. */
  sso?: SsoSettings | null;
}

declare module "@remix-run/node" {
  interface AppLoadContext {
    server?: ServerContext;
  }
}

/** Is `address` (as a socket reports it) a loopback address? */
export function isLoopbackAddress(address: string): boolean {
  const plain = address.replace(/^\[|\]$/g, "").toLowerCase();
  const version = isIP(plain);
  if (version === 4) return plain.startsWith("127.");
  if (version === 6) return plain === "::1" || /^::ffff:127\./.test(plain) || plain === "0:0:0:0:0:0:0:1";
  return false;
}

/** Is the hostname of a Host header one that can only reach this machine? */
export function isLoopbackHostHeader(host: string | null): boolean {
  if (!host) return false;
  const name = host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : host.replace(/:\d+$/, "");
  return name.toLowerCase() === "localhost" || isLoopbackAddress(name);
}

/**
 * Local demo mode runs only on the embedded database (never with DATABASE_URL) and only while the
 * server listens on loopback alone; DEMO_MODE=off asks for sign-in there too.
 */
export function demoModeAllowed(context: Pick<ServerContext, "loopback" | "env">): boolean {
  return !context.env.DATABASE_URL && context.loopback && context.env.DEMO_MODE !== "off";
}
