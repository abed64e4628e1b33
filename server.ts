// The web server: prepares the database (migrations, reference data, bundled framework, and on
// the embedded default a demo dataset when it holds no submissions), then serves the Remix app.
// It binds HOST (default 127.0.0.1; on any other address every request needs sign-in, as local
// demo mode runs on loopback only) and PORT (default 3000), and closes the database and exits on
// SIGTERM/SIGINT.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { AddressInfo } from "node:net";
import { createRequestHandler as createRemixHandler, type ServerBuild } from "@remix-run/node";
import express from "express";
import { registerDatabase } from "./app/lib/db.server";
import { keptDocument } from "./app/lib/page-cache.server";
import { type Warmer, warmingEnabled, warmPages } from "./app/lib/warm.server";
import { demoModeAllowed, isLoopbackAddress, isLoopbackHostHeader, type ServerContext } from "./app/lib/server-context.server";
import { resolveViewer, type Viewer, viewerKey, WARMER } from "./app/lib/viewer.server";
import { browserToken } from "./app/lib/csrf.server";
import { readSsoSettings } from "./app/lib/sso-settings.server";
import { withFreshNonce, withSecurityHeaders } from "./app/lib/security-headers.server";
import { recordRequest } from "./app/lib/audit-trail.server";
import { openPreparedDatabase } from "./db/setup";
import { rowSecurityActive } from "./db/access/row-security";
import { prepareDisclosure } from "./db/analytics/disclosure";
import { suppressionThreshold } from "./db/analytics/suppression";
import { loadDemoIfEmpty } from "./ingest/demo";
import { ensureDemoAccounts } from "./db/access/demo-accounts";
import { pseudonymKey } from "./ingest/pseudonym";
import { refreshStatisticsIfMissing } from "./db/statistics";

const dev = process.argv.includes("--dev");
const host = process.env.HOST ?? "127.0.0.1";
const port = Number(process.env.PORT ?? 3000);
const BUILD = path.resolve("build/server/index.js");

/** The newest modification time under the folders the build is made from. */
function newestSource(paths: string[]): number {
  let newest = 0;
  for (const p of paths) {
    if (!existsSync(p)) continue;
    const stat = statSync(p);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(p)) newest = Math.max(newest, newestSource([path.join(p, entry)]));
    } else newest = Math.max(newest, stat.mtimeMs);
  }
  return newest;
}

