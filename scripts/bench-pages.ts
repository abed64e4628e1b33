// npm run bench:pages [-- --ratings 10000000 --duration 10 --connections 16 --miss-duration 20 --miss-connections 1 --targets postgres,pglite --url postgres://…/postgres --demo-dir DIR]
// Page latency under load (docs/benchmarks.md). Loads a national wave (202 trusts, about 10 M
// ratings, with its headcount) through the real ingest into a new PostgreSQL database, builds the
// app, starts the production server on it and drives one page of every type with autocannon in its
// own process (scripts/bench-load.ts): first with the page cache as served (after one cold request
// and a warm-up), then with every cache off (PAGE_CACHE=off: each request computes its page, as
// the first one after a load does). In the same run it times the same figures computed by GROUP BY
// over the raw ratings table, as a generic BI tool would. Then the same on the embedded demo
// (PGlite, loaded by the server's first start as `npm start` does). Prints Markdown tables.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { get } from "node:http";
import os from "node:os";
import path from "node:path";
import { addUser } from "../db/access/users";
import { type Database, openDatabase } from "../db/client";
import { prepareDatabase } from "../db/setup";
import { headcountFile, writeExports } from "../ingest/demo";
import { importHeadcount } from "../ingest/headcount";
import { INGEST_ENV, INGEST_NODE_FLAGS } from "../ingest/ingest";
import { defaultWaves, generateExportRows } from "../ingest/synthetic/generate";
import { loadSyntheticInputs } from "../ingest/synthetic/inputs";
import { PLAIN_SHAPE } from "../ingest/synthetic/shapes";
import { args, run } from "./cli";

const KEY = "ab".repeat(32);
const [WAVE] = defaultWaves(1);

/** The places a run's pages are about, chosen from the loaded data. */
interface Places {
  wave: string;
  region: string;
  icb: string;
  organisation: string;
  staffGroup: string;
}

/**
 * One page of every type, addressed as the pages link to each other (no ?wave=: they show the
 * latest wave, the one loaded here): a page added later is one line here. `route` is its file under
 * app/routes/ (pages whose route does not exist yet are left out); `raw` is the SQL a generic BI
 * tool would run for the page's main figures, straight from the ratings.
 */
const PAGES: { name: string; route: string; path: (p: Places) => string; raw: ((p: Places) => RawQuery[]) | null }[] = [
  { name: "England", route: "_index.tsx", path: () => "/", raw: (p) => [raw(p, ["m.region_code", "c.domain_code"]), raw(p, ["c.code"])] },
  { name: "Region", route: "regions.$code.tsx", path: (p) => `/regions/${p.region}`, raw: (p) => [raw(p, ["r.organisation_code", "c.domain_code"], "m.region_code", p.region), raw(p, ["r.organisation_code"])] },
  { name: "ICB", route: "icbs.$code.tsx", path: (p) => `/icbs/${p.icb}`, raw: (p) => [raw(p, ["r.organisation_code", "c.domain_code"], "m.icb_code", p.icb), raw(p, ["r.organisation_code"])] },
  { name: "Organisation", route: "organisations.$code.tsx", path: (p) => `/organisations/${p.organisation}`, raw: (p) => [raw(p, ["r.staff_group_code", "c.domain_code"], "r.organisation_code", p.organisation)] },
  { name: "Staff group", route: "staff-groups.$code.tsx", path: (p) => `/staff-groups/${p.staffGroup}`, raw: (p) => [raw(p, ["m.region_code", "c.domain_code"], "r.staff_group_code", p.staffGroup)] },
  { name: "Framework", route: "framework._index.tsx", path: () => "/framework", raw: null },
  { name: "Capability statement", route: "framework.capabilities.$code.tsx", path: () => "/framework/capabilities/1-01", raw: null },
  { name: "Data", route: "data.tsx", path: () => "/data", raw: (p) => [raw(p, ["r.organisation_code"])] },
  { name: "Methodology", route: "methodology.tsx", path: () => "/methodology", raw: null },
  { name: "API: gaps by region × domain (JSON)", route: "api.gaps.ts", path: (p) => `/api/gaps?by=region,domain&wave=${p.wave}`, raw: (p) => [raw(p, ["m.region_code", "c.domain_code"])] },
  { name: "API: funnel (JSON)", route: "api.funnel.ts", path: (p) => `/api/funnel?wave=${p.wave}`, raw: (p) => [raw(p, ["r.organisation_code"])] },
  { name: "API: region's priorities (CSV)", route: "api.priorities.ts", path: (p) => `/api/priorities?region=${p.region}&wave=${p.wave}&format=csv`, raw: null },
];

