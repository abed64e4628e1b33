// PGlite takes no lock on its data folder, and two processes writing one folder corrupt it.
// This pid file gives the folder a single owner: a dead owner's lock is taken over, a live one
// is waited for and then reported.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export class LockBusyError extends Error {
  constructor(
    readonly lockFile: string,
    readonly pid: number,
  ) {
    super(
      `The embedded database ${path.dirname(lockFile)} is in use by process ${pid} ` +
        `(${describeProcess(pid)}). Only one process may use it at a time: stop that process ` +
        "(for example the running `npm start`) and try again, wait longer with --wait <seconds>, " +
        "or use PostgreSQL by setting DATABASE_URL.",
    );
  }
}

export interface DataDirLock {
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function describeProcess(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).slice(0, 4).join(" ");
  } catch {
    return "command unknown";
  }
}

function tryTake(lockFile: string): number | null {
  try {
    writeFileSync(lockFile, String(process.pid), { flag: "wx" });
    return null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const holder = Number(readFileSync(lockFile, "utf8").trim());
  if (holder === process.pid) return null;
  if (Number.isInteger(holder) && holder > 0 && alive(holder)) return holder;
  // A dead (or unreadable) holder: take the lock over. Remove-then-create keeps the race narrow,
  // and the `wx` retry means only one of two racing processes wins.
  rmSync(lockFile, { force: true });
  return tryTake(lockFile);
}

/** Takes the data folder's lock, waiting up to `waitSeconds` for a live holder to finish. */
export async function lockDataDir(dataDir: string, waitSeconds = 30): Promise<DataDirLock> {
  mkdirSync(dataDir, { recursive: true });
  const lockFile = path.join(path.dirname(dataDir), `${path.basename(dataDir)}.lock`);
  const deadline = Date.now() + waitSeconds * 1000;
  let announced = false;
  for (;;) {
    const holder = tryTake(lockFile);
    if (holder === null) break;
    if (Date.now() >= deadline) throw new LockBusyError(lockFile, holder);
    if (!announced) {
      process.stderr.write(`Waiting up to ${waitSeconds}s for process ${holder} to release ${dataDir}…\n`);
      announced = true;
    }
    await sleep(250);
  }
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      if (existsSync(lockFile) && readFileSync(lockFile, "utf8").trim() === String(process.pid)) {
        rmSync(lockFile, { force: true });
      }
    },
  };
}
