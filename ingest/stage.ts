// Stage one file: read it in whatever layout and encoding it comes, check each row, pseudonymise
// respondent ids, and write the clean rows to scratch files (ingest/spill.ts) — ratings as fixed
// records, respondents once each, and the file's rollups, built on the way
// (ingest/rollup-builder.ts). Memory holds one entry per respondent of the file, never the ratings,
// and nothing here writes to the database: the load copies the scratch files straight into the
// assessment tables (decision 013).
import path from "node:path";
import type { Session } from "../db/client";
import { type DataQualityCounts, emptyDataQuality, tallyRespondent } from "../db/analytics/data-quality";
import type { Problem } from "../db/problems";
import { type Layout, type LayoutPlan, mapHeader } from "./layouts/header";
import { ColumnScreen } from "./pii";
import { RollupBuilder } from "./rollup-builder";
import type { Profile } from "./profile";
import { pseudonymise } from "./pseudonym";
import type { TextScan } from "./decode";
import { type CsvRecord, describeFormat, openTable, SourceError } from "./read";
import { capabilityOf, RatingSpill, Spill, type SpillHandle } from "./spill";
import { type Respondent, validateCapability, validateRating, validateRespondent } from "./validate";
import type { Vocabulary } from "./vocabulary";
import type { WaveDates } from "./waves";

/** Problems kept in full; beyond this only counted. */
export const PROBLEM_LIMIT = 20;

export interface StagedFile {
  file: string;
  /** Every valid rating of the file: row, respondent (its number in the file, from 1), capability, rating. */
  ratings: RatingSpill;
  /**
   * The file's respondents in number order, a CSV line each (RESPONDENT_SPILL_COLUMNS): line i is
   * respondent i + 1. Written only for a file without problems.
   */
  respondentLines: Spill;
  /** The file's rollups as CSV lines (ROLLUP_SPILL_COLUMNS); null when they must be built in SQL at load (respondents' rows not together, or too many cells). */
  rollupLines: Spill | null;
  /** Its capability rollups likewise (CAPABILITY_ROLLUP_SPILL_COLUMNS), null with rollupLines. */
  capabilityRollupLines: Spill | null;
  /** Its attained levels likewise (ATTAINMENT_ROLLUP_SPILL_COLUMNS), null with rollupLines. */
  attainmentRollupLines: Spill | null;
  /** Assessment dates of the file's respondents, for the wave's window and reference date. */
  dates: WaveDates;
  respondents: number;
  /** Data rows read (records, not counting the header). */
  rows: number;
  /** Ratings staged: one per row in the long layout, one per answered capability in the wide. */
  ratingCount: number;
  problems: Problem[];
  problemCount: number;
  /**
   * Per organisation in the file: its first row (for messages), rating and respondent counts,
   * respondents per assessment month, and its data quality (filled with the respondents' lines).
   */
  organisations: Map<string, { firstRow: number; rows: number; respondents: number; months: Map<string, number>; quality: DataQualityCounts }>;
  layout: Layout | null;
  format: string;
}

export interface StageOptions {
  today?: string;
  onProblem?: (p: Problem) => void;
  profile: Profile;
  /** --layout long|wide; null to use the profile's or detect it. */
  layout?: Layout | null;
  /** --layout arrow: read as Arrow IPC whatever the file looks like. */
  format?: "csv" | "arrow";
  maxRows?: number;
  /** The file's text scan from an earlier pass (fingerprintFile), if one was made. */
  scan?: TextScan;
  /** Called after each batch of rows, for a progress bar. */
  onProgress?: (progress: { bytes: number; size: number; rows: number }) => void;
}

export const RESPONDENT_SPILL_COLUMNS = ["organisation_code", "pseudonym", "staff_group_code", "archetype_code", "band_code", "assessed_month"];
export const ROLLUP_SPILL_COLUMNS = ["organisation_code", "staff_group_code", "archetype_code", "band_code", "grain", "grain_key", "respondents", "required", "met", "sum_r2", "sum_u2", "sum_ru"];
export const CAPABILITY_ROLLUP_SPILL_COLUMNS = ["organisation_code", "staff_group_code", "archetype_code", "band_code", "required", "met"];
export const ATTAINMENT_ROLLUP_SPILL_COLUMNS = [
  "organisation_code", "staff_group_code", "archetype_code", "band_code", "domain_code", "expected_level",
  "attained_0", "attained_1", "attained_2", "attained_3", "attained_4", "incomplete", "below_expected",
];

