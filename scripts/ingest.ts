// npm run ingest -- <files or folders> --wave <label> [options]; or --inbox <dir> --wave <label>
import { pseudonymKey } from "../ingest/pseudonym";
import { expandInputs, isMarkedSynthetic } from "../ingest/files";
import { runInbox } from "../ingest/inbox";
import { DEFAULT_LIMITS, type FileOutcome, ingestFiles, type IngestOptions, type Limits } from "../ingest/ingest";
import { loadProfile } from "../ingest/profile";
import { outcomeRecord, ProgressBar } from "../ingest/progress";
import { ProblemReport } from "../ingest/report";
import { recordIngest } from "../db/access/audit";
import { args, run, UsageError, withDatabase } from "./cli";

const USAGE = `Usage: npm run ingest -- <file or folder> … --wave <label> [options]
       npm run ingest -- --inbox <folder> --wave <label> [options]

Loads trust exports (docs/formats.md): CSV in UTF-8, Windows-1252 or UTF-16, comma, semicolon or tab
separated, or Arrow IPC; long or wide layout. Each file is all-or-nothing: any invalid row rejects it.

  --wave <label>        the assessment wave, e.g. 2026-summer (required)
  --profile <name>      a mapping profile: ingest/profiles/<name>.json, or the path of your own .json
  --layout <layout>     long, wide or arrow (default: detected from the file)
  --framework <version> framework version of a new wave (default: the bundled one)
  --synthetic           mark the data as synthetic (made-up test data)
  --dry-run             validate and report; load and record nothing
  --report <file.csv>   write every problem (file, row, column, problem), not only the first 20 per file
  --inbox <folder>      load every settled file in the folder, moving each to loaded/ or rejected/
                        (with <name>.problems.csv beside it); one run at a time, safe from cron
  --max-file-mb <n>     refuse larger files (default ${DEFAULT_LIMITS.maxFileBytes / 1024 ** 2}, or INGEST_MAX_FILE_MB)
  --max-rows <n>        refuse files with more data rows (default ${DEFAULT_LIMITS.maxRows}, or INGEST_MAX_ROWS)
  --json                one JSON line per file on stdout even on a terminal (the default when stdout is not one)
  --wait <seconds>      wait this long for another process using the embedded database

Exit code 0 when every file loaded (or was already loaded), 1 when any file was rejected,
2 for usage or configuration errors.`;

await run(async () => {
  const { values, positionals } = args(
    {
      wave: { type: "string" },
      framework: { type: "string" },
      profile: { type: "string" },
      layout: { type: "string" },
      synthetic: { type: "boolean" },
      "dry-run": { type: "boolean" },
      report: { type: "string" },
      inbox: { type: "string" },
      "max-file-mb": { type: "string" },
      "max-rows": { type: "string" },
      json: { type: "boolean" },
      wait: { type: "string" },
    },
    USAGE,
    true,
  );
  if (values.help) return void console.log(USAGE);
  if (!values.wave) throw new UsageError(`--wave is required.\n\n${USAGE}`);
  if (values.inbox && positionals.length) throw new UsageError(`--inbox takes its files from the folder; name no other files.\n\n${USAGE}`);
  if (values.inbox && (values["dry-run"] || values.report)) throw new UsageError("--inbox loads files; it cannot be combined with --dry-run or --report.");
  if (!values.inbox && positionals.length === 0) throw new UsageError(`Name at least one file or folder.\n\n${USAGE}`);
  const layout = values.layout ?? null;
  if (layout !== null && layout !== "long" && layout !== "wide" && layout !== "arrow") {
    throw new UsageError(`--layout ${layout}: expected long, wide or arrow`);
  }
  const limits: Limits = {
    maxFileBytes: positiveNumber("--max-file-mb", values["max-file-mb"] ?? process.env.INGEST_MAX_FILE_MB, DEFAULT_LIMITS.maxFileBytes / 1024 ** 2) * 1024 ** 2,
    maxRows: positiveNumber("--max-rows", values["max-rows"] ?? process.env.INGEST_MAX_ROWS, DEFAULT_LIMITS.maxRows),
  };
  const profile = values.profile ? loadProfile(values.profile) : undefined;
  const key = pseudonymKey();

  const json = values.json || !process.stdout.isTTY;
  const bar = process.stderr.isTTY ? new ProgressBar(process.stderr) : null;
  const options: IngestOptions = {
    waveLabel: values.wave,
    frameworkVersion: values.framework,
    synthetic: (file) => Boolean(values.synthetic) || isMarkedSynthetic(file),
    key,
    profile,
    layout,
    limits,
    log: (line) => {
      bar?.clear();
      process.stderr.write(`${line}\n`);
    },
    onProgress: bar ? (p) => bar.update(p) : undefined,
    onOutcome: json ? (o) => process.stdout.write(`${JSON.stringify(outcomeRecord(o))}\n`) : undefined,
  };

  if (values.inbox) {
    const inbox = values.inbox;
    const result = await withDatabase(values.wait, ({ db }) => runInbox(db, inbox, options));
    if (result.busy) {
      process.stderr.write(`Another inbox run is working on ${inbox}; nothing done.\n`);
      return 0;
    }
    for (const m of result.moved) process.stderr.write(`${m.file} → ${m.to}${m.report ? ` (problems: ${m.report})` : ""}\n`);
    if (result.waiting.length) process.stderr.write(`${result.waiting.length} file(s) still being written; left for the next run.\n`);
    return summarise(result.outcomes, false);
  }

  const files = expandInputs(positionals);
  const report = values.report ? new ProblemReport(values.report) : null;
  const outcomes = await withDatabase(values.wait, async ({ db }) => {
    const outcomes = await ingestFiles(db, files, { ...options, dryRun: values["dry-run"], onProblem: report ? (p) => report.add(p) : undefined });
    // The web app records its own loads with the administrator's account (INGEST_AUDIT=off for its child).
    if (!values["dry-run"] && process.env.INGEST_AUDIT !== "off") await recordIngest(db, { command: "ingest" }, options.waveLabel ?? null, outcomes);
    return outcomes;
  }).finally(() => report?.close());
  if (report) process.stderr.write(`Problems written to ${values.report}.\n`);
  return summarise(outcomes, Boolean(values["dry-run"]));
});

function summarise(outcomes: FileOutcome[], dryRun: boolean): number {
  const count = (status: string) => outcomes.filter((o) => o.status === status).length;
  const rejected = count("rejected");
  process.stderr.write(
    dryRun
      ? `Dry run: ${count("valid")} valid, ${count("already-loaded")} already loaded, ${rejected} rejected; nothing was loaded.\n`
      : `${count("loaded")} loaded, ${count("already-loaded")} already loaded, ${rejected} rejected.\n`,
  );
  return rejected > 0 ? 1 : 0;
}

function positiveNumber(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} ${value}: expected a positive number`);
  return n;
}
