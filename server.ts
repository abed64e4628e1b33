// The web server: prepares the database (migrations, reference data, bundled framework, and on
// the embedded default a demo dataset when it holds no submissions), then serves the Remix app.
// It binds HOST (default 127.0.0.1: nothing is exposed until access control exists) and PORT
// (default 3000), and closes the database and exits on SIGTERM/SIGINT.
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
import { isLoopbackAddress, type ServerContext } from "./app/lib/server-context.server";
import { NATIONAL } from "./db/analytics/scope";
import { openPreparedDatabase } from "./db/setup";
import { prepareDisclosure } from "./db/analytics/disclosure";
import { suppressionThreshold } from "./db/analytics/suppression";
import { loadDemoIfEmpty } from "./ingest/demo";
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
  const context: ServerContext = { loopback: false, env: { ...process.env } };
  if (!dev) buildIfNeeded();
  const opened = await openPreparedDatabase({});
  registerDatabase(opened.db);
  if (!process.env.DATABASE_URL) await loadDemoIfEmpty(opened.db, pseudonymKey());
  await refreshStatisticsIfMissing(opened.db);
  // Complementary suppression for every wave, now rather than on the first page (decision 017).
  const started = Date.now();
  const waves = await prepareDisclosure(opened.db, suppressionThreshold());
  if (waves) process.stderr.write(`Disclosure control ready for ${waves} wave(s) (${Math.round((Date.now() - started) / 1000)} s).\n`);

  const app = express();
  app.disable("x-powered-by");
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
    // A page already rendered for this address, Scope and data version goes out before Remix
    // routes the request (app/lib/page-cache.server.ts). Every viewer is national until sign-in.
    app.get("*", (req, res, next) => {
      const started = performance.now();
      keptDocument(req.originalUrl, NATIONAL).then((document) => {
        if (!document) return next();
        res.writeHead(200, {
          ...document.headers,
          "Content-Length": document.body.length,
          "Server-Timing": `page;desc="hit";dur=${(performance.now() - started).toFixed(1)}, document;desc="kept"`,
        });
        res.end(document.body);
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
        // The page cache says whether a page came from it (app/lib/page-cache.server.ts).
        serverTiming: (entry: string) => void res.append("Server-Timing", entry),
      }),
    }),
  );

  const remix = createRemixHandler(build, mode);
  const renderPage = async (page: string) => {
    const response = await remix(new Request(`http://localhost${page}`), { server: context });
    await response.arrayBuffer();
    return response.status;
  };
  let warmer: Warmer | null = null;
  const server = app.listen(port, host, () => {
    // The address actually bound (HOST=localhost may resolve either way) decides whether the
    // admin-only pages are served: until sign-in exists, only to this machine.
    context.loopback = isLoopbackAddress((server.address() as AddressInfo).address);
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
  const known = ["SetupError", "LockBusyError"].includes((error as Error).constructor.name);
  process.stderr.write(`${known ? "Error: " + (error as Error).message : (error as Error).stack}\n`);
  process.exit(2);
});