/** A StagedFile as it crosses to the loader thread (structured clone: scratch files by descriptor). */
export type StagedTransfer = Omit<StagedFile, "ratings" | "respondentLines" | "rollupLines" | "capabilityRollupLines" | "attainmentRollupLines"> & {
  ratings: SpillHandle & { count: number };
  respondentLines: SpillHandle;
  rollupLines: SpillHandle | null;
  capabilityRollupLines: SpillHandle | null;
  attainmentRollupLines: SpillHandle | null;
};

export function transferStage(staged: StagedFile): StagedTransfer {
  return {
    ...staged,
    ratings: staged.ratings.handle(),
    respondentLines: staged.respondentLines.handle(),
    rollupLines: staged.rollupLines?.handle() ?? null,
    capabilityRollupLines: staged.capabilityRollupLines?.handle() ?? null,
    attainmentRollupLines: staged.attainmentRollupLines?.handle() ?? null,
  };
}

/** The loader thread's view of a staged file; the staging thread keeps and closes its scratch files. */
export function receiveStage(t: StagedTransfer): StagedFile {
  return {
    ...t,
    ratings: new RatingSpill(t.ratings),
    respondentLines: new Spill(t.respondentLines),
    rollupLines: t.rollupLines && new Spill(t.rollupLines),
    capabilityRollupLines: t.capabilityRollupLines && new Spill(t.capabilityRollupLines),
    attainmentRollupLines: t.attainmentRollupLines && new Spill(t.attainmentRollupLines),
  };
}

/** Frees a staged file's scratch files. */
export function dropStage(staged: StagedFile): void {
  staged.ratings.close();
  staged.respondentLines.close();
  staged.rollupLines?.close();
  staged.capabilityRollupLines?.close();
  staged.attainmentRollupLines?.close();
}

/** A row's problems while it has none: shared, so a row without problems allocates nothing. */
const NO_PROBLEMS: readonly Problem[] = Object.freeze([]);

const RESPONDENT_COLUMNS = ["respondent_id", "organisation_code", "staff_group", "archetype", "assessed_on", "band"] as const;

/**
 * Reads and checks one file. `session` is used only when a respondent's rows are scattered
 * through a long file: repeated ratings are then found set-wise in a temp table.
 */
