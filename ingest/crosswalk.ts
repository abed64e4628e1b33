// Crosswalk import (`npm run crosswalk:import`, docs/formats.md "Crosswalk"; decision 018): which
// capability of an earlier framework version is which of a later one. Default pairs have the same
// code, level and badges; a file of explicit pairs overrides them for every capability it names.
// Every row is checked before anything is written; the crosswalk, its pairs and its rollups are
// replaced in one transaction, or nothing changes.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { type CrosswalkSummary, crosswalkSummary } from "../db/analytics/crosswalk";
import type { Database } from "../db/client";
import { sha256 } from "../db/files";
import { InputError, type Problem } from "../db/problems";
import { buildCrosswalkRollups, CROSSWALK_LOCK_KEY } from "./crosswalk-rollups";
import { WAVE_LOCK_CLASS } from "./load";

/** What pairing needs to know of a capability. */
export interface PairingCapability {
  code: string;
  level: number;
  /** Badge letters in S, D, C, E, U order. */
  archetypes: string;
}

/** A row of a crosswalk file; null on one side: the capability has no counterpart. */
export interface CrosswalkRow {
  row: number;
  fromCode: string | null;
  toCode: string | null;
}

export interface CrosswalkPair {
  fromCode: string;
  toCode: string;
  origin: "default" | "file";
  /** Neither capability is in another pair. */
  comparable: boolean;
}

const COLUMNS = ["from_code", "to_code"];
const OPTIONAL = ["note"];

/**
 * The rows of a crosswalk file, checked (pure): every problem names the row and column and says
 * what was expected. A row pairs two capabilities, or leaves one side empty to say that a
 * capability has no counterpart (retired, or new).
 */
export function checkCrosswalkFile(
  file: string,
  records: string[][],
  from: { version: string; codes: Set<string> },
  to: { version: string; codes: Set<string> },
): { rows: CrosswalkRow[]; problems: Problem[] } {
  const name = path.basename(file);
  const problems: Problem[] = [];
  const [header = [], ...data] = records;
  const names = header.map((h) => h.trim().toLowerCase());
  const at = Object.fromEntries(names.map((h, i) => [h, i]));
  const expected = `expected columns ${COLUMNS.join(", ")} and optionally ${OPTIONAL.join(", ")}`;
  for (const c of COLUMNS.filter((c) => at[c] === undefined)) problems.push({ file: name, row: 1, column: c, message: `missing column; ${expected}` });
  for (const c of names.filter((c) => !COLUMNS.includes(c) && !OPTIONAL.includes(c))) {
    problems.push({ file: name, row: 1, column: c, message: `unexpected column; ${expected}` });
  }
  if (problems.length) return { rows: [], problems };
  if (data.length === 0) {
    return { rows: [], problems: [{ file: name, message: "the file has a header but no rows; to import the default pairs only, leave the file out" }] };
  }
  const rows: CrosswalkRow[] = [];
  const pairs = new Map<string, number>();
  // Where a side was said to have no counterpart, and where it was paired: both cannot hold.
  const alone = new Map<string, number>();
  const paired = new Map<string, number>();
  data.forEach((cells, i) => {
    const row = i + 2;
    const found = problems.length;
    const problem = (column: string, message: string) => problems.push({ file: name, row, column, message });
    const fromCode = (cells[at.from_code] ?? "").trim();
    const toCode = (cells[at.to_code] ?? "").trim();
    if (!fromCode && !toCode) return void problem("from_code", "both codes are empty; expected a capability code in from_code, to_code or both");
    if (fromCode && !from.codes.has(fromCode)) problem("from_code", `${fromCode} is not a capability of framework ${from.version}; expected one of its codes, such as 6-05`);
    if (toCode && !to.codes.has(toCode)) problem("to_code", `${toCode} is not a capability of framework ${to.version}; expected one of its codes, such as 6-05`);
    if (problems.length > found) return;
    const sides = [fromCode ? `from:${fromCode}` : null, toCode ? `to:${toCode}` : null].filter((s): s is string => s !== null);
    if (fromCode && toCode) {
      const key = `${fromCode}\x1f${toCode}`;
      const earlier = pairs.get(key);
      if (earlier !== undefined) return void problem("to_code", `repeats the pair of row ${earlier}: each pair once`);
      pairs.set(key, row);
      for (const s of sides) {
        const none = alone.get(s);
        if (none !== undefined) return void problem(s.startsWith("from") ? "from_code" : "to_code", `row ${none} says this capability has no counterpart; pair it or leave it without one, not both`);
      }
      for (const s of sides) if (!paired.has(s)) paired.set(s, row);
    } else {
      const s = sides[0];
      const column = fromCode ? "from_code" : "to_code";
      if (alone.has(s)) return void problem(column, `repeats row ${alone.get(s)}: say once that a capability has no counterpart`);
      if (paired.has(s)) return void problem(column, `row ${paired.get(s)} pairs this capability; pair it or leave it without one, not both`);
      alone.set(s, row);
    }
    rows.push({ row, fromCode: fromCode || null, toCode: toCode || null });
  });
  return { rows, problems };
}

