// Who may use the ingest pages: administrators (app/lib/viewer.server.ts). Their forms carry the
// session's CSRF token (app/lib/csrf.server.ts).
import type { AppLoadContext } from "@remix-run/node";
import type { ServerContext } from "./server-context.server";
import { requireAdmin } from "./viewer.server";

export function ingestAvailable(context: AppLoadContext): boolean {
  return context.viewer?.user.admin === true;
}

/** The server's context for an ingest request by an administrator; 403 for anyone else, sign-in for no one. */
export function requireIngestAccess(request: Request, context: AppLoadContext): ServerContext {
  requireAdmin(request, context);
  return context.server ?? { loopback: false, demo: false, env: process.env };
}
