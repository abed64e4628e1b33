// What an operator sees while files load: a progress bar on a terminal; otherwise (cron, CI) one
// JSON line per file with the same summary. Progress lives in memory only.
import path from "node:path";
import type { FileOutcome } from "./ingest";

export interface Progress {
  file: string;
  bytes: number;
  size: number;
  rows: number;
  /** Milliseconds since this file started. */
  elapsedMs: number;
}

function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/** One line: file, bar, bytes, rows, rows/s and ETA (by bytes). Pure. */
export function formatProgress(p: Progress, width = 24): string {
  const share = p.size > 0 ? Math.min(1, p.bytes / p.size) : 0;
  const filled = Math.round(share * width);
  const seconds = p.elapsedMs / 1000;
  const rate = seconds > 0 ? Math.round(p.rows / seconds) : 0;
  // Too early for a rate, the ETA would be noise.
  const eta = share > 0 && share < 1 && seconds >= 1 ? duration((seconds / share) * (1 - share)) : "–";
  const mb = (b: number) => (b / 1024 ** 2).toFixed(1);
  return (
    `${path.basename(p.file)} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${Math.floor(share * 100)}% ` +
    `${mb(p.bytes)}/${mb(p.size)} MB, ${p.rows.toLocaleString("en-GB")} rows, ${rate.toLocaleString("en-GB")} rows/s, ETA ${eta}`
  );
}

/** The JSON line for a file (stdout when it is not a terminal). Documented in docs/formats.md. */
export function outcomeRecord(o: FileOutcome) {
  return {
    file: o.file,
    name: path.basename(o.file),
    sha256: o.sha256,
    status: o.status,
    message: o.message,
    layout: o.layout,
    format: o.format,
    rows: o.rows,
    ratings: o.ratings,
    respondents: o.respondents,
    organisations: o.organisations,
    superseded: o.superseded ?? [],
    problemCount: o.problemCount,
    problems: o.problems.map(({ row, column, message }) => ({ row: row ?? null, column: column ?? null, message })),
    seconds: Math.round(o.seconds * 1000) / 1000,
    rowsPerSecond: o.seconds > 0 ? Math.round(o.rows / o.seconds) : 0,
    bytes: o.bytes,
  };
}

/** Redraws one status line on a terminal, at most ten times a second; clear() before other output. */
export class ProgressBar {
  private shown = false;
  private last = 0;
  private started = new Map<string, number>();

  constructor(private readonly stream: NodeJS.WriteStream) {}

  update(p: Omit<Progress, "elapsedMs">): void {
    const now = Date.now();
    if (!this.started.has(p.file)) this.started.set(p.file, now);
    if (now - this.last < 100) return;
    this.last = now;
    const line = formatProgress({ ...p, elapsedMs: now - this.started.get(p.file)! });
    this.stream.write(`\r${line.slice(0, (this.stream.columns || 100) - 1)}\x1b[K`);
    this.shown = true;
  }

  clear(): void {
    if (this.shown) this.stream.write("\r\x1b[K");
    this.shown = false;
  }
}
