// Running the ingest for the ingest page: the dry run always in this process; the load in this
// process on the embedded database (the server is its only writer, and the pipeline awaits between
// batches of rows, so other requests are served meanwhile) and in a child process on PostgreSQL
// (a large load then costs the web server neither CPU nor memory). One run at a time per server:
// on PGlite the whole database is one session, and its staging tables are named per run.
import { spawn } from "node:child_process";
import path from "node:path";
import type { Database, Env } from "~db/client";
import { ingestFiles, type FileOutcome } from "~ingest/ingest";
import { pseudonymKey } from "~ingest/pseudonym";
import { INGEST_ENV, INGEST_NODE_FLAGS } from "~ingest/ingest";

export type FileStatus = FileOutcome["status"];

/** One file's outcome, as the page shows it (from either path). */
export interface FileResult {
  name: string;
  status: FileStatus;
  message: string;
  rows: number;
  respondents: number;
  organisations: string[];
  /** Earlier files whose submissions a loaded file replaced. */
  superseded: string[];
  problemCount: number;
  problems: { row?: number | null; column?: string | null; message: string }[];
  bytes: number;
  /** How the file was read, e.g. "CSV, UTF-8, comma-separated"; "" when it was not. */
  format: string;
}

export interface RunFile {
  /** Absolute path on disk. */
  path: string;
  name: string;
  bytes: number;
}

export interface RunRequest {
  files: RunFile[];
  waveLabel: string;
  synthetic: boolean;
  env: Env;
}

const QUEUE = Symbol.for("capability-gap-analytics.ingest-queue");
type Holder = { [QUEUE]?: Promise<unknown> };

/** Runs `work` after every run already queued in this process has finished. */
export function exclusive<T>(work: () => Promise<T>): Promise<T> {
  const holder = globalThis as Holder;
  const run = (holder[QUEUE] ?? Promise.resolve()).then(work, work);
  holder[QUEUE] = run.catch(() => undefined);
  return run;
}

function fromOutcome(o: FileOutcome, file: RunFile): FileResult {
  return {
    name: file.name,
    status: o.status,
    message: o.message,
    rows: o.rows,
    respondents: o.respondents,
    organisations: o.organisations,
    superseded: o.superseded ?? [],
    problemCount: o.problemCount,
    problems: o.problems.map(({ row, column, message }) => ({ row, column, message })),
    bytes: file.bytes,
    format: o.format ?? "",
  };
}

function serverLog(line: string): void {
  process.stderr.write(`${line.replace(/^/gm, "ingest page: ")}\n`);
}

/** Validates every file and reports what a load would do; loads and records nothing. */
export async function dryRun(db: Database, request: RunRequest): Promise<FileResult[]> {
  const outcomes = await ingestFiles(
    db,
    request.files.map((f) => f.path),
    { waveLabel: request.waveLabel, synthetic: request.synthetic, key: pseudonymKey(request.env), dryRun: true, log: () => {} },
  );
  return outcomes.map((o, i) => fromOutcome(o, request.files[i]));
}

/** Loads the files in this process (the embedded database). */
export async function loadInProcess(db: Database, request: RunRequest): Promise<FileResult[]> {
  const outcomes = await ingestFiles(
    db,
    request.files.map((f) => f.path),
    { waveLabel: request.waveLabel, synthetic: request.synthetic, key: pseudonymKey(request.env), log: serverLog },
  );
  return outcomes.map((o, i) => fromOutcome(o, request.files[i]));
}

/** The load could not run at all (not a rejected file: those are results). */
export class RunFailedError extends Error {}

/** The JSON line `npm run ingest` prints per file when its output is not a terminal. */
interface ChildLine {
  file: string;
  name?: string;
  status: FileStatus;
  message?: string;
  rows?: number;
  respondents?: number;
  organisations?: string[];
  superseded?: string[];
  problemCount?: number;
  problems?: { row?: number | null; column?: string | null; message: string }[];
  bytes?: number;
  format?: string;
}

/** The per-file results in a child's standard output, by the file path it was given. */
export function parseChildOutput(stdout: string): Map<string, ChildLine> {
  const lines = new Map<string, ChildLine>();
  for (const text of stdout.split("\n")) {
    if (!text.trim().startsWith("{")) continue;
    try {
      const line = JSON.parse(text) as ChildLine;
      if (typeof line.file === "string" && typeof line.status === "string") lines.set(line.file, line);
    } catch {
      // Not one of the outcome lines.
    }
  }
  return lines;
}

/**
 * Loads the files with `npm run ingest` in a child process (PostgreSQL): same environment as the
 * server was started with, one JSON line per file on its standard output, exit code 0 (all loaded
 * or already loaded) or 1 (some rejected); anything else means the run itself failed.
 */
export async function loadInChild(request: RunRequest, script = path.resolve("scripts/ingest.ts")): Promise<FileResult[]> {
  const args = [...INGEST_NODE_FLAGS, "--import", "tsx", script, ...request.files.map((f) => f.path), "--wave", request.waveLabel];
  if (request.synthetic) args.push("--synthetic");
  const child = spawn(process.execPath, args, { env: { ...INGEST_ENV, ...request.env } as unknown as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
    if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (status) => resolve(status));
  });
  if (stderr.trim()) serverLog(stderr.trimEnd());
  const lines = parseChildOutput(stdout);
  const missing = request.files.filter((f) => !lines.has(f.path));
  if ((code !== 0 && code !== 1) || missing.length) {
    const reason = stderr.trim().split("\n").find((l) => l.startsWith("Error:"))?.slice("Error:".length).trim();
    throw new RunFailedError(
      `The load did not finish (exit code ${code ?? "none"})${reason ? `: ${reason}` : ""}. ` +
        "Files whose result is not shown may or may not have loaded: see the ingest history.",
    );
  }
  return request.files.map((f) => {
    const l = lines.get(f.path)!;
    return {
      name: l.name ?? f.name,
      status: l.status,
      message: l.message ?? l.status,
      rows: l.rows ?? 0,
      respondents: l.respondents ?? 0,
      organisations: l.organisations ?? [],
      superseded: l.superseded ?? [],
      problemCount: l.problemCount ?? l.problems?.length ?? 0,
      problems: (l.problems ?? []).map(({ row, column, message }) => ({ row, column, message })),
      bytes: l.bytes ?? f.bytes,
      format: l.format ?? "",
    };
  });
}
