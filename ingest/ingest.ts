// The ingest of one run: check each file's size and content hash, find which organisations each
// holds (files of the run sharing one are all refused), then read → validate → stage each file and
// load it in its own transaction — loading one file on a second connection while the next is read
// (decision 013). Rejected attempts are recorded in ingest_attempts only.
import { statSync } from "node:fs";
import path from "node:path";
import type { Database, Session, Sql } from "../db/client";
import { BUNDLED_FRAMEWORK_VERSION } from "../db/framework";
import { SetupError } from "../db/migrate";
import { formatProblems, InputError, type Problem } from "../db/problems";
import type { Layout } from "./layouts/header";
import { alreadyLoaded } from "./load";
import { type Loader, loaderOnSession, loaderOnWorker } from "./loader";
import { NO_PROFILE, type Profile } from "./profile";
import { fingerprintFile } from "./read";
import type { TextScan } from "./decode";
import { clashes, type PrescanOptions } from "./prescan";
import { dropStage, PROBLEM_LIMIT, type StagedFile, stageFile } from "./stage";
import { loadVocabulary, type Vocabulary } from "./vocabulary";
import { checkWaveLabel, findWave } from "./waves";
import { refreshStatistics } from "../db/statistics";

export interface IngestOptions {
  waveLabel: string;
  /** Framework version of a new wave (default: the bundled one); must match an existing wave's. */
  frameworkVersion?: string;
  synthetic?: boolean | ((file: string) => boolean);
  key: Buffer;
  log?: (line: string) => void;
  today?: string;
  /** Validate and report only: nothing is loaded and nothing is recorded. */
  dryRun?: boolean;
  /** Receives every problem of every rejected file, not only the first 20 (--report). */
  onProblem?: (problem: Problem) => void;
  /** Receives each file's outcome as soon as it is known (JSON lines, the ingest page). */
  onOutcome?: (outcome: FileOutcome) => void;
  /** Mapping profile for the source system's export (--profile); none by default. */
  profile?: Profile;
  /** --layout: long or wide forces the header reading; arrow forces Arrow IPC. */
  layout?: Layout | "arrow" | null;
  limits?: Limits;
  /** Progress of the file being read, for a progress bar. */
  onProgress?: (progress: { file: string; bytes: number; size: number; rows: number }) => void;
}

/** Refuse files beyond these before reading them whole (defaults in DEFAULT_LIMITS). */
export interface Limits {
  maxFileBytes: number;
  maxRows: number;
}

export const DEFAULT_LIMITS: Limits = { maxFileBytes: 2 * 1024 ** 3, maxRows: 50_000_000 };

/**
 * How an ingest process is started (`npm run ingest` and the ingest page's child; mirrored in
 * package.json). The live heap stays under 80 MB however large the file (measured), but V8 lets
 * garbage pile up to several hundred MB on a large machine before collecting, and glibc gives each
 * thread (reading, loading, libuv's pool, V8's helpers) its own malloc arena; the heap cap and two
 * arenas keep peak RSS under 300 MB with the loading thread (docs/benchmarks.md).
 */
export const INGEST_NODE_FLAGS = ["--max-old-space-size=192"];
export const INGEST_ENV = { MALLOC_ARENA_MAX: "2" };

export interface FileOutcome {
  file: string;
  sha256: string;
  status: "loaded" | "already-loaded" | "rejected" | "valid";
  message: string;
  problems: Problem[];
  problemCount: number;
  /** Data rows read from the file. */
  rows: number;
  /** Ratings loaded (long layout: one per row; wide: one per answered capability). */
  ratings: number;
  respondents: number;
  organisations: string[];
  seconds: number;
  bytes: number;
  /** How the file was read, e.g. "CSV, Windows-1252, semicolon-separated"; "" when not read. */
  format: string;
  layout: Layout | null;
  /** Loaded: the earlier files whose submissions it replaced. */
  superseded?: string[];
}

