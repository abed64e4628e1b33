// What the audit log records of ordinary use: each account's views of pages (once per page per
// quarter of an hour, so the log shows who looked at which area's figures without a row per
// click) and every API answer (an export: CSV, Arrow or JSON, whatever it was asked for).
import { recordEvent } from "~db/access/audit";
import { describeScope } from "~db/analytics/scope";
import type { Sql } from "~db/client";
import type { Viewer } from "./viewer.server";

const VIEW_EVERY_MS = 15 * 60_000;
const lastViews = new Map<string, number>();

/** Paths that are not pages or exports: assets and the browser's own requests. */
const NOT_AUDITED = /^\/(assets\/|favicon|robots\.txt|build\/)|\.(css|js|map|ico|png|svg|woff2?)$/;
/** Single sign-on's own steps: the sign-in is audited as such, and the callback's query holds the provider's one-time code. */
const SIGN_IN_STEPS = /^\/sign-in\/oidc(\/|\.data$|$)/;

/**
 * Records a finished request: an API answer as an export, a page as a view (at most once per
 * viewer, page and quarter hour). The warm-up's own renders and anonymous requests are not use.
 */
export async function recordRequest(db: Sql, viewer: Viewer | null, request: { method: string; path: string; query: string; status: number }, now = Date.now()): Promise<void> {
  if (!viewer || viewer.user.id === 0 || request.method !== "GET" || NOT_AUDITED.test(request.path) || SIGN_IN_STEPS.test(request.path)) return;
  const actor = { userId: viewer.user.id, email: viewer.user.email };
  const scope = describeScope(viewer.scope);
  if (request.path.startsWith("/api/")) {
    await recordEvent(db, actor, "export", { scope, detail: { path: request.path, query: request.query, status: request.status } });
    return;
  }
  // A client-side navigation asks for the page's data (`/regions/Y56.data`): the same view.
  const page = request.path.replace(/\.data$/, "") || "/";
  const key = JSON.stringify([viewer.user.id, page, request.query]);
  const last = lastViews.get(key);
  if (last !== undefined && now - last < VIEW_EVERY_MS) return;
  lastViews.set(key, now);
  if (lastViews.size > 50_000) for (const [k, t] of lastViews) if (now - t >= VIEW_EVERY_MS) lastViews.delete(k);
  await recordEvent(db, actor, "view", { scope, detail: { path: page, query: request.query, status: request.status } });
}