function buildIfNeeded(): void {
  const sources = ["app", "db", "vite.config.ts", "package.json"];
  if (existsSync(BUILD) && statSync(BUILD).mtimeMs >= newestSource(sources)) return;
  process.stderr.write("Building the app (first start or sources changed)…\n");
  const result = spawnSync(process.execPath, [path.resolve("node_modules/@remix-run/dev/dist/cli.js"), "vite:build"], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (result.status !== 0) throw new Error("The build failed; see the messages above.");
}

async function main() {
  // Taken before NODE_ENV is defaulted below: ingest runs started from the app use the environment
  // the user gave, not the one the renderer needs.
  const context: ServerContext = { loopback: false, demo: false, env: { ...process.env } };
  // Read before anything else: a partial single sign-on setting stops the start, naming the variable.
  context.sso = readSsoSettings(process.env);
  if (!dev) buildIfNeeded();
  const opened = await openPreparedDatabase({});
  registerDatabase(opened.db);
  if (opened.db.driver === "postgres" && !process.env.DATABASE_OWNER_URL && !(await rowSecurityActive(opened.db)).active) {
    process.stderr.write(
      "Row-level security is not in force: the app connects as the owner of the tables. Give it a role of its own (docs/security.md, “Database roles”).\n",
    );
  }
  if (!process.env.DATABASE_URL) {
    await loadDemoIfEmpty(opened.db, pseudonymKey());
    if (process.env.DEMO_MODE !== "off") await ensureDemoAccounts(opened.db);
  }
  await refreshStatisticsIfMissing(opened.db);
  // Complementary suppression for every wave, now rather than on the first page (decision 017).
  const started = Date.now();
  const waves = await prepareDisclosure(opened.db, suppressionThreshold());
  if (waves) process.stderr.write(`Disclosure control ready for ${waves} wave(s) (${Math.round((Date.now() - started) / 1000)} s).\n`);

  const app = express();
  app.disable("x-powered-by");
  // Behind a reverse proxy that terminates HTTPS, TRUST_PROXY (e.g. 1, or the proxy's address)
  // lets the client's address and https reach the app: cookies are then marked Secure.
  if (process.env.TRUST_PROXY) app.set("trust proxy", /^\d+$/.test(process.env.TRUST_PROXY) ? Number(process.env.TRUST_PROXY) : process.env.TRUST_PROXY);
  // Security headers on every response; documents name their own script nonce (app/lib/security-headers.server.ts).
  app.use((req, res, next) => {
    withSecurityHeaders(res, req.secure);
    next();
  });
  let build: ServerBuild | (() => Promise<ServerBuild>);
  if (dev) {
    const vite = await import("vite");
    const viteServer = await vite.createServer({ server: { middlewareMode: true } });
    app.use(viteServer.middlewares);
    build = () => viteServer.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>;
  } else {
    // React's server renderer picks its production build from NODE_ENV at import time. The database
    // is prepared by now, so NODE_ENV no longer changes what start-up does to it.
    process.env.NODE_ENV ??= "production";
    app.use("/assets", express.static("build/client/assets", { immutable: true, maxAge: "1y" }));
    app.use(express.static("build/client", { maxAge: "1h" }));
    build = (await import(pathToFileURL(BUILD).href)) as ServerBuild;
  }
  // Who is asking, once per request, before anything else reads the Scope (app/lib/viewer.server.ts).
  app.use((req, res, next) => {
    // In local demo mode no cookie is needed to see figures, so a page elsewhere that resolves its
    // own name to 127.0.0.1 (DNS rebinding) must not reach them: only loopback names are served.
    if (context.demo && !isLoopbackHostHeader(req.headers.host ?? null)) return void res.status(421).type("text/plain").send("Misdirected request: this local demo answers only to localhost.");
    resolveViewer(opened.db, req.headers.cookie, context.demo).then((viewer) => {
      res.locals.viewer = viewer;
      // Views and exports go to the audit log once answered (app/lib/audit-trail.server.ts).
      res.once("finish", () => {
        const [path, query = ""] = req.originalUrl.split("?", 2);
        recordRequest(opened.db, viewer, { method: req.method, path, query, status: res.statusCode }).catch((error: Error) =>
          process.stderr.write(`The audit log could not record ${req.method} ${path}: ${error.message}\n`),
        );
      });
      const csrf = browserToken(req.headers.cookie, req.secure);
      res.locals.browserToken = csrf.token;
      if (csrf.setCookie && !req.path.startsWith("/api/")) res.append("Set-Cookie", csrf.setCookie);
      next();
    }, next);
  });
  if (!dev) {
    // A page already rendered for this address, viewer and data version goes out before Remix
    // routes the request (app/lib/page-cache.server.ts).
    app.get("*", (req, res, next) => {
      const started = performance.now();
      const viewer = res.locals.viewer as Viewer | null;
      if (!viewer) return next();
      keptDocument(req.originalUrl, viewerKey(viewer)).then((document) => {
        if (!document) return next();
        const { body, policy } = withFreshNonce(document.body);
        res.writeHead(200, {
          ...document.headers,
          "Content-Security-Policy": policy,
          "Content-Length": body.length,
          "Server-Timing": `page;desc="hit";dur=${(performance.now() - started).toFixed(1)}, document;desc="kept"`,
        });
        res.end(body);
      }, next);
    });
  }
  const mode = dev ? "development" : "production";
  app.all(
    "*",
    createRequestHandler({
      build,
      mode,
      getLoadContext: (_req, res) => ({
        server: context,
        viewer: res.locals.viewer as Viewer | null,
        browserToken: res.locals.browserToken as string,
        clientAddress: _req.ip,
        // The page cache says whether a page came from it (app/lib/page-cache.server.ts).
        serverTiming: (entry: string) => void res.append("Server-Timing", entry),
      }),
    }),
  );

  const remix = createRemixHandler(build, mode);
  const renderPage = async (page: string) => {
    // As the demo's national viewer in local demo mode (its first views are then kept documents),
    // else as an internal national viewer whose results serve national accounts.
    const viewer = (context.demo ? await resolveViewer(opened.db, null, true) : null) ?? WARMER;
    const response = await remix(new Request(`http://localhost${page}`), { server: context, viewer });
    await response.arrayBuffer();
    return response.status;
  };
  let warmer: Warmer | null = null;
  const server = app.listen(port, host, () => {
    // The address actually bound (HOST=localhost may resolve either way) decides whether local
    // demo mode may run: only on the embedded database, reachable from this machine alone.
    context.loopback = isLoopbackAddress((server.address() as AddressInfo).address);
    context.demo = demoModeAllowed(context);
    if (context.demo) process.stderr.write(`Local demo mode: no sign-in, demo accounts only (DEMO_MODE=off to sign in as usual).\n`);
    if (context.sso) process.stderr.write(`Single sign-on with ${context.sso.issuer.href}.\n`);
    // The busiest pages are rendered when the data change, not on their first view
    // (app/lib/warm.server.ts); only now, as the shell they are rendered in depends on the address bound.
    if (warmingEnabled()) warmer = warmPages(opened.db, { render: (page) => renderPage(page), log: (line) => process.stderr.write(`${line}\n`) });
    process.stderr.write(`Capability Gap Analytics is running at http://${host === "0.0.0.0" ? "localhost" : host}:${port}/\n`);
  });
  const shutdown = (signal: string) => {
    process.stderr.write(`${signal}: closing the database and stopping.\n`);
    warmer?.stop();
    server.close();
    server.closeAllConnections();
    opened.close().finally(() => process.exit(0));
    setTimeout(() => process.exit(1), 5000).unref();
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
}

main().catch((error) => {
  const known = ["SetupError", "LockBusyError", "SsoSettingsError"].includes((error as Error).constructor.name);
  process.stderr.write(`${known ? "Error: " + (error as Error).message : (error as Error).stack}\n`);
  process.exit(2);
});