export async function ingestFiles(db: Database, files: string[], options: IngestOptions): Promise<FileOutcome[]> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  checkWaveLabel(options.waveLabel);
  const existing = await findWave(db, options.waveLabel);
  const frameworkVersion = existing?.frameworkVersion ?? options.frameworkVersion ?? BUNDLED_FRAMEWORK_VERSION;
  const vocab = await loadVocabulary(db, frameworkVersion);
  if (!vocab) {
    throw new SetupError(
      `Framework version ${frameworkVersion} is not imported. Import it first with \`npm run framework:import\`, ` +
        "or leave out --framework to use the bundled version.",
    );
  }
  const frameworkClash =
    existing && options.frameworkVersion && options.frameworkVersion !== existing.frameworkVersion
      ? `wave ${existing.label} uses framework ${existing.frameworkVersion}, not ${options.frameworkVersion}; a wave has exactly one framework version`
      : null;
  const isSynthetic = (file: string) =>
    typeof options.synthetic === "function" ? options.synthetic(file) : Boolean(options.synthetic);

  const outcomes = await withSession(db, (session) => ingestInSession(db, session, files, { options, vocab, frameworkClash, isSynthetic, log }));
  if (outcomes.some((o) => o.status === "loaded")) await refreshStatistics(db);
  return outcomes;
}

/** A session with memory for the set-wise checks and SQL rollups (halves their time on PGlite), handed back as it was. */
function withSession<T>(db: Database, fn: (session: Session) => Promise<T>): Promise<T> {
  return db.session(async (session) => {
    await session.exec("set work_mem = '64MB'");
    try {
      return await fn(session);
    } finally {
      await session.exec("reset work_mem");
    }
  });
}

/** What every file of a run shares. */
interface Run {
  options: IngestOptions;
  vocab: Vocabulary;
  /** Why every file is refused (another framework than the wave's), or null. */
  frameworkClash: string | null;
  isSynthetic: (file: string) => boolean;
  log: (line: string) => void;
}