interface RawQuery {
  text: string;
  params: unknown[];
}

/** Respondents, required and met capabilities by `by`, straight from the ratings (membership at the wave's reference date). */
function raw(p: Places, by: string[], filter?: string, value?: string): RawQuery {
  return {
    text: `select ${by.join(", ")}, count(distinct r.id) as respondents, count(*) as required, count(*) filter (where rt.rating >= f.met_threshold) as met
      from respondents r join waves w on w.id = r.wave_id join frameworks f on f.id = w.framework_id
      join ratings rt on rt.respondent_id = r.id join capabilities c on c.id = rt.capability_id
      join organisation_memberships m on m.organisation_code = r.organisation_code
        and w.reference_date between m.valid_from and coalesce(m.valid_to, 'infinity'::date)
      where w.label = $1 and strpos(c.archetypes, r.archetype_code) > 0 ${filter ? `and ${filter} = $2` : ""}
      group by ${by.map((_, i) => i + 1).join(", ")}`,
    params: filter ? [p.wave, value] : [p.wave],
  };
}

const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Load {
  requests: number;
  perSecond: number;
  errors: number;
  timeouts: number;
  non200: number;
  p50: number | null;
  p95: number | null;
}

interface Server {
  url: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Starts the production server (server.ts) and waits until it is listening. */
async function startServer(env: Record<string, string>, port: number): Promise<Server> {
  const { DATABASE_URL: _d, DATA_DIR: _a, PAGE_CACHE: _p, ...clean } = process.env;
  const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    env: { ...clean, NODE_ENV: "production", HOST: "127.0.0.1", PORT: String(port), PSEUDONYM_KEY: KEY, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  while (!output.includes("is running at")) {
    if (child.exitCode !== null) throw new Error(`the server exited ${child.exitCode}:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** CPU time (ms) the server process has used: what a request costs, whatever else the machine runs. */
function cpuMs(child: ChildProcess): number {
  const fields = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1].split(" ");
  // utime and stime, fields 14 and 15 of the whole line, in clock ticks (100 a second on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The signed-in session's cookie the requests carry (PostgreSQL: pages need an account), or null in local demo mode. */
let session: string | null = null;

/** autocannon in its own process (scripts/bench-load.ts). */
function load(url: string, connections: number, duration: number): Load {
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", "scripts/bench-load.ts", url, "--connections", String(connections), "--duration", String(duration), "--timeout", "300", ...(session ? ["--cookie", session] : [])],
    { encoding: "utf8", maxBuffer: 1 << 24 },
  );
  if (result.status !== 0) throw new Error(`the load generator failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split("\n").at(-1)!) as Load;
}

/** One GET on a new connection (a pooled one may have been closed by the server meanwhile). */
function timedGet(url: string): Promise<{ ms: number; status: number; timing: string | null; body: string }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    get(url, { agent: false, headers: session ? { Cookie: session } : {} }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () =>
        resolve({ ms: performance.now() - started, status: response.statusCode ?? 0, timing: String(response.headers["server-timing"] ?? "") || null, body }),
      );
      response.on("error", reject);
    }).on("error", reject);
  });
}

/** The region with most respondents, its ICB with most, that ICB's organisation with most, and the largest staff group (from the API). */
async function choosePlaces(base: string): Promise<Places> {
  const largest = async (by: string, filters = "") => {
    const table = JSON.parse((await timedGet(`${base}/api/gaps?by=${by}${filters}`)).body) as { meta: { waves: string[] }; rows: Record<string, string | number | null>[] };
    const [top] = [...table.rows].sort((a, b) => Number(b.respondents ?? 0) - Number(a.respondents ?? 0));
    if (!top) throw new Error(`no ${by} has respondents`);
    return { code: String(top[by]), wave: table.meta.waves[0] };
  };
  const region = await largest("region");
  const icb = await largest("icb", `&region=${region.code}`);
  const organisation = await largest("organisation", `&icb=${icb.code}`);
  return { wave: region.wave, region: region.code, icb: icb.code, organisation: organisation.code, staffGroup: (await largest("staff_group")).code };
}

