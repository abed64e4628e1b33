// PGlite takes no lock on its data folder, and two processes writing one folder corrupt it.
// This pid file gives the folder a single owner: a dead owner's lock is taken over, a live one
// is waited for and then reported.
import { existsSync, linkSync, mkdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export class LockBusyError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `The embedded database ${dataDir} is in use by process ${pid} (${describeProcess(pid)}). Only one ` +
        "process may use it at a time: stop that process (for example the running `npm start`) and try again, " +
        "wait longer with --wait <seconds>, or use PostgreSQL by setting DATABASE_URL.",
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

/** Creates the lock file with our pid, complete or not at all (write aside, then link). */
function create(lockFile: string): boolean {
  const pending = `${lockFile}.${process.pid}.tmp`;
  writeFileSync(pending, String(process.pid));
  try {
    linkSync(pending, lockFile);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return false;
  } finally {
    rmSync(pending, { force: true });
  }
}

/** The lock file's content, or null when it is gone. */
function contentOf(lockFile: string): string | null {
  try {
    return readFileSync(lockFile, "utf8");
  } catch {
    return null;
  }
}

/** The pid in the lock file; 0 when it holds no pid (a stale file we did not write). */
function holderOf(lockFile: string): number | null {
  const content = contentOf(lockFile);
  if (content === null) return null;
  const pid = Number(content.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : 0;
}

/**
 * Takes over a dead holder's lock. A `.takeover` folder (mkdir is atomic) makes sure only one
 * process replaces it, so two processes finding the same dead holder cannot both win.
 */
function takeOver(lockFile: string, staleContent: string): boolean {
  const mutex = `${lockFile}.takeover`;
  try {
    mkdirSync(mutex);
  } catch {
    // Another process is taking over; a mutex left by a crash expires after 10 s.
    if (Date.now() - statSync(mutex, { throwIfNoEntry: false })!.mtimeMs > 10_000) rmdirSync(mutex);
    return false;
  }
  try {
    if (contentOf(lockFile) === staleContent) rmSync(lockFile, { force: true });
    return create(lockFile);
  } finally {
    rmdirSync(mutex);
  }
}

/** Returns null once we hold the lock, or the pid of the live process that does. */
function tryTake(lockFile: string): number | null {
  if (create(lockFile)) return null;
  const content = contentOf(lockFile);
  if (content === null) return -1; // released in the meantime: try again
  const holder = holderOf(lockFile);
  if (holder === process.pid) throw new Error(`${lockFile} is already held by this process`);
  if (holder && alive(holder)) return holder;
  // A dead holder, or a file holding no pid: stale.
  return takeOver(lockFile, content) ? null : -1;
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
    if (Date.now() >= deadline && holder > 0) throw new LockBusyError(dataDir, holder);
    if (!announced && holder > 0) {
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
      if (existsSync(lockFile) && holderOf(lockFile) === process.pid) rmSync(lockFile, { force: true });
    },
  };
}