export async function stageFile(
  session: Session,
  file: string,
  vocab: Vocabulary,
  key: Buffer,
  options: StageOptions,
): Promise<StagedFile> {
  const today = options.today ?? londonToday();
  const name = path.basename(file);
  const { profile } = options;
  const staged: StagedFile = {
    file, ratings: new RatingSpill(), respondentLines: new Spill("respondents"), rollupLines: null, capabilityRollupLines: null, attainmentRollupLines: null,
    dates: { months: new Map(), first: null, last: null }, respondents: 0,
    rows: 0, ratingCount: 0, problems: [], problemCount: 0, organisations: new Map(), layout: null, format: "",
  };
  // The first PROBLEM_LIMIT problems are kept for the message; every one goes to onProblem (--report).
  const report = (found: readonly Problem[], total = found.length) => {
    staged.problemCount += total;
    for (const p of found) {
      if (staged.problems.length < PROBLEM_LIMIT) staged.problems.push(p);
      options.onProblem?.(p);
    }
  };

  let together = true;
  let source: Awaited<ReturnType<typeof openTable>> | null = null;
  try {
    // The header is mapped as soon as it is read, so that a long file's rows can be read as
    // repeats of the row before with a new capability and rating (CsvSplitter.varying).
    let mapped: ReturnType<typeof mapHeader> | null = null;
    const mapOnce = (cells: string[]) =>
      (mapped ??= mapHeader(cells, { file: name, profile, capabilities: vocab.capabilities, frameworkVersion: vocab.frameworkVersion, layout: options.layout }));
    source = await openTable(file, {
      format: options.format,
      maxRows: options.maxRows,
      scan: options.scan,
      varying: (cells) => {
        const h = mapOnce(cells);
        return "plan" in h && h.plan.layout === "long" ? [h.plan.at.capability_code, h.plan.at.rating] : null;
      },
    });
    staged.format = describeFormat(source.format);
    const first = await source.records.next();
    if (first.done || first.value.length === 0) {
      report([{ file: name, message: "the file is empty; expected a header row and data rows" }]);
      return staged;
    }
    const [headerRecord, ...firstRows] = first.value;
    const header = mapOnce(headerRecord.cells);
    if ("problems" in header) {
      report(header.problems);
      return staged;
    }
    staged.layout = header.plan.layout;
    const opened = source;
    const rows = stageRows(header.plan, firstRows, { name, vocab, profile, key, today, staged, report, onProgress: () => options.onProgress?.({ bytes: opened.bytesRead(), size: opened.size, rows: staged.rows }) });
    await rows.read(opened.records);
    together = rows.together;
    // Personal data heads the list, whatever else is wrong: it is the first thing to fix.
    const personal = rows.personalData();
    report(personal);
    staged.problems = [...personal, ...staged.problems.filter((p) => !personal.includes(p))].slice(0, PROBLEM_LIMIT);
    if (staged.problemCount === 0) {
      rows.writeRespondents(staged.respondentLines);
      if (rows.rollups) {
        staged.rollupLines = new Spill("rollups");
        staged.capabilityRollupLines = new Spill("capability-rollups");
        staged.attainmentRollupLines = new Spill("attainment-rollups");
        writeRollupLines(rows.rollups, staged.rollupLines, staged.capabilityRollupLines, staged.attainmentRollupLines);
      }
    }
  } catch (error) {
    if (!(error instanceof SourceError)) {
      dropStage(staged); // nobody else will: the caller never gets the staged file
      throw error;
    }
    report([{ file: name, row: error.row, message: error.message }]);
    return staged;
  } finally {
    // A file refused at its header is not read to the end: its reader (and file handle) closes now.
    await source?.records.return(undefined).catch(() => {});
  }

  if (staged.problemCount === 0 && staged.rows === 0) report([{ file: name, message: "the file has a header but no data rows" }]);
  else if (staged.problemCount === 0 && staged.ratingCount === 0) {
    report([{ file: name, message: "the file has no ratings: every capability cell is empty" }]);
  }
  if (staged.layout && !together && staged.ratingCount > 0) {
    // Respondents' rows were not together, so repeated ratings were not caught on the way.
    const duplicates = await duplicateRatings(session, staged.ratings, vocab, name, options.onProblem ? 1_000_000 : PROBLEM_LIMIT);
    report(duplicates.problems, duplicates.total);
  }
  return staged;
}

/** Rollup rows as CSV lines, a block of lines per write. */
function writeRollupLines(builder: RollupBuilder, nodes: Spill, capabilities: Spill, attainment: Spill): void {
  let text = "";
  const flush = (spill: Spill, force = false) => {
    if (force || text.length >= 1 << 16) {
      spill.appendText(text);
      text = "";
    }
  };
  for (const r of builder.rows()) {
    text += `${r.organisationCode},${r.staffGroupCode},${r.archetypeCode},${r.bandCode ?? ""},${r.grain},${csvText(r.grainKey)},${r.respondents},${r.required},${r.met},${r.sumR2},${r.sumU2},${r.sumRu}\n`;
    flush(nodes);
  }
  flush(nodes, true);
  for (const r of builder.capabilityRows()) {
    // Arrays as PostgreSQL literals, quoted for CSV: "{3,0,1,…}".
    text += `${r.organisationCode},${r.staffGroupCode},${r.archetypeCode},${r.bandCode ?? ""},"{${r.required.join(",")}}","{${r.met.join(",")}}"\n`;
    flush(capabilities);
  }
  flush(capabilities, true);
  for (const r of builder.attainmentRows()) {
    text += `${r.organisationCode},${r.staffGroupCode},${r.archetypeCode},${r.bandCode ?? ""},${csvText(r.domainCode)},${r.expectedLevel},${r.attained.join(",")},${r.incomplete},${r.belowExpected}\n`;
    flush(attainment);
  }
  flush(attainment, true);
}