interface PageResult {
  name: string;
  path: string;
  first: number;
  /** A hit on its own: the median of five single requests after the first. */
  alone: number;
  hit: Load;
  /** Server CPU per request with the cache (ms; on PGlite the database's work included). */
  cpu: number;
  miss: Load | null;
  raw: number | null;
}

/** The pages whose route exists, at the chosen places. */
const pagesNow = (places: Places) =>
  PAGES.filter((p) => existsSync(path.join("app/routes", p.route))).map((p) => ({ ...p, at: p.path(places) }));

/** Both passes against one database: served as is (after a cold request and a warm-up), then with every cache off. */
async function measure(env: Record<string, string>, port: number, connections: number, duration: number, miss: { connections: number; duration: number }): Promise<{ places: Places; results: PageResult[]; warm: string }> {
  log("starting the server (page cache on)…");
  let server = await startServer(env, port);
  session = env.DATABASE_URL ? await signIn(server.url) : null;
  // The server renders England, the regions and the Data page as soon as it has started (and after
  // every commit): their first view below is then a hit. How long that took is the warm-up's cost.
  const warm = await warmedIn(server);
  log(`pages warmed: ${warm}`);
  const places = await choosePlaces(server.url);
  log(`places: ${JSON.stringify(places)}`);
  const results: PageResult[] = [];
  try {
    for (const page of pagesNow(places)) {
      // The first request after start: a hit for a warmed page, else it computes the page (a miss).
      const first = await timedGet(server.url + page.at);
      if (first.status !== 200) throw new Error(`${page.at} answered ${first.status}:\n${server.output().slice(-3000)}`);
      const alone: number[] = [];
      for (let i = 0; i < 5; i++) alone.push((await timedGet(server.url + page.at)).ms);
      load(server.url + page.at, connections, Math.min(2, duration));
      const cpuBefore = cpuMs(server.child);
      const hit = load(server.url + page.at, connections, duration);
      const cpu = (cpuMs(server.child) - cpuBefore) / Math.max(1, hit.requests);
      log(`${page.name}: first ${first.ms.toFixed(0)} ms (${first.timing ?? "no timing"}); hits p50 ${hit.p50} p95 ${hit.p95} ms, ${hit.requests} requests, ${cpu.toFixed(1)} ms of server CPU each`);
      results.push({ name: page.name, path: page.at, first: first.ms, alone: median(alone), hit, cpu, miss: null, raw: null });
    }
  } catch (error) {
    process.stderr.write(`server output:\n${server.output().slice(-3000)}\n`);
    throw error;
  } finally {
    await server.stop();
  }
  log("starting the server with every cache off (PAGE_CACHE=off)…");
  server = await startServer({ ...env, PAGE_CACHE: "off" }, port);
  session = env.DATABASE_URL ? await signIn(server.url) : null;
  try {
    for (const result of results) {
      result.miss = load(server.url + result.path, miss.connections, miss.duration);
      log(`${result.name}: misses p50 ${result.miss.p50} p95 ${result.miss.p95} ms, ${result.miss.requests} requests`);
    }
  } catch (error) {
    process.stderr.write(`server output:\n${server.output().slice(-3000)}\n`);
    throw error;
  } finally {
    await server.stop();
  }
  return { places, results, warm };
}

const BENCH_ACCOUNT = { email: "bench@example.org", password: "bench-pages-password" };

/** Signs in as the bench's national account through the sign-in form; returns the cookies to send. */
async function signIn(base: string): Promise<string> {
  const form = await fetch(`${base}/sign-in`);
  const browser = form.headers.getSetCookie().map((c) => c.split(";")[0]);
  const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())?.[1];
  if (!csrf) throw new Error("no sign-in form");
  const signedIn = await fetch(`${base}/sign-in`, {
    method: "POST",
    redirect: "manual",
    headers: { Cookie: browser.join("; "), "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrf, email: BENCH_ACCOUNT.email, password: BENCH_ACCOUNT.password, redirectTo: "/" }),
  });
  const cookie = signedIn.headers.getSetCookie().map((c) => c.split(";")[0]).find((c) => c.startsWith("capgap_session="));
  if (signedIn.status !== 302 || !cookie) throw new Error(`signing in failed: HTTP ${signedIn.status}`);
  return [...browser, cookie].join("; ");
}

