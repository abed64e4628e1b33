// npm run bench:ingest [-- --ratings 10000000 --single 1000000 --pglite-ratings 1000000 --url postgres://…/postgres]
// National-scale ingest throughput against `psql \copy` of the same normalised rows, measured in
// the same run (docs/benchmarks.md). Every ingest runs as its own process, as an operator would
// run it, under GNU time for wall time and peak RSS. Prints a Markdown table.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "../db/client";
import { prepareDatabase } from "../db/setup";
import { writeExports } from "../ingest/demo";
import { INGEST_ENV, INGEST_NODE_FLAGS } from "../ingest/ingest";
import { defaultWaves, generateExportRows } from "../ingest/synthetic/generate";
import { loadSyntheticInputs } from "../ingest/synthetic/inputs";
import { PLAIN_SHAPE } from "../ingest/synthetic/shapes";
import { args, run } from "./cli";

const KEY = "ab".repeat(32);
const [WAVE] = defaultWaves(1);

interface Timed {
  seconds: number;
  rssMb: number;
}

/** Runs a command under GNU time: wall seconds and peak RSS of the largest process. */
function timed(command: string[], env: Record<string, string> = {}): Timed {
  const result = spawnSync("/usr/bin/time", ["-f", "TIME %e %M", ...command], {
    encoding: "utf8",
    env: { ...process.env, ...env },
    maxBuffer: 1 << 28,
  });
  const line = result.stderr.split("\n").reverse().find((l) => l.startsWith("TIME "));
  if (result.status !== 0 || !line) throw new Error(`${command.join(" ")} failed (${result.status}):\n${result.stderr.slice(-3000)}`);
  const [, seconds, kb] = line.split(" ");
  return { seconds: Number(seconds), rssMb: Math.round(Number(kb) / 1024) };
}

const ingest = (dir: string, env: Record<string, string>) =>
  timed([process.execPath, ...INGEST_NODE_FLAGS, "--import", "tsx", "scripts/ingest.ts", dir, "--wave", WAVE.label, "--synthetic"], { PSEUDONYM_KEY: KEY, ...INGEST_ENV, ...env });

