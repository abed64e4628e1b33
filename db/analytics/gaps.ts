// The gaps query: sums rollups across the person axis for one framework grain, reads region and
// ICB from membership at each wave's reference date, then applies disclosure control. The page,
// the CLI and the API all call this one function, so no path can skip suppression.
import type { Sql } from "../client";
import { type Dimension, type FrameworkDimension, type GapPlan, planGaps, QueryError, type Filters } from "./dimensions";
import { gapSql } from "./gap-sql";
import { gapRate } from "./metrics";
import { describeScope, type Scope } from "./scope";
import { type DataStatus, dataStatus } from "./status";
import { isSuppressed, suppressionThreshold } from "./suppression";

export type Cell = string | number | boolean | null;
export type GapRow = Record<string, Cell>;

export interface GapMeta {
  by: Dimension[];
  filters: Filters;
  scope: string;
  waves: string[];
  framework_versions: string[];
  suppression: { rule: string; k: number };
  synthetic: boolean;
  data_as_at: string | null;
  generated_at: string;
}

export interface GapTable {
  meta: GapMeta;
  /** Output column names in order: `<dim>`, `<dim>_name` per dimension, then the measures. */
  columns: string[];
  rows: GapRow[];
}

export const MEASURES = ["respondents", "required", "met", "gap_rate", "suppressed"] as const;

export interface GapRequest {
  by: string[];
  filters?: Filters;
}

/**
 * Results by request, scope, k and data version. The data change only when a load or withdrawal
 * commits (which changes the version), so a cached table is exactly what a new query would return.
 */
const cache = new Map<string, GapTable>();
const CACHE_ENTRIES = 500;
/** Each database handle gets its own cache space (tests open many databases in one process). */
const handles = new WeakMap<Sql, number>();
let handleCount = 0;
const handleId = (db: Sql) => handles.get(db) ?? (handles.set(db, ++handleCount), handleCount);

/** Empties the result cache (benchmarks measure the queries themselves). */
export function clearGapCache(): void {
  cache.clear();
}

/** Gaps for `scope`, grouped by `by` (person dimensions × at most one framework grouping). */
export async function queryGaps(db: Sql, scope: Scope, request: GapRequest, k = suppressionThreshold()): Promise<GapTable> {
  const plan = planGaps(request.by, request.filters);
  const status = await dataStatus(db);
  const key = JSON.stringify([handleId(db), describeScope(scope), plan, k, status.version]);
  const hit = cache.get(key);
  if (hit) return { ...hit, meta: { ...hit.meta, generated_at: new Date().toISOString() } };
  const table = await computeGaps(db, scope, plan, k, status);
  if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(key, table);
  return table;
}

async function computeGaps(db: Sql, scope: Scope, plan: GapPlan, k: number, status: DataStatus): Promise<GapTable> {
  await checkFilterValues(db, plan.filters);
  const waves = await resolveWaves(db, plan);
  const dims: Dimension[] = [...plan.person, ...plan.framework];
  const { text, params } = gapSql(plan, scope, waves.map((w) => w.id));
  const raw = waves.length ? await db.query<GapRow & { respondents: number; required: number; met: number }>(text, params) : [];
  // With no grouping, an empty result is still one (empty) cell: England has 0 respondents.
  const cells = raw.length === 0 && dims.length === 0 && waves.length ? [{ respondents: 0, required: 0, met: 0 }] : raw;
  const rows = cells.map((r) => publishCell(r as GapRow & { respondents: number; required: number; met: number }, dims, k));
  return {
    meta: gapMeta(scope, plan, waves, k, status),
    columns: [...dims.flatMap((d) => [d, `${d}_name`]), ...MEASURES],
    rows,
  };
}

/** Disclosure control: a cell under k respondents keeps only its dimension values. */
export function publishCell(
  r: Record<string, Cell> & { respondents: number; required: number; met: number },
  dims: Dimension[],
  k: number,
): GapRow {
  const out: GapRow = {};
  for (const d of dims) {
    out[d] = r[d] ?? null;
    out[`${d}_name`] = r[`${d}_name`] ?? null;
  }
  if (isSuppressed(r.respondents, k)) {
    return { ...out, respondents: null, required: null, met: null, gap_rate: null, suppressed: true };
  }
  return { ...out, respondents: r.respondents, required: r.required, met: r.met, gap_rate: gapRate(r.required, r.met), suppressed: false };
}

const FILTER_TABLES: Partial<Record<Dimension, string>> = {
  region: "select 1 from regions where code = upper($1)",
  icb: "select 1 from icbs where code = upper($1)",
  organisation: "select 1 from organisations where code = upper($1)",
  staff_group: "select 1 from staff_groups where upper(code) = upper($1)",
  archetype: "select 1 from archetypes where code = upper($1)",
};

/** An unknown code in a filter is a mistake to report, not an empty table to show. */
async function checkFilterValues(db: Sql, filters: Filters): Promise<void> {
  for (const [dim, value] of Object.entries(filters) as [Dimension, string][]) {
    const check = FILTER_TABLES[dim];
    if (check && (await db.query(check, [value])).length === 0) {
      throw new QueryError(`Unknown ${dim.replace("_", " ")} ${JSON.stringify(value)}: use its code (see the reference data).`);
    }
  }
}

interface WaveRef {
  id: number;
  label: string;
  version: string;
}

/** The waves a request covers: all (grouped by wave), the filtered one, or the latest by reference date. */
async function resolveWaves(db: Sql, plan: GapPlan): Promise<WaveRef[]> {
  const all = await db.query<WaveRef>(
    `select w.id, w.label, f.version from waves w join frameworks f on f.id = w.framework_id
     order by w.reference_date, w.label`,
  );
  const wanted = plan.filters.wave;
  if (wanted !== undefined) {
    const wave = all.find((w) => w.label === wanted);
    if (!wave) {
      throw new QueryError(
        `Unknown wave ${wanted}: ${all.length ? `loaded waves are ${all.map((w) => w.label).join(", ")}` : "no waves are loaded yet"}.`,
      );
    }
    return [wave];
  }
  if (plan.person.includes("wave")) return all;
  return all.length ? [all[all.length - 1]] : [];
}

function gapMeta(scope: Scope, plan: GapPlan, waves: WaveRef[], k: number, status: DataStatus): GapMeta {
  return {
    by: [...plan.person, ...plan.framework],
    filters: plan.filters,
    scope: describeScope(scope),
    waves: waves.map((w) => w.label),
    framework_versions: [...new Set(waves.map((w) => w.version))],
    suppression: {
      rule: `cells with fewer than ${k} respondents are suppressed: only their dimension values are published`,
      k,
    },
    synthetic: status.synthetic,
    data_as_at: status.dataAsAt,
    generated_at: new Date().toISOString(),
  };
}

export type { FrameworkDimension };