/** Waits for the server's "Pages warmed" line and returns what it says (count and seconds). */
async function warmedIn(server: Server): Promise<string> {
  const started = Date.now();
  for (;;) {
    const said = /Pages warmed for the current data: (.+)\./.exec(server.output());
    if (said) return said[1];
    if (Date.now() - started > 30 * 60_000) throw new Error(`the pages were not warmed in 30 minutes:\n${server.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The pages' figures by GROUP BY over the raw ratings: median of three, all of a page's queries together. */
async function rawTimes(db: Database, places: Places, results: PageResult[]): Promise<void> {
  for (const result of results) {
    const page = PAGES.find((p) => p.name === result.name)!;
    if (!page.raw) continue;
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      for (const q of page.raw(places)) await db.query(q.text, q.params);
      runs.push(performance.now() - started);
    }
    result.raw = median(runs);
    log(`${result.name}: raw GROUP BY ${result.raw.toFixed(0)} ms`);
  }
}

function table(title: string, results: PageResult[], connections: number, duration: number, miss: { connections: number; duration: number }, warm: string): string[] {
  const ms = (v: number | null | undefined) => (v == null ? "–" : Math.round(v).toLocaleString("en-GB"));
  const ratio = (a: number | null, b: number | null) => (a == null || b == null || b === 0 ? "–" : `${(a / b).toFixed(a / b < 10 ? 1 : 0)}×`);
  const lines = [
    "",
    `${title}. Pages warmed by the server after its start: ${warm}. With the cache: ${connections} connections, ${duration} s per page after a 2 s warm-up. Misses (every cache off): ${miss.connections} connection(s), ${miss.duration} s per page. Raw GROUP BY: median of 3, one at a time. Milliseconds.`,
    "",
    "| page | first view | a hit alone | hits p50 | hits p95 | hits req/s | server CPU per hit | misses p50 | misses p95 | misses done | raw GROUP BY | raw ÷ first view | raw ÷ a hit alone | raw ÷ hits p50 |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const r of results) {
    const flags = [r.hit, r.miss].some((l) => l && (l.errors || l.timeouts || l.non200)) ? " (errors or non-200: see log)" : "";
    lines.push(
      `| ${r.name} \`${r.path}\`${flags} | ${ms(r.first)} | ${ms(r.alone)} | ${ms(r.hit.p50)} | ${ms(r.hit.p95)} | ${Math.round(r.hit.perSecond)} | ${r.cpu.toFixed(1)} | ${ms(r.miss?.p50)} | ${ms(r.miss?.p95)} | ${r.miss ? r.miss.requests : "–"} | ${ms(r.raw)} | ${ratio(r.raw, r.first)} | ${ratio(r.raw, r.alone)} | ${ratio(r.raw, r.hit.p50)} |`,
    );
  }
  return lines;
}

/** Respondents per wave giving about `ratings` ratings (measured on a sample of the generator). */
function respondentsFor(ratings: number, trusts: number): number {
  const sample = { seed: 1, trusts, respondentsPerWave: 5_000, waves: [WAVE], inputs: loadSyntheticInputs() };
  let rows = 0;
  for (const e of generateExportRows(sample)) rows += e.rows.length;
  return Math.max(trusts * 30, Math.round((ratings / rows) * 5_000));
}

