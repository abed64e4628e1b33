// npm run bench:queries [-- --trusts 60 --respondents 10000 --targets pglite,postgres]
// Loads one demo-sized wave through the real ingest on each database (against a bulk COPY of the
// same rows into a bare table, in the same run), then times the gaps query against a direct SQL
// computation from the ratings. Prints a Markdown table for docs/benchmarks.md.
import { spawnSync } from "node:child_process";
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { clearGapCache, queryGaps } from "../db/analytics/gaps";
import { NATIONAL } from "../db/analytics/scope";
import { openDatabase } from "../db/client";
import { prepareDatabase } from "../db/setup";
import { clearPriorityCache, queryPriorities } from "../db/analytics/priorities";
import { headcountFile, writeExports } from "../ingest/demo";
import { importHeadcount } from "../ingest/headcount";
import { ingestFiles } from "../ingest/ingest";
import { defaultWaves } from "../ingest/synthetic/generate";
import { loadSyntheticInputs } from "../ingest/synthetic/inputs";
import { args, run } from "./cli";

const BASELINE_COLUMNS = ["respondent_id", "organisation_code", "staff_group", "archetype", "assessed_on", "capability_code", "rating", "band"];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const seconds = (ms: number) => (ms / 1000).toFixed(2);

await run(async () => {
  const { values } = args(
    { trusts: { type: "string" }, respondents: { type: "string" }, targets: { type: "string" }, url: { type: "string" } },
    "Usage: npm run bench:queries -- [--trusts N] [--respondents M] [--targets pglite,postgres] [--url postgres://…/postgres]",
  );
  const url = values.url ?? process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const targets = (values.targets ?? "pglite,postgres").split(",");
  const dir = mkdtempSync(path.join(os.tmpdir(), "capgap-bench-"));
  const [wave] = defaultWaves(1);
  const files = writeExports(dir, {
    seed: 1,
    trusts: Number(values.trusts ?? 60),
    respondentsPerWave: Number(values.respondents ?? 10_000),
    waves: [wave],
    inputs: loadSyntheticInputs(),
  }).get(wave.label)!;
  // The same rows as one file for the baseline (headers dropped; band column padded).
  const all = path.join(dir, "all.csv");
  writeFileSync(all, files.flatMap((f) => readFileSync(f, "utf8").trimEnd().split("\n").slice(1).map((l) => (l.split(",").length === 7 ? `${l},` : l))).join("\n") + "\n");
  const rows = readFileSync(all, "utf8").split("\n").length - 1;
  const lines = [`Rows: ${rows.toLocaleString("en-GB")} in ${files.length} files (${wave.label}); machine: ${os.cpus().length} × ${os.cpus()[0].model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`, "", "| case | seconds | rows/s |", "|---|---|---|"];
  const row = (name: string, ms: number) => {
    process.stderr.write(`${name}: ${seconds(ms)} s\n`);
    lines.push(`| ${name} | ${seconds(ms)} | ${Math.round(rows / (ms / 1000)).toLocaleString("en-GB")} |`);
  };

  const name = `capgap_bench_${process.pid}`;
  const admin = (sql: string) => spawnSync("psql", [url, "-qAtc", sql], { encoding: "utf8" });
  if (targets.includes("postgres")) {
    admin(`drop database if exists ${name}`);
    admin(`create database ${name}`);
    const dbUrl = url.replace(/\/[^/]*$/, `/${name}`);
    spawnSync("psql", [dbUrl, "-qc", "create table baseline (respondent_id text, organisation_code text, staff_group text, archetype text, assessed_on date, capability_code text, rating smallint, band text)"]);
    let t = performance.now();
    const copy = spawnSync("psql", [dbUrl, "-qc", `\\copy baseline from '${all}' csv`], { encoding: "utf8" });
    if (copy.status !== 0) throw new Error(copy.stderr);
    row("baseline: psql \\copy into a bare table (PostgreSQL)", performance.now() - t);
    const db = await openDatabase({ url: dbUrl });
    await prepareDatabase(db);
    t = performance.now();
    await ingestFiles(db, files, { waveLabel: wave.label, key: Buffer.alloc(32, 1), log: () => {} });
    row("ingest: validate, pseudonymise, stage, load, rollups (PostgreSQL)", performance.now() - t);
    await importHeadcount(db, headcountFile(dir, wave.label), wave.label);
    lines.push(...(await queryTimes(db, "PostgreSQL")));
    await db.close();
    admin(`drop database ${name}`);
  }
  if (targets.includes("pglite")) {
    const db = await openDatabase({ dataDir: path.join(dir, "pglite") });
    await prepareDatabase(db);
    await db.exec("create table baseline (respondent_id text, organisation_code text, staff_group text, archetype text, assessed_on date, capability_code text, rating smallint, band text)");
    let t = performance.now();
    await db.copyCsv("baseline", BASELINE_COLUMNS, createReadStream(all, "utf8"));
    row("baseline: COPY of the raw file into a bare table (PGlite)", performance.now() - t);
    t = performance.now();
    await ingestFiles(db, files, { waveLabel: wave.label, key: Buffer.alloc(32, 1), log: () => {} });
    row("ingest: validate, pseudonymise, stage, load, rollups (PGlite, on disk)", performance.now() - t);
    await importHeadcount(db, headcountFile(dir, wave.label), wave.label);
    lines.push(...(await queryTimes(db, "PGlite")));
    await db.close();
  }
  rmSync(dir, { recursive: true, force: true });
  console.log(lines.join("\n"));
});

async function queryTimes(db: Awaited<ReturnType<typeof openDatabase>>, label: string): Promise<string[]> {
  const time = async (fn: () => Promise<unknown>) => {
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) {
      clearGapCache();
      clearPriorityCache();
      const t = performance.now();
      await fn();
      runs.push(performance.now() - t);
    }
    return median(runs);
  };
  const out: string[] = ["", `| query on ${label} (median of 5) | ms |`, "|---|---|"];
  for (const by of [["region", "domain"], ["organisation", "staff_group", "domain"], ["capability"]]) {
    out.push(`| gaps by ${by.join(" × ")} (rollups) | ${(await time(() => queryGaps(db, NATIONAL, { by }))).toFixed(0)} |`);
  }
  for (const by of [["region", "domain"], ["staff_group", "capability"]]) {
    out.push(`| gaps by ${by.join(" × ")}, weighted to headcount | ${(await time(() => queryGaps(db, NATIONAL, { by, weighted: true }))).toFixed(0)} |`);
  }
  out.push(`| commissioning priorities, England | ${(await time(() => queryPriorities(db, NATIONAL, {}))).toFixed(0)} |`);
  const direct = `select m.region_code, c.domain_code, count(distinct r.id), count(*), count(*) filter (where rt.rating >= 3)
    from respondents r join waves w on w.id = r.wave_id join ratings rt on rt.respondent_id = r.id
    join capabilities c on c.id = rt.capability_id join organisation_memberships m on m.organisation_code = r.organisation_code
      and w.reference_date between m.valid_from and coalesce(m.valid_to, 'infinity'::date)
    where strpos(c.archetypes, r.archetype_code) > 0 group by 1, 2`;
  out.push(`| baseline: region × domain directly from ratings | ${(await time(() => db.query(direct))).toFixed(0)} |`);
  return out;
}
