// Stage one file: stream it, check each row, pseudonymise respondent ids, and COPY the clean rows
// into a session temp table; then check the cross-row rules set-wise in SQL, so memory stays flat
// whatever the file's size. Nothing here touches the assessment tables.
import path from "node:path";
import type { Session } from "../db/client";
import type { Problem } from "../db/problems";
import { type LongColumns, mapLongHeader } from "./layouts/long";
import { RespondentIdScreen } from "./pii";
import { pseudonymise } from "./pseudonym";
import { type CsvRecord, readCsv } from "./read";
import { validateLongRow } from "./validate";
import type { Vocabulary } from "./vocabulary";

/** Problems kept in full; beyond this only counted. */
export const PROBLEM_LIMIT = 20;
const CHUNK_CHARS = 1 << 16;

export interface StagedFile {
  file: string;
  table: string;
  rows: number;
  problems: Problem[];
  problemCount: number;
  /** Per organisation in the file: its first row (for messages) and row count. */
  organisations: Map<string, { firstRow: number; rows: number }>;
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

export async function stageFile(
  session: Session,
  file: string,
  table: string,
  vocab: Vocabulary,
  key: Buffer,
  options: { today?: string; onProblem?: (p: Problem) => void } = {},
): Promise<StagedFile> {
  const today = options.today ?? londonToday();
  const name = path.basename(file);
  const problems: Problem[] = [];
  let problemCount = 0;
  // The first PROBLEM_LIMIT problems are kept for the message; every one goes to onProblem (--report).
  const report = (found: Problem[], total = found.length) => {
    problemCount += total;
    for (const p of found) {
      if (problems.length < PROBLEM_LIMIT) problems.push(p);
      options.onProblem?.(p);
    }
  };
  const organisations = new Map<string, { firstRow: number; rows: number }>();
  const screen = new RespondentIdScreen();
  let rows = 0;

  // Codes and pseudonyms compare byte-wise ("C"): locale-aware comparison only slows the set-wise checks.
  await session.exec(`
    drop table if exists ${table};
    create temp table ${table} (
      row_no integer not null, organisation_code text collate "C" not null, pseudonym text collate "C" not null,
      staff_group_code text collate "C" not null, archetype_code text collate "C" not null, band_code text collate "C",
      assessed_on date not null, capability_id integer not null, rating smallint not null
    )`);

  const batches = readCsv(file);
  const first = await batches.next();
  if (first.done) {
    report([{ file: name, message: "the file is empty; expected a header row and data rows" }]);
    return { file, table, rows, problems, problemCount, organisations };
  }
  const [headerRecord, ...firstRows] = first.value;
  const header = mapLongHeader(headerRecord.cells, name);
  if ("problems" in header) {
    report(header.problems);
    return { file, table, rows, problems, problemCount, organisations };
  }
  const columns: LongColumns = header.columns;
  const width = headerRecord.cells.length;

  // The last pseudonym is cached: long files list a respondent's rows together.
  let lastKey = "";
  let lastPseudonym = "";
  async function* csvChunks(): AsyncGenerator<string> {
    let chunk = "";
    for (let batch: CsvRecord[] | undefined = firstRows; batch; batch = (await batches.next()).value || undefined) {
      for (const { row, cells } of batch) {
        rows++;
        if (cells.length !== width) {
          report([{ file: name, row, message: `has ${cells.length} fields but the header has ${width}; check for a stray delimiter or quote` }]);
          continue;
        }
        const result = validateLongRow(cells, columns, vocab, { file: name, row, today });
        screen.observe((cells[columns.respondent_id] ?? "").trim());
        if (result.problems) {
          report(result.problems);
          continue;
        }
        const r = result.row;
        const seen = organisations.get(r.organisationCode);
        if (seen) seen.rows++;
        else organisations.set(r.organisationCode, { firstRow: row, rows: 1 });
        if (problemCount > 0) continue; // the file is rejected already: keep counting, stop copying
        const cacheKey = `${r.organisationCode}\x1f${r.respondentId}`;
        if (cacheKey !== lastKey) {
          lastKey = cacheKey;
          lastPseudonym = pseudonymise(key, r.organisationCode, r.respondentId);
        }
        chunk += `${row},${r.organisationCode},${lastPseudonym},${r.staffGroupCode},${r.archetypeCode},${r.bandCode ?? ""},${r.assessedOn},${r.capabilityId},${r.rating}\n`;
      }
      if (chunk.length >= CHUNK_CHARS) {
        yield chunk;
        chunk = "";
      }
    }
    if (chunk && problemCount === 0) yield chunk;
  }
  await session.copyCsv(table, STAGE_COLUMNS, csvChunks());

  const personal = screen.findings();
  if (personal.length) {
    report([{
      file: name,
      column: "respondent_id",
      message: `holds ${personal.join(" and ")}, which are personal data and must never be loaded; export a local survey id instead`,
    }]);
  }
  if (rows === 0) report([{ file: name, message: "the file has a header but no data rows" }]);
  if (problemCount === 0) {
    const crossRow = await crossRowProblems(session, table, name, options.onProblem ? 1_000_000 : PROBLEM_LIMIT);
    report(crossRow.problems, crossRow.total);
  }
  return { file, table, rows, problems, problemCount, organisations };
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