async function ingestInSession(db: Database, session: Session, files: string[], run: Run): Promise<FileOutcome[]> {
  const { options, vocab, frameworkClash, isSynthetic, log } = run;
  const outcomes: FileOutcome[] = [];
  // Each file's outcome is recorded and printed as soon as it is known.
  const finish = async (o: FileOutcome, problemsReported = false) => {
    outcomes.push(o);
    if (!problemsReported) for (const p of o.problems) options.onProblem?.(p);
    if (o.status === "rejected" && !options.dryRun) await recordAttempt(session, o, options.waveLabel);
    log(summaryLine(o));
    if (o.status === "rejected") log(formatProblems(o.problems, o.problemCount, PROBLEM_LIMIT));
    options.onOutcome?.(o);
  };
  const limits = options.limits ?? DEFAULT_LIMITS;
  const profile = options.profile ?? NO_PROFILE;
  const layout = options.layout === "arrow" ? null : options.layout;
  const format = options.layout === "arrow" ? ("arrow" as const) : undefined;

  // Loads run on a loading thread while the reading goes on (PostgreSQL, several files), up to its
  // lanes at once. PGlite's database lives on this thread: there, files load one after another,
  // each after it is read.
  const loader = db.url && files.length > 1 && !options.dryRun ? loaderOnWorker(db.url) : loaderOnSession(session);
  const prescan: PrescanOptions = { profile, layout, format, capabilities: vocab.capabilities, frameworkVersion: vocab.frameworkVersion };
  // One file per organisation × wave per run: files sharing an organisation are all refused, which
  // is known before any file loads, from each file's organisation column alone. A loading thread
  // reads them for every file within the size limit from the start, while this thread checks and
  // stages; here they are read for the candidates once known.
  const withinLimit = (f: string) => {
    try {
      return statSync(f).size <= limits.maxFileBytes;
    } catch {
      return false; // reported by the checks below
    }
  };
  const early = loader.lanes > 1 ? loader.organisationsOf(files.filter(withinLimit), prescan) : null;
  early?.catch(() => {}); // awaited below, or not needed

  // Checks that need no reading of rows: size, framework, content already loaded.
  const check = async (): Promise<Candidate[]> => {
    const candidates: Candidate[] = [];
    for (const file of files) {
      const startedAt = Date.now();
      const bytes = statSync(file).size;
      let sha256 = "";
      const done = (status: FileOutcome["status"], message: string, problems: Problem[] = []) =>
        finish({ file, sha256, status, message, problems, problemCount: problems.length, rows: 0, ratings: 0, respondents: 0, organisations: [], seconds: (Date.now() - startedAt) / 1000, bytes, format: "", layout: null });
      if (bytes > limits.maxFileBytes) {
        await done("rejected", "rejected", [{ file: path.basename(file), message: `is ${megabytes(bytes)}; the limit is ${megabytes(limits.maxFileBytes)} (INGEST_MAX_FILE_MB or --max-file-mb): split the export by organisation, or raise the limit` }]);
        continue;
      }
      const fingerprint = await fingerprintFile(file);
      sha256 = fingerprint.sha256;
      if (frameworkClash) {
        await done("rejected", "rejected", [{ file: path.basename(file), message: frameworkClash }]);
        continue;
      }
      try {
        const again = await alreadyLoaded(session, sha256, options.waveLabel);
        if (again) {
          await done("already-loaded", again);
          continue;
        }
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        await done("rejected", "rejected", [{ file: path.basename(file), message: error.message }]);
        continue;
      }
      candidates.push({ file, sha256, startedAt, bytes, scan: fingerprint.scan });
    }
    return candidates;
  };

  const queue: Promise<void>[] = [];
  // The first load that failed other than by refusing its file (e.g. the database went away).
  const failed: { error?: unknown } = {};
  const lanes = new Lanes(loader.lanes);
  const load = (s: Staged) => {
    const done = lanes
      .run(async () => {
        if ("error" in failed) return;
        await finish(await loadOne(loader, s, options, vocab.frameworkId, isSynthetic(s.file)));
      })
      .catch((error: unknown) => {
        if (!("error" in failed)) failed.error = error;
      })
      .finally(() => {
        dropStage(s.stage);
        queue.splice(queue.indexOf(done), 1);
      });
    queue.push(done);
  };
  try {
    const candidates = await check();
    // Only candidates can clash (a file already loaded is not loaded again); settled before the first load.
    const clashing =
      candidates.length > 1
        ? (early ?? loader.organisationsOf(candidates.map((c) => c.file), prescan)).then((found) =>
            clashes(new Map(candidates.map((c) => [c.file, found.get(c.file) ?? new Set<string>()]))),
          )
        : Promise.resolve(new Map<string, Map<string, string[]>>());
    clashing.catch(() => {}); // awaited in the loop below
    for (const c of candidates) {
      c.startedAt = Date.now(); // the file's seconds: reading, then loading
      const stage = await stageFile(session, c.file, vocab, options.key, {
        today: options.today,
        onProblem: options.onProblem,
        profile,
        layout,
        format,
        maxRows: limits.maxRows,
        scan: c.scan,
        onProgress: options.onProgress && ((p) => options.onProgress!({ file: c.file, ...p })),
      });
      const s: Staged = { ...c, stage };
      const clash = await clashing.then(
        (found) => found.get(c.file),
        (error: unknown) => {
          dropStage(stage);
          throw error;
        },
      );
      const refused = stage.problemCount > 0 || clash !== undefined;
      if (refused || options.dryRun) {
        try {
          if (refused) {
            const problems = [...stage.problems, ...clashProblems(s, clash)].slice(0, PROBLEM_LIMIT);
            for (const p of clashProblems(s, clash)) options.onProblem?.(p);
            await finish({ ...rejected(s, problems), problemCount: stage.problemCount + (clash?.size ?? 0) }, true);
          } else await finish(validated(s));
        } finally {
          dropStage(stage);
        }
        continue;
      }
      while (queue.length > loader.lanes) await Promise.race(queue);
      if ("error" in failed) {
        dropStage(stage);
        break;
      }
      load(s);
    }
    // Reading is done (the progress bar's part); what is left runs in the database.
    if (queue.length && !("error" in failed)) log(`Checked; loading ${queue.length === 1 ? "the last file" : `the last ${queue.length} files`} into the database…`);
  } finally {
    await Promise.all(queue);
    await loader.close();
  }
  if ("error" in failed) throw failed.error;
  // Report in the order the files were given.
  return files.map((f) => outcomes.find((o) => o.file === f)!);
}