const psql = (url: string, sql: string) => {
  const r = spawnSync("psql", [url, "-v", "ON_ERROR_STOP=1", "-qAtc", sql], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
};

/** Respondents per wave giving about `ratings` ratings (measured on a small sample of the generator). */
function respondentsFor(ratings: number, trusts: number): number {
  const sample = { seed: 1, trusts, respondentsPerWave: 5_000, waves: [WAVE], inputs: loadSyntheticInputs() };
  let rows = 0;
  for (const e of generateExportRows(sample)) rows += e.rows.length;
  return Math.max(trusts * 30, Math.round((ratings / rows) * 5_000));
}

function write(dir: string, ratings: number, trusts: number, layout: "long" | "wide"): string {
  const options = { seed: 1, trusts, respondentsPerWave: respondentsFor(ratings, trusts), waves: [WAVE], inputs: loadSyntheticInputs() };
  writeExports(dir, options, { ...PLAIN_SHAPE, layout });
  return path.join(dir, WAVE.label);
}

async function freshPostgres(admin: string, name: string): Promise<string> {
  psql(admin, `drop database if exists ${name}`);
  psql(admin, `create database ${name}`);
  const url = admin.replace(/\/[^/]*$/, `/${name}`);
  const db = await openDatabase({ url });
  await prepareDatabase(db, { migrateInProduction: true });
  await db.close();
  return url;
}

await run(async () => {
  const { values } = args(
    { ratings: { type: "string" }, single: { type: "string" }, "pglite-ratings": { type: "string" }, url: { type: "string" } },
    "Usage: npm run bench:ingest -- [--ratings N] [--single N] [--pglite-ratings N] [--url postgres://…/postgres]",
  );
  const admin = values.url ?? process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const ratings = Number(values.ratings ?? 10_000_000);
  const single = Number(values.single ?? 1_000_000);
  const pgliteRatings = Number(values["pglite-ratings"] ?? 1_000_000);
  const work = mkdtempSync(path.join(os.tmpdir(), "capgap-bench-ingest-"));
  const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
  const out: string[] = [];
  const cpu = os.cpus();
  out.push(`Machine: ${cpu.length} × ${cpu[0].model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} at start.`, "");
  out.push("| case | ratings | seconds | ratings/s | vs baseline | peak RSS |", "|---|---|---|---|---|---|");
  const rowOf = (name: string, n: number, t: Timed, baseline?: number) => {
    const rate = n / t.seconds;
    out.push(`| ${name} | ${n.toLocaleString("en-GB")} | ${t.seconds.toFixed(1)} | ${Math.round(rate).toLocaleString("en-GB")} | ${baseline ? `${(rate / baseline).toFixed(2)}×` : "–"} | ${t.rssMb} MB |`);
    log(`${name}: ${t.seconds.toFixed(1)} s, ${Math.round(rate)} ratings/s, ${t.rssMb} MB`);
    return rate;
  };
  const count = async (url: string) => Number(psql(url, "select count(*) from ratings"));

  try {
    // National wave, PostgreSQL, one file per trust: long and wide. The baseline runs after each
    // (the machines here drift by tens of per cent within minutes): ratios are against their mean.
    const names: string[] = [];
    const rows = path.join(work, "ratings.csv");
    const baselines: Timed[] = [];
    const national: { layout: string; files: number; t: Timed }[] = [];
    let n = 0;
    for (const layout of ["long", "wide"] as const) {
      log(`writing the national wave (${layout})…`);
      const dir = write(path.join(work, layout), ratings, 202, layout);
      const name = `capgap_bench_${process.pid}_${layout}`;
      names.push(name);
      const url = await freshPostgres(admin, name);
      const files = readdirSync(dir).length;
      log(`ingesting ${files} ${layout} files on PostgreSQL…`);
      national.push({ layout, files, t: ingest(dir, { DATABASE_URL: url }) });
      n = await count(url);
      // The baseline: the same normalised rows into a copy of the ratings table with its indexes.
      if (layout === "long") psql(url, `\\copy (select respondent_id, capability_id, rating from ratings) to '${rows}' csv`);
      psql(url, "create table ratings_baseline (like ratings including all)");
      baselines.push(timed(["psql", url, "-qc", `\\copy ratings_baseline from '${rows}' csv`]));
      log(`baseline after the ${layout} ingest: ${baselines.at(-1)!.seconds.toFixed(1)} s`);
      rmSync(path.join(work, layout), { recursive: true, force: true });
    }
    rmSync(rows);
    const baseline: Timed = {
      seconds: baselines.reduce((sum, b) => sum + b.seconds, 0) / baselines.length,
      rssMb: Math.max(...baselines.map((b) => b.rssMb)),
    };
    const baselineRate = rowOf(
      `baseline: \`psql \\copy\` into a copy of \`ratings\` (same primary key), mean of ${baselines.map((b) => `${b.seconds.toFixed(1)} s`).join(" and ")}`,
      n,
      baseline,
    );
    for (const { layout, files, t } of national) rowOf(`ingest, ${layout} layout, ${files} files (PostgreSQL)`, n, t, baselineRate);

    // Peak RSS against file size: one trust's file at two sizes.
    for (const size of [single, single * 4]) {
      const dir = write(path.join(work, `single-${size}`), size, 1, "long");
      const name = `capgap_bench_${process.pid}_single`;
      const url = await freshPostgres(admin, name);
      const t = ingest(dir, { DATABASE_URL: url });
      const [file] = readdirSync(dir);
      rowOf(`ingest, one file of ${(readFileSync(path.join(dir, file)).length / 2 ** 20).toFixed(0)} MB (PostgreSQL)`, await count(url), t, baselineRate);
      psql(admin, `drop database ${name}`);
      rmSync(path.join(work, `single-${size}`), { recursive: true, force: true });
    }

    // PGlite: the database lives in the ingest process, so its RSS is the database's too.
    for (const size of [pgliteRatings / 2, pgliteRatings]) {
      const dir = write(path.join(work, `pglite-${size}`), size, 60, "long");
      const dataDir = path.join(work, `pglite-${size}-data`);
      const t = ingest(dir, { DATA_DIR: dataDir });
      const db = await openDatabase({ dataDir: path.join(dataDir, "pglite") });
      const [{ n }] = await db.query<{ n: number }>("select count(*)::int as n from ratings");
      await db.close();
      rowOf(`ingest, long layout, 60 files (PGlite, on disk)`, n, t);
      rmSync(path.join(work, `pglite-${size}`), { recursive: true, force: true });
      rmSync(dataDir, { recursive: true, force: true });
    }
    for (const name of names) psql(admin, `drop database if exists ${name}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  console.log(out.join("\n"));
});