/** A CSV field for COPY: quoted, so an empty grain key stays an empty string rather than null. */
function csvText(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

interface RowsContext {
  name: string;
  vocab: Vocabulary;
  profile: Profile;
  key: Buffer;
  today: string;
  staged: StagedFile;
  report: (found: readonly Problem[]) => void;
  onProgress: () => void;
}

interface StagedRespondent {
  seq: number;
  firstRow: number;
  respondent: Respondent;
  pseudonym: string;
  /** Its organisation's entry in StagedFile.organisations. */
  organisation: { rows: number };
  // Data quality, kept as the respondent's ratings are (docs/metrics.md, "Data quality"):
  /** By capability id, 1 where it is badged for the respondent's archetype (shared per archetype). */
  badged: Uint8Array;
  rated: number;
  requiredRated: number;
  /** The first rating given, and whether any later one differed. */
  first: number;
  varied: boolean;
}

const ATTRIBUTES = [
  ["staff_group", "staffGroupCode"],
  ["archetype", "archetypeCode"],
  ["band", "bandCode"],
  ["assessed_on", "assessedOn"],
] as const;

/**
 * Reads the rows, checking each and writing its ratings to the staged file's spill; then the
 * respondents and rollups, and the personal-data screen of every column that is not a rating.
 * Rows with problems are reported and not kept; valid rows are kept even in a rejected file, so
 * that the report is complete (repeated ratings are found among them).
 */
function stageRows(plan: LayoutPlan, firstRows: CsvRecord[], ctx: RowsContext) {
  const { name, vocab, profile, key, staged, report } = ctx;
  const screens = new Map<number, { name: string; screen: ColumnScreen; ignored: boolean }>();
  for (const column of RESPONDENT_COLUMNS) {
    if (plan.at[column] >= 0) screens.set(plan.at[column], { name: plan.names[column], screen: new ColumnScreen({ dates: column !== "assessed_on" }), ignored: false });
  }
  for (const ignored of plan.ignored) screens.set(ignored.index, { name: ignored.name, screen: new ColumnScreen(), ignored: true });
  const ignoredScreens = plan.ignored.map((c) => screens.get(c.index)!.screen);
  const respondentScreens = RESPONDENT_COLUMNS.filter((c) => plan.at[c] >= 0).map((c) => [plan.at[c], screens.get(plan.at[c])!.screen] as const);
  const respondentAt = RESPONDENT_COLUMNS.map((c) => plan.at[c]);

  // Every respondent of the file, by organisation and local id. While each respondent's ratings
  // come together (always in the wide layout; usually in the long), repeated ratings are caught
  // here and the rollups built on the way; otherwise both are left to SQL.
  const respondents = new Map<string, StagedRespondent>();
  let together = true;
  const rollups = new RollupBuilder(vocab.capabilityFacts, vocab.metThreshold);
  let current: StagedRespondent | null = null;
  // By capability id: the row of the current respondent's rating of it, and whose rating that was
  // (respondent seq), so that a new respondent needs no reset. Arrays: read for every rating.
  const ratedRow: number[] = [];
  const ratedBy: number[] = [];
  // The previous row's cells: long files repeat the respondent's cells on every row.
  let lastCells: string[] | null = null;
  const present = respondentAt.filter((i) => i >= 0);
  const sameRespondentCells = (cells: string[], last: string[]) => {
    if (cells === last) return true; // a repeating row (CsvRecord.repeats)
    for (let k = 0; k < present.length; k++) if (cells[present[k]] !== last[present[k]]) return false;
    return true;
  };
  let lastProblems: Problem[] = [];
  const ratingMemo = new Map<string, number | string>();
  const capabilityMemo = new Map<string, number | string>();
  // Per archetype: which capabilities are badged for it (by id, read once per rating) and how many.
  const badgedOf = new Map<string, { flags: Uint8Array; count: number }>();
  const badgedFor = (archetype: string) => {
    let badged = badgedOf.get(archetype);
    if (!badged) {
      const flags = new Uint8Array(Math.max(0, ...vocab.capabilityFacts.map((c) => c.id)) + 1);
      let count = 0;
      for (const c of vocab.capabilityFacts) if (c.archetypes.includes(archetype)) (flags[c.id] = 1), count++;
      badgedOf.set(archetype, (badged = { flags, count }));
    }
    return badged;
  };

  const long = plan.layout === "long";

  /** The row's respondent, checked; problems when the row's respondent columns are wrong. */
  const respondentOf = (cells: string[], row: number): readonly Problem[] => {
    if (long && lastCells && sameRespondentCells(cells, lastCells)) return lastProblems.length ? lastProblems.map((p) => ({ ...p, row })) : NO_PROBLEMS;
    lastCells = cells;
    for (const [i, screen] of respondentScreens) screen.observe(cells[i]);
    const result = validateRespondent(cells, plan, vocab, profile, { file: name, row, today: ctx.today });
    lastProblems = result.problems ?? [];
    if (!result.respondent) {
      current = null;
      return [...lastProblems]; // a copy: the row's rating problems are added to it
    }
    const r = result.respondent;
    const id = `${r.organisationCode}\x1f${r.respondentId}`;
    const known = respondents.get(id);
    if (!known) {
      let organisation = staged.organisations.get(r.organisationCode);
      if (organisation) organisation.respondents++;
      else staged.organisations.set(r.organisationCode, (organisation = { firstRow: row, rows: 0, respondents: 1, months: new Map(), quality: emptyDataQuality() }));
      current = {
        seq: respondents.size + 1, firstRow: row, respondent: r, pseudonym: pseudonymise(key, r.organisationCode, r.respondentId), organisation,
        badged: badgedFor(r.archetypeCode).flags, rated: 0, requiredRated: 0, first: -1, varied: false,
      };
      respondents.set(id, current);
      if (together) rollups.respondent(r.organisationCode, r.staffGroupCode, r.archetypeCode, r.bandCode);
      return NO_PROBLEMS;
    }
    if (known !== current) together = false; // the respondent's rows are not together
    current = known;
    const differing = ATTRIBUTES.find(([, field]) => known.respondent[field] !== r[field]);
    if (!differing) return NO_PROBLEMS;
    lastProblems = [{
      file: name,
      row,
      column: plan.names[differing[0]],
      message: `differs from row ${known.firstRow} for the same respondent; all rows of a respondent must share staff_group, archetype, band and assessed_on`,
    }];
    return [...lastProblems];
  };

  // The row being read. `rate` is defined once, not per row: a closure per row was a measurable
  // share of the time on files of millions of rows.
  let row = 0;
  let problems: readonly Problem[] = NO_PROBLEMS;
  let respondent: StagedRespondent | null = null;
  // The row's valid ratings (capability, rating pairs), kept once the whole row is known to be good.
  const pending: number[] = [];
  const ratingOf = (raw: string) => {
    let rating = ratingMemo.get(raw);
    if (rating === undefined) {
      rating = validateRating(raw, vocab, profile);
      if (ratingMemo.size < 1000) ratingMemo.set(raw, rating);
    }
    return rating;
  };
  // The row's problems: NO_PROBLEMS (shared, never added to) until it has one.
  const problem = (p: Problem) => {
    if (problems === NO_PROBLEMS) problems = [p];
    else (problems as Problem[]).push(p);
  };
  const rate = (capabilityId: number | string, raw: string, column: string, capabilityColumn: string) => {
    if (typeof capabilityId === "string") problem({ file: name, row, column: capabilityColumn, message: capabilityId });
    const rating = ratingOf(raw);
    if (typeof rating === "string") {
      problem({ file: name, row, column, message: rating });
      return;
    }
    if (typeof capabilityId !== "number" || !respondent) return;
    if (together) {
      if (ratedBy[capabilityId] === respondent.seq) {
        const earlier = ratedRow[capabilityId];
        const code = vocab.capabilityFacts.find((c) => c.id === capabilityId)?.code ?? String(capabilityId);
        problem({ file: name, row, column: capabilityColumn, message: `the same respondent rates capability ${code} twice (rows ${earlier} and ${row}); expected one rating per respondent and capability` });
        return;
      }
      ratedBy[capabilityId] = respondent.seq;
      ratedRow[capabilityId] = row;
      rollups.rating(capabilityId, rating);
    }
    pending.push(capabilityId, rating);
  };

  const { ratings, dates } = staged;
  async function read(more: AsyncGenerator<CsvRecord[]>): Promise<void> {
    for (let batch: CsvRecord[] | undefined = firstRows; batch; batch = (await more.next()).value || undefined) {
      for (const record of batch) {
        const cells = record.cells;
        // A long file's rows that repeat this one but for capability and rating (CsvRecord.repeats).
        const repeats = record.repeats;
        const lines = repeats ? 1 + repeats.length / 2 : 1;
        for (let line = 0; line < lines; line++) {
          row = record.row + line;
          staged.rows++;
          if (cells.length !== plan.width) {
            report([{ file: name, row, message: `has ${cells.length} fields but the header has ${plan.width}; check for a stray delimiter or quote` }]);
            continue;
          }
          for (let i = 0; i < ignoredScreens.length; i++) ignoredScreens[i].observe(cells[plan.ignored[i].index]);
          problems = respondentOf(cells, row);
          respondent = current as StagedRespondent | null;
          pending.length = 0;
          if (long) {
            const raw = line === 0 ? cells[plan.at.capability_code] : repeats![2 * line - 2];
            let capabilityId = capabilityMemo.get(raw);
            if (capabilityId === undefined) {
              capabilityId = validateCapability(raw, vocab, profile);
              if (capabilityMemo.size < 1000) capabilityMemo.set(raw, capabilityId);
            }
            rate(capabilityId, line === 0 ? cells[plan.at.rating] : repeats![2 * line - 1], plan.names.rating, plan.names.capability_code);
          } else {
            for (const c of plan.capabilityColumns) {
              const raw = cells[c.index];
              if (raw === "" || !raw.trim()) continue; // not asked
              rate(c.capabilityId, raw, c.name, c.name);
            }
          }
          if (problems.length) {
            report(problems);
            continue;
          }
          if (!respondent || pending.length === 0) continue;
          const count = pending.length / 2;
          respondent.organisation.rows += count;
          staged.ratingCount += count;
          // Valid rows are kept even once the file is rejected, so repeated ratings are still found.
          // Data quality: a compare and an array read per rating.
          const { badged } = respondent;
          let { requiredRated, first, varied } = respondent;
          if (respondent.rated === 0) first = pending[1];
          for (let k = 0; k < pending.length; k += 2) {
            const rating = pending[k + 1];
            ratings.add(row, respondent.seq, pending[k], rating);
            requiredRated += badged[pending[k]];
            if (rating !== first) varied = true;
          }
          respondent.rated += count;
          respondent.requiredRated = requiredRated;
          respondent.first = first;
          respondent.varied = varied;
        }
      }
      ctx.onProgress();
    }
    ratings.flush();
    staged.respondents = respondents.size;
  }

  /**
   * The respondents in number order (RESPONDENT_SPILL_COLUMNS), their assessment months into the
   * file's dates, and their answers into their organisation's data quality.
   */
  function writeRespondents(spill: Spill): void {
    let text = "";
    for (const s of respondents.values()) {
      const { respondent: r, pseudonym } = s;
      tallyRespondent(staged.organisations.get(r.organisationCode)!.quality, {
        rated: s.rated,
        requiredRated: s.requiredRated,
        requiredCapabilities: badgedFor(r.archetypeCode).count,
        allSame: !s.varied,
      });
      // Month precision only: an exact assessment date helps re-identify a person.
      const month = `${r.assessedOn.slice(0, 7)}-01`;
      dates.months.set(month, (dates.months.get(month) ?? 0) + 1);
      const months = staged.organisations.get(r.organisationCode)!.months;
      months.set(month, (months.get(month) ?? 0) + 1);
      if (dates.first === null || r.assessedOn < dates.first) dates.first = r.assessedOn;
      if (dates.last === null || r.assessedOn > dates.last) dates.last = r.assessedOn;
      text += `${r.organisationCode},${pseudonym},${r.staffGroupCode},${r.archetypeCode},${r.bandCode ?? ""},${month}\n`;
      if (text.length >= 1 << 16) {
        spill.appendText(text);
        text = "";
      }
    }
    spill.appendText(text);
  }

  const personalData = (): Problem[] =>
    [...screens.values()].flatMap(({ name: column, screen, ignored }) => {
      const kinds = screen.findings();
      if (!kinds.length) return [];
      const advice = column === plan.names.respondent_id
        ? "export a local survey id instead"
        : ignored
          ? "remove the column from the export: columns a profile ignores are still read and checked"
          : "remove these values from the export";
      return [{ file: name, column, message: `holds ${kinds.join(" and ")}, which are personal data and must never be loaded; ${advice}` }];
    });

  return {
    read,
    writeRespondents,
    personalData,
    /** Whether every respondent's rows came together (read after `read`). */
    get together() {
      return together;
    },
    /** The rollups, when every respondent's ratings came together (read after chunks are drained). */
    get rollups() {
      rollups.finish();
      return together && !rollups.overflowed ? rollups : null;
    },
  };
}

/** Today's date in England, so an assessment done just after midnight in summer time is not "future". */
export function londonToday(now = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London" }).format(now);
}

/**
 * Repeated ratings of a respondent and capability, found set-wise when rows were not together:
 * the staged ratings go into a session temp table for the query, and the table is dropped.
 */
async function duplicateRatings(
  session: Session,
  spill: RatingSpill,
  vocab: Vocabulary,
  file: string,
  limit: number,
): Promise<{ problems: Problem[]; total: number }> {
  const table = "ingest_stage_duplicates";
  await session.exec(`drop table if exists ${table}; create temp table ${table} (row_no integer not null, respondent integer not null, capability_id integer not null)`);
  try {
    await session.copyBinary(table, ["row_no", "respondent", "capability_id"], ratingRecords(spill));
    const duplicates = await session.query<{ first_row: number; other_row: number; capability_id: number; n: number }>(
      `select min(row_no) as first_row, max(row_no) as other_row, capability_id, count(*) over ()::int as n
       from ${table} group by respondent, capability_id having count(*) > 1
       order by 1 limit ${limit}`,
    );
    const codes = new Map(vocab.capabilityFacts.map((c) => [c.id, c.code]));
    const problems: Problem[] = duplicates.map((d) => ({
      file,
      row: d.other_row,
      column: "capability_code",
      message: `the same respondent rates capability ${codes.get(d.capability_id)} twice (rows ${d.first_row} and ${d.other_row}); expected one rating per respondent and capability`,
    }));
    return { problems, total: duplicates[0]?.n ?? 0 };
  } finally {
    await session.exec(`drop table if exists ${table}`);
  }
}

/** The staged ratings as binary COPY tuples of (row, respondent, capability id). */
function* ratingRecords(spill: RatingSpill): Generator<Uint8Array> {
  for (const block of spill.blocks()) {
    const n = block.length / RatingSpill.FIELDS;
    const out = Buffer.allocUnsafe(n * 26);
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    for (let i = 0, o = 0; i < block.length; i += 3, o += 26) {
      view.setInt16(o, 3); // fields
      view.setInt32(o + 2, 4);
      view.setInt32(o + 6, block[i]);
      view.setInt32(o + 10, 4);
      view.setInt32(o + 14, block[i + 1]);
      view.setInt32(o + 18, 4);
      view.setInt32(o + 22, capabilityOf(block[i + 2]));
    }
    yield out;
  }
}