/** The problems of a file sharing organisations with other files of the run. */
function clashProblems(s: Staged, clash: Map<string, string[]> | undefined): Problem[] {
  if (!clash) return [];
  return [...clash].map(([org, others]) => ({
    file: path.basename(s.file),
    row: s.stage.organisations.get(org)?.firstRow,
    column: "organisation_code",
    message: `organisation ${org} is also in ${others.map((f) => path.basename(f)).join(", ")} in this run; load one file per organisation and wave, so none of them was loaded`,
  }));
}

type Candidate = { file: string; sha256: string; startedAt: number; bytes: number; scan: TextScan };

/** Runs tasks with at most `size` at a time, in the order they were given. */
class Lanes {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly size: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next(); // the lane passes straight to the next task
      else this.running--;
    }
  }
}
type Staged = Candidate & { stage: StagedFile };

function megabytes(bytes: number): string {
  if (bytes < 1024 ** 2) return `${Math.round(bytes / 1024).toLocaleString("en-GB")} KB`;
  return `${(bytes / 1024 ** 2).toLocaleString("en-GB", { maximumFractionDigits: 1 })} MB`;
}

/** A dry run's outcome for a file that passed every check made before loading. */
function validated(s: Staged): FileOutcome {
  return {
    ...rejected(s, []),
    status: "valid",
    message: "valid (dry run: nothing loaded)",
  };
}

function rejected(s: Staged, problems: Problem[]): FileOutcome {
  return {
    file: s.file,
    sha256: s.sha256,
    status: "rejected",
    message: "rejected",
    problems,
    problemCount: problems.length,
    rows: s.stage.rows,
    ratings: s.stage.ratingCount,
    respondents: 0,
    organisations: [...s.stage.organisations.keys()],
    seconds: (Date.now() - s.startedAt) / 1000,
    bytes: s.bytes,
    format: s.stage.format,
    layout: s.stage.layout,
  };
}

async function loadOne(
  loader: Loader,
  s: Staged,
  options: IngestOptions,
  frameworkId: number,
  synthetic: boolean,
): Promise<FileOutcome> {
  try {
    const result = await loader.load({ staged: s.stage, sha256: s.sha256, waveLabel: options.waveLabel, frameworkId, synthetic, startedAt: s.startedAt, profile: options.profile?.name || null });
    const base = rejected(s, []);
    if (result.kind === "already-loaded") {
      return { ...base, status: "already-loaded", message: result.message, rows: 0, ratings: 0, organisations: [] };
    }
    return {
      ...base,
      status: "loaded",
      message: result.replaced ? `loaded, replacing ${result.replaced} earlier submission(s)` : "loaded",
      respondents: result.respondents,
      organisations: result.organisations,
      superseded: result.superseded,
    };
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const problems = error.problems.length ? error.problems : [{ file: path.basename(s.file), message: error.message }];
    return rejected(s, problems);
  }
}

async function recordAttempt(sql: Sql, o: FileOutcome, waveLabel: string) {
  await sql.query(
    `insert into ingest_attempts (file_name, sha256, wave_label, problem_count, problems) values ($1, $2, $3, $4, $5::jsonb)`,
    [
      path.basename(o.file),
      o.sha256,
      waveLabel,
      o.problemCount,
      JSON.stringify(o.problems.map(({ row, column, message }) => ({ row, column, message }))),
    ],
  );
}

export function summaryLine(o: FileOutcome): string {
  const name = path.basename(o.file);
  if (o.status === "valid") {
    return `${name}: ${o.message} — ${o.rows.toLocaleString("en-GB")} rows, ${o.organisations.join(", ")}`;
  }
  if (o.status !== "loaded") {
    return o.status === "rejected"
      ? `${name}: REJECTED (${o.problemCount} problem${o.problemCount === 1 ? "" : "s"}); nothing from this file was loaded`
      : `${name}: ${o.message}`;
  }
  const rate = o.seconds > 0 ? Math.round(o.rows / o.seconds) : o.rows;
  const ratings = o.ratings !== o.rows ? `, ${o.ratings.toLocaleString("en-GB")} ratings` : "";
  return (
    `${name}: ${o.message} — ${o.rows.toLocaleString("en-GB")} rows${ratings}, ${o.respondents.toLocaleString("en-GB")} respondents, ` +
    `${o.organisations.join(", ")}, ${o.seconds.toFixed(1)} s (${rate.toLocaleString("en-GB")} rows/s)`
  );
}