/**
 * The pairs of a crosswalk (pure): the default pairs — same code, level and badges — of every
 * capability the file does not name, then the file's pairs. A pair is comparable (1:1) when neither
 * of its capabilities is in another pair: a split or merge has no like-for-like figure.
 */
export function crosswalkPairs(from: PairingCapability[], to: PairingCapability[], rows: CrosswalkRow[] = []): CrosswalkPair[] {
  const namedFrom = new Set(rows.map((r) => r.fromCode).filter((c) => c !== null));
  const namedTo = new Set(rows.map((r) => r.toCode).filter((c) => c !== null));
  const later = new Map(to.map((c) => [c.code, c]));
  const defaults = from.flatMap((c) => {
    const t = later.get(c.code);
    const same = t !== undefined && t.level === c.level && t.archetypes === c.archetypes;
    return same && !namedFrom.has(c.code) && !namedTo.has(c.code) ? [{ fromCode: c.code, toCode: c.code, origin: "default" as const }] : [];
  });
  const explicit = rows.filter((r) => r.fromCode !== null && r.toCode !== null).map((r) => ({ fromCode: r.fromCode!, toCode: r.toCode!, origin: "file" as const }));
  const all = [...defaults, ...explicit];
  const count = (codes: string[]) => codes.reduce((m, c) => m.set(c, (m.get(c) ?? 0) + 1), new Map<string, number>());
  const fromCount = count(all.map((p) => p.fromCode));
  const toCount = count(all.map((p) => p.toCode));
  return all.map((p) => ({ ...p, comparable: fromCount.get(p.fromCode) === 1 && toCount.get(p.toCode) === 1 }));
}

interface VersionRow {
  id: number;
  version: string;
}

async function frameworkCapabilities(db: Database, version: string, flag: string): Promise<VersionRow & { capabilities: (PairingCapability & { id: number })[] }> {
  const [framework] = await db.query<VersionRow>("select id, version from frameworks where version = $1", [version]);
  if (!framework) {
    const known = (await db.query<{ version: string }>("select version from frameworks order by id")).map((f) => f.version);
    throw new InputError(`${flag} ${version}: there is no framework version ${version}; imported versions are ${known.join(", ")}.`);
  }
  const capabilities = await db.query<PairingCapability & { id: number }>(
    "select id, code, level, archetypes from capabilities where framework_id = $1 order by sort_order",
    [framework.id],
  );
  return { ...framework, capabilities: capabilities.map((c) => ({ ...c, level: Number(c.level) })) };
}

export interface CrosswalkImport {
  summary: CrosswalkSummary;
  /** Pairs in all, and those from the file. */
  pairs: number;
  filePairs: number;
  /** Waves on either version whose crosswalked rollups were built. */
  waves: number;
}

/**
 * Imports a crosswalk from `fromVersion` to `toVersion` (the default pairs, and the file's when
 * `file` is given), replacing any earlier import between the two, and builds the crosswalked
 * rollups of every wave on either version; throws InputError naming every problem.
 */