const psql = (url: string, sql: string) => {
  const r = spawnSync("psql", [url, "-v", "ON_ERROR_STOP=1", "-qAtc", sql], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
};

await run(async () => {
  const { values } = args(
    {
      ratings: { type: "string" },
      duration: { type: "string" },
      "miss-duration": { type: "string" },
      "miss-connections": { type: "string" },
      connections: { type: "string" },
      targets: { type: "string" },
      url: { type: "string" },
      "demo-dir": { type: "string" },
    },
    "Usage: npm run bench:pages -- [--ratings 10000000] [--duration 10] [--connections 16] [--miss-duration 20] [--miss-connections 1] [--targets postgres,pglite] [--url postgres://…/postgres] [--demo-dir DIR]",
  );
  const admin = values.url ?? process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const ratings = Number(values.ratings ?? 10_000_000);
  const duration = Number(values.duration ?? 10);
  const connections = Number(values.connections ?? 16);
  // A miss costs seconds at national scale, and 16 of them at once share two cores: by default
  // misses are measured one at a time, for long enough that a few finish.
  const miss = { connections: Number(values["miss-connections"] ?? 1), duration: Number(values["miss-duration"] ?? Math.max(duration, 20)) };
  const targets = (values.targets ?? "postgres,pglite").split(",");
  const port = 3700 + Math.floor(Math.random() * 200);
  const work = mkdtempSync(path.join(os.tmpdir(), "capgap-bench-pages-"));
  const cpu = os.cpus();
  const out = [
    `Machine: ${cpu.length} × ${cpu[0].model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} at start.`,
  ];

  try {
    log("building the app (production)…");
    const build = spawnSync(process.execPath, ["node_modules/@remix-run/dev/dist/cli.js", "vite:build"], { stdio: ["ignore", "ignore", "inherit"] });
    if (build.status !== 0) throw new Error("the build failed");

    if (targets.includes("postgres")) {
      const name = `capgap_bench_pages_${process.pid}`;
      psql(admin, `drop database if exists ${name}`);
      psql(admin, `create database ${name}`);
      const url = admin.replace(/\/[^/]*$/, `/${name}`);
      try {
        const db = await openDatabase({ url });
        await prepareDatabase(db, { migrateInProduction: true });
        log(`writing the national wave (about ${ratings.toLocaleString("en-GB")} ratings)…`);
        const exports = path.join(work, "national");
        writeExports(exports, { seed: 1, trusts: 202, respondentsPerWave: respondentsFor(ratings, 202), waves: [WAVE], inputs: loadSyntheticInputs() }, PLAIN_SHAPE);
        log("ingesting it (npm run ingest)…");
        const started = performance.now();
        const ingest = spawnSync(
          process.execPath,
          [...INGEST_NODE_FLAGS, "--import", "tsx", "scripts/ingest.ts", path.join(exports, WAVE.label), "--wave", WAVE.label, "--synthetic"],
          { encoding: "utf8", env: { ...process.env, ...INGEST_ENV, PSEUDONYM_KEY: KEY, DATABASE_URL: url }, maxBuffer: 1 << 28 },
        );
        if (ingest.status !== 0) throw new Error(`the ingest failed:\n${ingest.stderr.slice(-3000)}`);
        await importHeadcount(db, headcountFile(exports, WAVE.label), WAVE.label);
        // PostgreSQL needs an account (no local demo mode): a national one, as the national team would use.
        await addUser(db, { email: BENCH_ACCOUNT.email, role: "national", password: BENCH_ACCOUNT.password }, { command: "bench:pages" });
        const [{ n }] = await db.query<{ n: number }>("select count(*)::int as n from ratings");
        log(`loaded ${n.toLocaleString("en-GB")} ratings in ${((performance.now() - started) / 1000).toFixed(0)} s`);
        rmSync(exports, { recursive: true, force: true });
        await db.close();

        const { places, results, warm } = await measure({ DATABASE_URL: url }, port, connections, duration, miss);
        const again = await openDatabase({ url });
        await rawTimes(again, places, results);
        await again.close();
        out.push(...table(`PostgreSQL, national wave (${n.toLocaleString("en-GB")} ratings, 202 trusts, with headcount)`, results, connections, duration, miss, warm));
      } finally {
        psql(admin, `drop database if exists ${name}`);
      }
    }

    if (targets.includes("pglite")) {
      // The embedded database as `npm start` makes it: the first start loads the demo.
      const dataDir = values["demo-dir"] ?? path.join(work, "demo");
      log(`the embedded demo in ${dataDir} (the first start loads it: a few minutes)…`);
      // The production server migrates nothing (NODE_ENV=production): set the database up first, as `npm run db:migrate` would.
      mkdirSync(dataDir, { recursive: true });
      const setup = await openDatabase({ dataDir: path.join(dataDir, "pglite") });
      await prepareDatabase(setup, { migrateInProduction: true });
      await setup.close();
      const { places, results, warm } = await measure({ DATA_DIR: dataDir }, port, connections, duration, miss);
      const db = await openDatabase({ dataDir: path.join(dataDir, "pglite") });
      const [{ n }] = await db.query<{ n: number }>("select count(*)::int as n from ratings");
      await rawTimes(db, places, results);
      await db.close();
      out.push(...table(`PGlite, the embedded demo (${n.toLocaleString("en-GB")} ratings over two waves; pages show the later one)`, results, connections, duration, miss, warm));
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  out.push("", `Load average at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}.`);
  console.log(out.join("\n"));
});
