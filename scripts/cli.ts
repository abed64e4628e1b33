// Shared plumbing for the command-line entry points: argument parsing, opening the database,
// and turning errors into exit codes (1: a file or input was rejected; 2: usage or configuration).
import { parseArgs, type ParseArgsConfig } from "node:util";
import { QueryError } from "../db/analytics/dimensions";
import { LockBusyError } from "../db/lock";
import { SetupError } from "../db/migrate";
import { InputError } from "../db/problems";
import { openPreparedDatabase, type OpenedDatabase } from "../db/setup";

export class UsageError extends Error {}

export function args<T extends ParseArgsConfig["options"]>(options: T, usage: string, allowPositionals = false) {
  try {
    return parseArgs({ options: { ...options, help: { type: "boolean" } }, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${usage}`);
  }
}

export function waitSeconds(value: string | undefined): number {
  if (value === undefined) return 30;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--wait ${value}: expected a number of seconds`);
  return n;
}

/** Opens and prepares the database, runs `main`, closes it; maps errors to exit codes. */
export async function run(main: () => Promise<number | void>): Promise<void> {
  let code = 0;
  try {
    code = (await main()) ?? 0;
  } catch (error) {
    code = exitCodeFor(error);
    process.stderr.write(`${code === 1 ? "" : "Error: "}${(error as Error).message}\n`);
    if (code === 3) process.stderr.write(`${(error as Error).stack}\n`);
  }
  process.exitCode = code === 3 ? 1 : code;
}

function exitCodeFor(error: unknown): number {
  if (error instanceof InputError) return 1;
  if (error instanceof UsageError || error instanceof SetupError || error instanceof LockBusyError || error instanceof QueryError) return 2;
  return 3;
}

/** Commands connect as the owner of the tables (DATABASE_OWNER_URL when set; decision 026). */
export async function withDatabase<T>(wait: string | undefined, fn: (opened: OpenedDatabase) => Promise<T>): Promise<T> {
  const opened = await openPreparedDatabase({ as: "owner", waitSeconds: waitSeconds(wait) });
  try {
    return await fn(opened);
  } finally {
    await opened.close();
  }
}
