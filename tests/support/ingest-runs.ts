// Ingest runs as child processes that a test can watch and kill: a large generated export, the
// child's output and exit, polling for a condition, and the full state of every table a load touches.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { expect } from "vitest";
import { queryCells } from "../../db/analytics/gaps";
import { NATIONAL } from "../../db/analytics/scope";
import type { Sql } from "../../db/client";
import { plainCsv } from "../../ingest/synthetic/shapes";
import { generateExportRows, type SyntheticWave } from "../../ingest/synthetic/generate";
import { loadSyntheticInputs } from "../../ingest/synthetic/inputs";
import { directCells } from "./direct";
import { TEST_KEY } from "./fixture";

/** One organisation's export for one wave, `respondents` people × about 87 capabilities each. */
export function writeExport(dir: string, organisation: string, wave: SyntheticWave, respondents: number, seed: number): { file: string; rows: number } {
  const inputs = loadSyntheticInputs();
  const [exp] = [
    ...generateExportRows({
      seed,
      trusts: 1,
      respondentsPerWave: respondents,
      waves: [wave],
      inputs: { ...inputs, organisations: inputs.organisations.filter((o) => o.code === organisation) },
    }),
  ];
  const file = path.join(dir, `${organisation}.csv`);
  writeFileSync(file, plainCsv(exp));
  return { file, rows: exp.rows.length };
}

export interface Child {
  pid: number;
  process: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  /** The outcome of each file so far: the JSON lines the CLI writes to stdout when it is not a terminal. */
  outcomes(): { name: string; status: string; message: string; sha256: string }[];
  /** Resolves on exit with the exit code (null when killed by a signal). */
  exit: Promise<number | null>;
  /** Date.now() at exit, once exited. */
  exitedAt: number | null;
}

/** Starts `scripts/<name>.ts` with tsx, in a clean copy of this process's environment plus `env`. */
export function startScript(name: string, args: string[], env: Record<string, string>): Child {
  const { DATABASE_URL: _d, DATA_DIR: _a, NODE_ENV: _n, ...rest } = process.env;
  const child = spawn(process.execPath, ["--import", "tsx", `scripts/${name}.ts`, ...args], {
    env: { ...(rest as NodeJS.ProcessEnv), PSEUDONYM_KEY: TEST_KEY.toString("hex"), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let stdout = "";
  child.stdout!.on("data", (d) => {
    output += d;
    stdout += d;
  });
  child.stderr!.on("data", (d) => (output += d));
  const handle: Child = {
    pid: child.pid!,
    process: child,
    output: () => output,
    outcomes: () => stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l)),
    exitedAt: null,
    exit: once(child, "exit").then(([code]) => {
      handle.exitedAt = Date.now();
      return code as number | null;
    }),
  };
  return handle;
}

/** SIGKILL: no handler runs, nothing is closed or released. Resolves once the process is gone. */
export async function killHard(child: Child): Promise<void> {
  child.process.kill("SIGKILL");
  expectKilled(await child.exit, child);
}

function expectKilled(code: number | null, child: Child) {
  if (code !== null) throw new Error(`process ${child.pid} exited ${code} before it was killed:\n${child.output()}`);
}

/**
 * Polls `probe` until it returns a value other than undefined/false. Fails when `timeoutMs` passes or
 * when one of `children` exits first (the moment to observe has then been missed).
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  options: { timeoutMs?: number; intervalMs?: number; children?: Child[] } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    const gone = options.children?.find((c) => c.exitedAt !== null);
    if (gone) throw new Error(`waiting for ${what}: process ${gone.pid} exited first:\n${gone.output()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(options.intervalMs ?? 20);
  }
}

const LOADED_TABLES = [
  "waves", "batches", "submissions", "submission_months", "respondents", "ratings", "rollups", "capability_rollups", "attainment_rollups",
  "crosswalk_rollups", "ingest_attempts",
];

/**
 * Every row of every table an ingest writes (count, and a sum of 64-bit hashes of each row's full
 * text: order-independent, so no sort), and the staging tables of any session in the database.
 */
export async function tableState(db: Sql): Promise<Record<string, number | string>> {
  const parts = LOADED_TABLES.map(
    (t) => `(select count(*) from ${t})::int as ${t}, (select coalesce(sum(hashtextextended(x::text, 0)), 0)::text from ${t} x) as ${t}_hash`,
  );
  const [state] = await db.query<Record<string, number | string>>(
    `select ${parts.join(", ")}, (select count(*) from pg_class where relname like 'ingest\\_stage\\_%')::int as staging_tables`,
  );
  return state;
}

export interface Backend {
  pid: number;
  /** application_name: set per child with PGAPPNAME. */
  app: string;
  query: string;
  /** Rows a running COPY has processed so far (pg_stat_progress_copy). */
  copied: number | null;
  /** Whether it holds the advisory lock ingest/load.ts takes for `waveLabel` (inside the load transaction). */
  wave_lock: boolean;
  /** Whether it is waiting for that lock. */
  wave_lock_wait: boolean;
}

/** PostgreSQL: every other backend of this database that is running a statement now. */
export function activeBackends(db: Sql, waveLabel: string): Promise<Backend[]> {
  return db.query<Backend>(
    `select a.pid, a.application_name as app, a.query,
       (select p.tuples_processed from pg_stat_progress_copy p where p.pid = a.pid) as copied,
       exists (select 1 from pg_locks l where l.pid = a.pid and l.locktype = 'advisory' and l.granted
               and l.objsubid = 2 and l.objid = hashtext($1)::oid) as wave_lock,
       exists (select 1 from pg_locks l where l.pid = a.pid and l.locktype = 'advisory' and not l.granted
               and l.objsubid = 2 and l.objid = hashtext($1)::oid) as wave_lock_wait
     from pg_stat_activity a
     where a.datname = current_database() and a.pid <> pg_backend_pid() and a.state = 'active'`,
    [waveLabel],
  );
}

/** Every organisation × domain cell of the gaps query (rollups) equals the cell computed from the ratings. */
export async function expectGapsMatchRatings(db: Sql, waveLabel: string): Promise<void> {
  const { cells } = await queryCells(db, NATIONAL, { by: ["organisation", "domain"], filters: { wave: waveLabel } });
  const direct = await directCells(db, "r.organisation_code || '/' || c.domain_code", waveLabel);
  expect(cells.length).toBe(direct.size);
  expect(cells.length).toBeGreaterThan(0);
  for (const row of cells) {
    const cell = direct.get(`${row.organisation}/${row.domain}`);
    expect({ respondents: row.respondents, required: row.required, met: row.met }).toEqual({
      respondents: cell?.respondents,
      required: cell?.required,
      met: cell?.met,
    });
  }
}
