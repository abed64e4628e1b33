// Who may use the ingest pages. There is no sign-in yet, so they exist only while the server is
// bound to a loopback address, which only this machine can reach. Two browser tricks could still
// reach a loopback server from a web page: DNS rebinding (a foreign name resolving to 127.0.0.1),
// refused here by the Host check, and a cross-site form post, which Remix refuses before any action
// runs (its Origin must name this host).
import type { AppLoadContext } from "@remix-run/node";
import { notFound } from "./http.server";
import { isLoopbackHostHeader, type ServerContext } from "./server-context.server";

export function ingestAvailable(context: AppLoadContext): boolean {
  return context.server?.loopback === true;
}

/** The server's context for an ingest request; anything else is answered 404. */
export function requireIngestAccess(request: Request, context: AppLoadContext): ServerContext {
  const server = context.server;
  if (!server?.loopback || !isLoopbackHostHeader(request.headers.get("host"))) {
    throw notFound("There is no page at this address.");
  }
  return server;
}
