// The data folder's pid-file lock (db/lock.ts), in a temporary folder.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LockBusyError, lockDataDir } from "../../../db/lock";

let root: string;
let dataDir: string;
let lockFile: string;
const children: ChildProcess[] = [];

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), "capgap-lock-"));
  dataDir = path.join(root, "pglite");
  lockFile = path.join(root, "pglite.lock");
});

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  rmSync(root, { recursive: true, force: true });
});

/** A process that has started and exited: its pid is (almost certainly) not in use. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise<void>((resolve, reject) => {
    child.once("exit", () => resolve());
    child.once("error", reject);
  });
  return child.pid!;
}

/** A live process that is not us. */
async function livePid(): Promise<number> {
  const child = spawn("sleep", ["30"], { stdio: "ignore" });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.once("spawn", () => resolve());
    child.once("error", reject);
  });
  return child.pid!;
}

describe("lockDataDir", () => {
  it("creates the data folder and <dir>.lock beside it, holding our pid", async () => {
    const lock = await lockDataDir(dataDir, 0);
    expect(existsSync(dataDir)).toBe(true);
    expect(readFileSync(lockFile, "utf8")).toBe(String(process.pid));
    lock.release();
  });

  it("removes the lock file on release, and a second release is harmless", async () => {
    const lock = await lockDataDir(dataDir, 0);
    lock.release();
    expect(existsSync(lockFile)).toBe(false);
    lock.release();
    expect(existsSync(lockFile)).toBe(false);
  });

  it("takes over a lock held by a dead process", async () => {
    const pid = await deadPid();
    writeFileSync(lockFile, String(pid));
    const lock = await lockDataDir(dataDir, 0);
    expect(readFileSync(lockFile, "utf8")).toBe(String(process.pid));
    lock.release();
  });

  it("takes over a lock file that does not hold a pid", async () => {
    writeFileSync(lockFile, "not a pid\n");
    const lock = await lockDataDir(dataDir, 0);
    expect(readFileSync(lockFile, "utf8")).toBe(String(process.pid));
    lock.release();
  });

  it("refuses a lock held by a live process after waiting, naming the pid and what to do", async () => {
    const pid = await livePid();
    writeFileSync(lockFile, `${pid}\n`);
    const started = Date.now();
    const error = await lockDataDir(dataDir, 0.5).then(
      () => null,
      (e: unknown) => e,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(error).toBeInstanceOf(LockBusyError);
    const busy = error as LockBusyError;
    expect(busy.pid).toBe(pid);
    expect(busy.dataDir).toBe(dataDir);
    expect(busy.message).toContain(`in use by process ${pid}`);
    expect(busy.message).toContain("sleep 30"); // the holder's command line, read from /proc
    expect(busy.message).toContain("stop that process");
    expect(busy.message).toContain("--wait <seconds>");
    expect(busy.message).toContain("DATABASE_URL");
    // The holder's lock is left alone.
    expect(readFileSync(lockFile, "utf8").trim()).toBe(String(pid));
  });

  it("gets the lock once a live holder lets go within the wait", async () => {
    const pid = await livePid();
    writeFileSync(lockFile, String(pid));
    setTimeout(() => rmSync(lockFile, { force: true }), 300);
    const lock = await lockDataDir(dataDir, 5);
    expect(readFileSync(lockFile, "utf8")).toBe(String(process.pid));
    lock.release();
  });

  // lock.ts:14 names path.dirname(lockFile), which is the folder that holds the data folder
  // (here the temporary root), not the data folder itself.
  it("names the data folder in the busy message", async () => {
    const pid = await livePid();
    writeFileSync(lockFile, String(pid));
    const error = await lockDataDir(dataDir, 0).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockBusyError);
    expect((error as Error).message).toContain(`The embedded database ${dataDir} is in use`);
  });

  it("refuses a second lock in the same process: a process opens the data folder once", async () => {
    const first = await lockDataDir(dataDir, 0);
    await expect(lockDataDir(dataDir, 0)).rejects.toThrow("already held by this process");
    expect(readFileSync(lockFile, "utf8")).toBe(String(process.pid));
    first.release();
    expect(existsSync(lockFile)).toBe(false);
  });

  it("does not remove a lock file that now belongs to another process", async () => {
    const lock = await lockDataDir(dataDir, 0);
    const pid = await livePid();
    writeFileSync(lockFile, String(pid));
    lock.release();
    expect(readFileSync(lockFile, "utf8")).toBe(String(pid));
  });
});
