// Stage one file: read it in whatever layout and encoding it comes, check each row, pseudonymise
// respondent ids, and COPY the clean ratings into a session temp table; then check the cross-row
// rules set-wise in SQL, so memory stays flat whatever the file's size. Nothing here touches the
// assessment tables.
import path from "node:path";
import type { Session } from "../db/client";
import type { Problem } from "../db/problems";
import { type Layout, type LayoutPlan, mapHeader } from "./layouts/header";
import { ColumnScreen } from "./pii";
import type { Profile } from "./profile";
import { pseudonymise } from "./pseudonym";
import { type CsvRecord, describeFormat, openTable, SourceError } from "./read";
import { type Respondent, type RowContext, validateCapability, validateRating, validateRespondent } from "./validate";
import type { Vocabulary } from "./vocabulary";

/** Problems kept in full; beyond this only counted. */
export const PROBLEM_LIMIT = 20;
const CHUNK_CHARS = 1 << 16;

export interface StagedFile {
  file: string;
  table: string;
  /** Data rows read (records, not counting the header). */
  rows: number;
  /** Ratings staged: one per row in the long layout, one per answered capability in the wide. */
  ratings: number;
  problems: Problem[];
  problemCount: number;
  /** Per organisation in the file: its first row (for messages) and rating count. */
  organisations: Map<string, { firstRow: number; rows: number }>;
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
  /** Called after each batch of rows, for a progress bar. */
  onProgress?: (progress: { bytes: number; size: number; rows: number }) => void;
}

export const STAGE_COLUMNS = [
  "row_no",
  "organisation_code",
  "pseudonym",
  "staff_group_code",
  "archetype_code",
  "band_code",
  "assessed_on",
  "capability_id",
  "rating",
];

const RESPONDENT_COLUMNS = ["respondent_id", "organisation_code", "staff_group", "archetype", "assessed_on", "band"] as const;

export async function stageFile(
  session: Session,
  file: string,
  table: string,
  vocab: Vocabulary,
  key: Buffer,
  options: StageOptions,
): Promise<StagedFile> {
  const today = options.today ?? londonToday();
  const name = path.basename(file);
  const { profile } = options;
  const staged: StagedFile = { file, table, rows: 0, ratings: 0, problems: [], problemCount: 0, organisations: new Map(), layout: null, format: "" };
  // The first PROBLEM_LIMIT problems are kept for the message; every one goes to onProblem (--report).
  const report = (found: Problem[], total = found.length) => {
    staged.problemCount += total;
    for (const p of found) {
      if (staged.problems.length < PROBLEM_LIMIT) staged.problems.push(p);
      options.onProblem?.(p);
    }
  };

  // Codes and pseudonyms compare byte-wise ("C"): locale-aware comparison only slows the set-wise checks.
  await session.exec(`
    drop table if exists ${table};
    create temp table ${table} (
      row_no integer not null, organisation_code text collate "C" not null, pseudonym text collate "C" not null,
      staff_group_code text collate "C" not null, archetype_code text collate "C" not null, band_code text collate "C",
      assessed_on date not null, capability_id integer not null, rating smallint not null
    )`);

  try {
    const source = await openTable(file, { format: options.format, maxRows: options.maxRows });
    staged.format = describeFormat(source.format);
    const first = await source.records.next();
    if (first.done || first.value.length === 0) {
      report([{ file: name, message: "the file is empty; expected a header row and data rows" }]);
      return staged;
    }
    const [headerRecord, ...firstRows] = first.value;
    const header = mapHeader(headerRecord.cells, {
      file: name,
      profile,
      capabilities: vocab.capabilities,
      frameworkVersion: vocab.frameworkVersion,
      layout: options.layout,
    });
    if ("problems" in header) {
      report(header.problems);
      return staged;
    }
    staged.layout = header.plan.layout;
    const rows = stageRows(header.plan, firstRows, source.records, { name, vocab, profile, key, today, staged, report, onProgress: () => options.onProgress?.({ bytes: source.bytesRead(), size: source.size, rows: staged.rows }) });
    await session.copyCsv(table, STAGE_COLUMNS, rows.chunks);
    report(rows.personalData());
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    report([{ file: name, message: error.message }]);
    return staged;
  }

  if (staged.problemCount === 0 && staged.rows === 0) report([{ file: name, message: "the file has a header but no data rows" }]);
  else if (staged.problemCount === 0 && staged.ratings === 0) {
    report([{ file: name, message: "the file has no ratings: every capability cell is empty" }]);
  }
  if (staged.problemCount === 0) {
    const crossRow = await crossRowProblems(session, table, name, options.onProblem ? 1_000_000 : PROBLEM_LIMIT);
    report(crossRow.problems, crossRow.total);
  }
  return staged;
}

