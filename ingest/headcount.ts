// Headcount import (`npm run headcount:import`, docs/formats.md "Headcount"): staff in post by
// organisation × ESR staff group (× band) for a wave. Every row is checked before anything is
// written; a good file replaces the wave's headcount in one transaction, a bad one changes nothing.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import type { Database } from "../db/client";
import { InputError, type Problem } from "../db/problems";
import { findWave } from "../db/waves";
import { refreshStatistics } from "../db/statistics";
import { loadVocabulary, lookupBand, lookupStaffGroup, type Vocabulary } from "./vocabulary";

export interface HeadcountRow {
  organisationCode: string;
  staffGroupCode: string;
  /** "" when the row covers all bands. */
  bandCode: string;
  headcount: number;
}

const REQUIRED = ["organisation_code", "staff_group", "headcount"] as const;

/**
 * The rows of a headcount file, checked (pure: the file's records and what is known in): each
 * problem names the row and column. A staff group is given either whole or by band, never both.
 */
export function checkHeadcount(
  file: string,
  records: string[][],
  vocab: Pick<Vocabulary, "staffGroups" | "bands" | "seen">,
  organisations: Set<string>,
): { rows: HeadcountRow[]; problems: Problem[] } {
  const name = path.basename(file);
  const problems: Problem[] = [];
  const [header = [], ...data] = records;
  const at = Object.fromEntries(header.map((h, i) => [h.trim().toLowerCase(), i]));
  const missing = REQUIRED.filter((c) => at[c] === undefined);
  if (missing.length) {
    return { rows: [], problems: [{ file: name, row: 1, message: `the header lacks ${missing.join(", ")}; expected organisation_code, staff_group, headcount and optionally band` }] };
  }
  if (data.length === 0) return { rows: [], problems: [{ file: name, message: "the file has a header but no data rows" }] };
  const rows: HeadcountRow[] = [];
  const seen = new Map<string, number>();
  const split = new Map<string, Set<"all" | "band">>();
  data.forEach((cells, i) => {
    const row = i + 2;
    const found = problems.length;
    const cell = (c: string) => (cells[at[c]] ?? "").trim();
    const problem = (column: string, message: string) => problems.push({ file: name, row, column, message });
    const organisationCode = cell("organisation_code").toUpperCase();
    if (!organisations.has(organisationCode)) problem("organisation_code", "is not an organisation in the reference data; expected an ODS code such as RAL");
    const staffGroupCode = lookupStaffGroup(vocab as Vocabulary, cell("staff_group"));
    if (!staffGroupCode) problem("staff_group", "is not an ESR staff group; expected a name such as Nursing and Midwifery Registered, or its code");
    const bandText = at.band === undefined ? "" : cell("band");
    const bandCode = bandText === "" ? "" : lookupBand(vocab as Vocabulary, bandText);
    if (bandCode === undefined) problem("band", "is not an Agenda for Change band; expected e.g. Band 5 or 8a, or empty for all bands");
    const raw = cell("headcount");
    const headcount = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(headcount)) problem("headcount", "is not a whole number of staff (0 or more)");
    if (problems.length > found || !staffGroupCode || bandCode === undefined) return;
    const key = `${organisationCode}/${staffGroupCode}/${bandCode}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      problem("staff_group", `repeats row ${earlier}: one row per organisation, staff group and band`);
      return;
    }
    seen.set(key, row);
    const kinds = split.get(`${organisationCode}/${staffGroupCode}`) ?? new Set();
    kinds.add(bandCode === "" ? "all" : "band");
    split.set(`${organisationCode}/${staffGroupCode}`, kinds);
    if (kinds.size > 1) problem("band", "gives this organisation's staff group both by band and for all bands; give one or the other");
    rows.push({ organisationCode, staffGroupCode, bandCode, headcount });
  });
  return { rows, problems };
}

/** Imports a headcount file for a wave, replacing the wave's headcount; throws InputError naming every problem. */
export async function importHeadcount(db: Database, file: string, waveLabel: string): Promise<{ rows: number; organisations: number; staff: number }> {
  const wave = await findWave(db, waveLabel);
  if (!wave) throw new InputError(`There is no wave ${waveLabel}; load its assessment exports first (\`npm run wave -- list\` shows the loaded waves).`);
  const vocab = (await loadVocabulary(db, wave.frameworkVersion))!;
  let records: string[][];
  try {
    records = parse(readFileSync(file, "utf8").replace(/^\uFEFF/, ""), { relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch (error) {
    throw new InputError(`${path.basename(file)} cannot be read as CSV (${(error as Error).message}); save it as CSV UTF-8`);
  }
  const organisations = new Set((await db.query<{ code: string }>("select code from organisations")).map((o) => o.code));
  const { rows, problems } = checkHeadcount(file, records, vocab, organisations);
  if (problems.length) throw new InputError(`${path.basename(file)} was not imported: nothing changed.`, problems);
  await db.transaction(async (tx) => {
    await tx.query("delete from headcounts where wave_id = $1", [wave.id]);
    await tx.query(
      `insert into headcounts (wave_id, organisation_code, staff_group_code, band_code, headcount)
       select $1, x.o, x.s, x.b, x.n from json_to_recordset($2::json) as x(o text, s text, b text, n int)`,
      [wave.id, JSON.stringify(rows.map((r) => ({ o: r.organisationCode, s: r.staffGroupCode, b: r.bandCode, n: r.headcount })))],
    );
  });
  await refreshStatistics(db);
  return { rows: rows.length, organisations: new Set(rows.map((r) => r.organisationCode)).size, staff: rows.reduce((sum, r) => sum + r.headcount, 0) };
}
