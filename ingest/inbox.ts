// A batch inbox for scheduled pipelines: every file dropped into a folder is loaded, then moved to
// loaded/ or rejected/ (with its problems as CSV beside it). One run at a time; safe from cron.
import { existsSync, mkdirSync, readdirSync, renameSync, statSync } from "node:fs";
import path from "node:path";
import type { Database } from "../db/client";
import { LockBusyError, lockDataDir } from "../db/lock";
import type { Problem } from "../db/problems";
import { type FileOutcome, type IngestOptions, ingestFiles } from "./ingest";
import { ProblemReport } from "./report";

/** A file younger than this may still be being written: it waits for the next run. */
export const SETTLE_SECONDS = 10;

export interface InboxResult {
  /** Another run holds the inbox: nothing was done. */
  busy: boolean;
  outcomes: FileOutcome[];
  /** Files left for a later run because they were still changing. */
  waiting: string[];
  moved: { file: string; to: string; report?: string }[];
}

/** The files an inbox run takes: plain files at the top of the folder, not hidden, settled. */
export function inboxFiles(dir: string, now = Date.now(), settleSeconds = SETTLE_SECONDS): { ready: string[]; waiting: string[] } {
  const ready: string[] = [];
  const waiting: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith(".")) continue;
    const file = path.join(dir, name);
    const stat = statSync(file);
    if (!stat.isFile()) continue;
    (now - stat.mtimeMs >= settleSeconds * 1000 ? ready : waiting).push(file);
  }
  return { ready, waiting };
}

/** `name` in `dir`, or name-2, name-3 … when taken: a re-sent file never overwrites an earlier one. */
export function freeName(dir: string, name: string): string {
  const ext = path.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let n = 1; ; n++) {
    const candidate = path.join(dir, n === 1 ? name : `${stem}-${n}${ext}`);
    if (!existsSync(candidate) && !existsSync(`${candidate}.problems.csv`)) return candidate;
  }
}

export async function runInbox(
  db: Database,
  dir: string,
  options: Omit<IngestOptions, "onProblem" | "dryRun">,
  settleSeconds = SETTLE_SECONDS,
): Promise<InboxResult> {
  let lock;
  try {
    lock = await lockDataDir(path.join(dir, ".inbox"), 0);
  } catch (error) {
    if (error instanceof LockBusyError) return { busy: true, outcomes: [], waiting: [], moved: [] };
    throw error;
  }
  try {
    const { ready, waiting } = inboxFiles(dir, Date.now(), settleSeconds);
    const result: InboxResult = { busy: false, outcomes: [], waiting, moved: [] };
    if (ready.length === 0) return result;
    const loadedDir = path.join(dir, "loaded");
    const rejectedDir = path.join(dir, "rejected");
    mkdirSync(loadedDir, { recursive: true });
    mkdirSync(rejectedDir, { recursive: true });
    // Each rejected file's problems stream to a report beside where the file will go.
    const targets = new Map(ready.map((f) => [path.basename(f), freeName(rejectedDir, path.basename(f))]));
    const reports = new Map<string, ProblemReport>();
    const onProblem = (p: Problem) => {
      let report = reports.get(p.file);
      if (!report) {
        report = new ProblemReport(`${targets.get(p.file)}.problems.csv`);
        reports.set(p.file, report);
      }
      report.add(p);
    };
    try {
      result.outcomes = await ingestFiles(db, ready, { ...options, onProblem });
    } finally {
      for (const report of reports.values()) report.close();
    }
    for (const o of result.outcomes) {
      const name = path.basename(o.file);
      if (o.status === "rejected") {
        const to = targets.get(name)!;
        renameSync(o.file, to);
        result.moved.push({ file: name, to, report: reports.has(name) ? `${to}.problems.csv` : undefined });
      } else {
        const to = freeName(loadedDir, name);
        renameSync(o.file, to);
        result.moved.push({ file: name, to });
      }
    }
    return result;
  } finally {
    lock.release();
  }
}