export async function importCrosswalk(db: Database, file: string | null, fromVersion: string, toVersion: string): Promise<CrosswalkImport> {
  if (fromVersion === toVersion) throw new InputError(`--from and --to are both ${fromVersion}: a crosswalk runs between two framework versions.`);
  const from = await frameworkCapabilities(db, fromVersion, "--from");
  const to = await frameworkCapabilities(db, toVersion, "--to");
  let rows: CrosswalkRow[] = [];
  let hash: string | null = null;
  if (file !== null) {
    let text: string;
    let records: string[][];
    try {
      text = readFileSync(file, "utf8").replace(/^\uFEFF/, "");
      records = parse(text, { relax_column_count: true, skip_empty_lines: true }) as string[][];
    } catch (error) {
      throw new InputError(`${path.basename(file)} cannot be read as CSV (${(error as Error).message}); save it as CSV UTF-8`);
    }
    const codes = (f: typeof from) => ({ version: f.version, codes: new Set(f.capabilities.map((c) => c.code)) });
    const checked = checkCrosswalkFile(file, records, codes(from), codes(to));
    if (checked.problems.length) throw new InputError(`${path.basename(file)} was not imported: nothing changed.`, checked.problems);
    rows = checked.rows;
    hash = sha256(text);
  }
  const pairs = crosswalkPairs(from.capabilities, to.capabilities, rows);
  const idOf = (list: typeof from.capabilities) => new Map(list.map((c) => [c.code, c.id]));
  const [fromId, toId] = [idOf(from.capabilities), idOf(to.capabilities)];
  return db.transaction(async (tx) => {
    // Loads into these waves wait (and a load that holds a wave's lock is waited for), so no load's
    // ratings are missed by the rollups built here. Then the crosswalk lock, taken after the wave
    // locks as every load takes its wave's lock before refreshing (no deadlock): a load that
    // created a wave meanwhile has committed once it is held, and is in the waves read again; any
    // later load reads this crosswalk.
    const lockWaves = await tx.query<{ label: string }>("select label from waves where framework_id in ($1, $2) order by label", [from.id, to.id]);
    for (const w of lockWaves) await tx.query("select pg_advisory_xact_lock($1, hashtext($2))", [WAVE_LOCK_CLASS, w.label]);
    await tx.query("select pg_advisory_xact_lock($1)", [CROSSWALK_LOCK_KEY]);
    const waves = await tx.query<{ id: number; label: string; purged: string | null }>(
      "select id, label, to_char(respondents_purged_at, 'YYYY-MM-DD') as purged from waves where framework_id in ($1, $2) order by label",
      [from.id, to.id],
    );
    // Crosswalked rollups are built from the ratings, which the retention purge has deleted.
    const purged = waves.filter((w) => w.purged);
    if (purged.length) {
      throw new InputError(
        `Not imported: the respondent-level rows of wave ${purged.map((w) => `${w.label} (deleted ${w.purged})`).join(", ")} ` +
          "were deleted under the retention policy, and a crosswalk's figures are built from them; nothing changed.",
      );
    }
    const [{ id }] = await tx.query<{ id: number }>(
      `insert into crosswalks (from_framework_id, to_framework_id, file_name, sha256) values ($1, $2, $3, $4)
       on conflict (from_framework_id, to_framework_id)
       do update set file_name = excluded.file_name, sha256 = excluded.sha256, imported_at = now() returning id`,
      [from.id, to.id, file === null ? null : path.basename(file), hash],
    );
    await tx.query("delete from crosswalk_pairs where crosswalk_id = $1", [id]);
    await tx.query("delete from crosswalk_rollups where crosswalk_id = $1", [id]);
    await tx.query(
      `insert into crosswalk_pairs (crosswalk_id, from_capability_id, to_capability_id, origin, comparable)
       select $1, x.f, x.t, x.o, x.c from json_to_recordset($2::json) as x(f int, t int, o text, c boolean)`,
      [id, JSON.stringify(pairs.map((p) => ({ f: fromId.get(p.fromCode), t: toId.get(p.toCode), o: p.origin, c: p.comparable })))],
    );
    // Fresh statistics for the pairs just written: without them the planner joins every rating
    // by index probes (twice as slow on the demo data).
    await tx.query("analyze crosswalk_pairs");
    for (const w of waves) await buildCrosswalkRollups(tx, id, w.id);
    return {
      summary: await crosswalkSummary(tx, id),
      pairs: pairs.length,
      filePairs: pairs.filter((p) => p.origin === "file").length,
      waves: waves.length,
    };
  });
}