interface RowsContext {
  name: string;
  vocab: Vocabulary;
  profile: Profile;
  key: Buffer;
  today: string;
  staged: StagedFile;
  report: (found: Problem[]) => void;
  onProgress: () => void;
}

/**
 * The staged rows as CSV chunks for COPY, checked on the way, plus the personal-data screen of
 * every column that is not a rating. Once any problem is found, rows are still checked and counted
 * (so the report is complete) but no longer copied.
 */
function stageRows(plan: LayoutPlan, firstRows: CsvRecord[], more: AsyncGenerator<CsvRecord[]>, ctx: RowsContext) {
  const { name, vocab, profile, key, staged, report } = ctx;
  const screens = new Map<number, { name: string; screen: ColumnScreen; ignored: boolean }>();
  for (const column of RESPONDENT_COLUMNS) {
    if (plan.at[column] >= 0) screens.set(plan.at[column], { name: plan.names[column], screen: new ColumnScreen({ dates: column !== "assessed_on" }), ignored: false });
  }
  for (const ignored of plan.ignored) screens.set(ignored.index, { name: ignored.name, screen: new ColumnScreen(), ignored: true });
  const ignoredScreens = plan.ignored.map((c) => screens.get(c.index)!.screen);
  const respondentScreens = RESPONDENT_COLUMNS.filter((c) => plan.at[c] >= 0).map((c) => [plan.at[c], screens.get(plan.at[c])!.screen] as const);

  // Long files list a respondent's rows together: the respondent's columns are checked, screened
  // and pseudonymised once per run of rows.
  let lastRespondentKey: string | null = null;
  let respondent: Respondent | null = null;
  let respondentProblems: Problem[] = [];
  let pseudonym = "";
  const ratings = new Map<string, number | string>();
  const capabilities = new Map<string, number | string>();
  const memo = <T>(cache: Map<string, T>, raw: string, compute: () => T) => {
    let v = cache.get(raw);
    if (v === undefined) {
      v = compute();
      if (cache.size < 1000) cache.set(raw, v);
    }
    return v;
  };
  const long = plan.layout === "long";

  async function* chunks(): AsyncGenerator<string> {
    let chunk = "";
    for (let batch: CsvRecord[] | undefined = firstRows; batch; batch = (await more.next()).value || undefined) {
      for (const { row, cells } of batch) {
        staged.rows++;
        if (cells.length !== plan.width) {
          report([{ file: name, row, message: `has ${cells.length} fields but the header has ${plan.width}; check for a stray delimiter or quote` }]);
          continue;
        }
        for (let i = 0; i < ignoredScreens.length; i++) ignoredScreens[i].observe(cells[plan.ignored[i].index]);
        const respondentKey = RESPONDENT_COLUMNS.map((c) => (plan.at[c] >= 0 ? cells[plan.at[c]] : "")).join("\x1f");
        if (respondentKey !== lastRespondentKey || !long) {
          lastRespondentKey = respondentKey;
          for (const [i, screen] of respondentScreens) screen.observe(cells[i]);
          const ctxRow: RowContext = { file: name, row, today: ctx.today };
          const result = validateRespondent(cells, plan, vocab, profile, ctxRow);
          respondent = result.respondent;
          respondentProblems = result.problems ?? [];
          if (respondent) pseudonym = pseudonymise(key, respondent.organisationCode, respondent.respondentId);
        }
        const problems = respondentProblems.map((p) => ({ ...p, row }));
        const lines: string[] = [];
        const rate = (capabilityId: number | string, raw: string, column: string, capabilityColumn = column) => {
          if (typeof capabilityId === "string") problems.push({ file: name, row, column: capabilityColumn, message: capabilityId });
          const rating = memo(ratings, raw, () => validateRating(raw, vocab, profile));
          if (typeof rating === "string") problems.push({ file: name, row, column, message: rating });
          else if (typeof capabilityId === "number" && respondent) {
            const r = respondent;
            lines.push(`${row},${r.organisationCode},${pseudonym},${r.staffGroupCode},${r.archetypeCode},${r.bandCode ?? ""},${r.assessedOn},${capabilityId},${rating}\n`);
          }
        };
        if (long) {
          const raw = cells[plan.at.capability_code];
          rate(memo(capabilities, raw, () => validateCapability(raw, vocab, profile)), cells[plan.at.rating], plan.names.rating, plan.names.capability_code);
        } else {
          for (const c of plan.capabilityColumns) {
            const raw = cells[c.index];
            if (raw === "" || !raw.trim()) continue; // not asked
            rate(c.capabilityId, raw, c.name);
          }
        }
        if (problems.length) {
          report(problems);
          continue;
        }
        if (!respondent || lines.length === 0) continue;
        const seen = staged.organisations.get(respondent.organisationCode);
        if (seen) seen.rows += lines.length;
        else staged.organisations.set(respondent.organisationCode, { firstRow: row, rows: lines.length });
        staged.ratings += lines.length;
        if (staged.problemCount > 0) continue; // the file is rejected already: keep checking, stop copying
        for (const line of lines) chunk += line;
      }
      ctx.onProgress();
      if (chunk.length >= CHUNK_CHARS) {
        yield chunk;
        chunk = "";
      }
    }
    if (chunk && staged.problemCount === 0) yield chunk;
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

  return { chunks: chunks(), personalData };
}

/** Today's date in England, so an assessment done just after midnight in summer time is not "future". */
export function londonToday(now = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London" }).format(now);
}

/** Rules that need several rows: checked in SQL on the staged rows. */
async function crossRowProblems(
  session: Session,
  table: string,
  file: string,
  limit: number,
): Promise<{ problems: Problem[]; total: number }> {
  const duplicates = await session.query<{ first_row: number; other_row: number; code: string; n: number }>(
    `select min(s.row_no) as first_row, max(s.row_no) as other_row, c.code, count(*) over ()::int as n
     from ${table} s join capabilities c on c.id = s.capability_id
     group by s.pseudonym, c.code having count(*) > 1
     order by 1 limit ${limit}`,
  );
  const conflicts = await session.query<{ first_row: number; other_row: number; column_name: string; n: number }>(
    `with firsts as (
       select distinct on (pseudonym) pseudonym, row_no, staff_group_code, archetype_code, band_code, assessed_on
       from ${table} order by pseudonym, row_no
     ), differing as (
       select distinct on (f.pseudonym) f.row_no as first_row, s.row_no as other_row,
         case when s.staff_group_code <> f.staff_group_code then 'staff_group'
              when s.archetype_code <> f.archetype_code then 'archetype'
              when s.band_code is distinct from f.band_code then 'band'
              else 'assessed_on' end as column_name
       from ${table} s join firsts f on f.pseudonym = s.pseudonym
       where (s.staff_group_code, s.archetype_code, coalesce(s.band_code, ''), s.assessed_on)
         <> (f.staff_group_code, f.archetype_code, coalesce(f.band_code, ''), f.assessed_on)
       order by f.pseudonym, s.row_no
     )
     select *, count(*) over ()::int as n from differing order by first_row limit ${limit}`,
  );
  const problems: Problem[] = duplicates.map((d) => ({
    file,
    row: d.other_row,
    column: "capability_code",
    message: `the same respondent rates capability ${d.code} twice (rows ${d.first_row} and ${d.other_row}); expected one rating per respondent and capability`,
  }));
  for (const c of conflicts) {
    problems.push({
      file,
      row: c.other_row,
      column: c.column_name,
      message: `differs from row ${c.first_row} for the same respondent; all rows of a respondent must share staff_group, archetype, band and assessed_on`,
    });
  }
  return { problems, total: (duplicates[0]?.n ?? 0) + (conflicts[0]?.n ?? 0) };
}
