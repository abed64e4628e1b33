// The gaps query: sums rollups across the person axis for one framework grain, reads region and
// ICB from membership at each wave's reference date, then applies disclosure control. The page,
// the CLI and the API all call this one function, so no path can skip suppression.
import type { Sql } from "../client";
import { type Dimension, type FrameworkDimension, type GapPlan, GEOGRAPHY, type Geography, planGaps, publishedPlan, QueryError, type Filters } from "./dimensions";
import { type CrosswalkSource, gapSql } from "./gap-sql";
import { addAttainmentColumns, ATTAINMENT_COLUMNS, checkAttainmentPlan } from "./attainment";
import { crosswalkNote, findCrosswalk, seriesBreaks } from "./crosswalk";
import { cellSums, gapInterval, gapRate } from "./metrics";
import { FUNNEL_COLUMNS, funnelRows } from "./funnel";
import { ALL, cellKey, frameworkKey, geographyKey } from "./cube";
import { hiddenCells } from "./disclosure";
import { addPeerColumns, PEER_COLUMNS } from "./peers";
import { addCoverageColumns, type Coverage, COVERAGE_COLUMNS } from "./coverage";
import { addChangeColumns, CHANGE_COLUMNS, type Comparison, compareOrganisations } from "./trends";
import { describeScope, NATIONAL, type Scope } from "./scope";
import { type DataStatus, dataStatus } from "./status";
import { isSuppressed, publishedCount, publishedRate, ROUNDING_RULE, suppressionThreshold } from "./suppression";

export type Cell = string | number | boolean | null;
export type GapRow = Record<string, Cell>;

export interface GapMeta {
  by: Dimension[];
  filters: Filters;
  scope: string;
  waves: string[];
  framework_versions: string[];
  suppression: { rule: string; k: number };
  /** How published figures are rounded (docs/metrics.md). */
  rounding: string;
  /** Waves of the table still open: their figures may change as files arrive. */
  provisional_waves: string[];
  /** Grouped by wave: open waves left out of the series (ask for provisional figures to include them). */
  open_waves_left_out?: string[];
  /** Grouped by wave: each wave where the series changes framework version (its rows have series_break). */
  series_breaks?: { wave: string; from_version: string; to_version: string }[];
  /** Compared tables only: which waves and organisations the change columns compare. */
  comparison?: Comparison;
  /** Funnel tables only: England's rate, the spread σ₁ and the overdispersion factor (docs/metrics.md, "Funnel plots"). */
  funnel?: { p0: number | null; sigma1: number | null; phi: number; overdispersion_applied: boolean; organisations: number };
  /** Priority lists only: how the list is ranked and when a stratum borrows (priorities.ts). */
  priorities?: { grain: string; below: string; ranking: string; borrowing: string };
  /** Weighted tables only: which waves have a headcount, and the low-response threshold. */
  coverage?: Coverage;
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

/** Measures in output order; ci_low and ci_high came after suppressed, so columns are only ever added at the end. */
export const MEASURES = ["respondents", "required", "met", "gap_rate", "suppressed", "ci_low", "ci_high"] as const;

/** A cell as the query sums it: its dimension values, counts and the per-respondent sums of its interval. */
export type RawCell = Record<string, Cell> & { respondents: number; required: number; met: number; sum_r2: number; sum_u2: number; sum_ru: number };

export interface GapRequest {
  by: string[];
  filters?: Filters;
  /** An earlier wave to compare with (docs/metrics.md, "Trends"): adds CHANGE_COLUMNS. */
  compareTo?: string;
  /** Compare all organisations of each wave, not only those that reported in both. */
  unmatched?: boolean;
  /** Grouped by wave: include waves still open (labelled provisional); by default a series holds closed and published waves only. */
  provisional?: boolean;
  /** Add headcount, response rate and the post-stratified weighted gap rate (COVERAGE_COLUMNS). */
  weighted?: boolean;
  /** Attained levels (docs/metrics.md, "Attained level"): adds ATTAINMENT_COLUMNS; domain grain only. */
  attainment?: boolean;
}

/** Reads the exact cells of a request (queryCells) for one scope: how peers and funnels get their comparators. */
export type CellReader = (request: GapRequest) => Promise<RawCell[]>;

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
  const plan = publishedPlan(request.by, request.filters);
  const status = await dataStatus(db);
  const compare = request.compareTo ? { compareTo: request.compareTo, matched: !request.unmatched } : null;
  const options = { provisional: Boolean(request.provisional), weighted: Boolean(request.weighted), attainment: Boolean(request.attainment) };
  if (options.attainment) checkAttainmentPlan(plan);
  const key = JSON.stringify([handleId(db), describeScope(scope), plan, compare, options, k, status.version]);
  const hit = cache.get(key);
  if (hit) return { ...hit, meta: { ...hit.meta, generated_at: new Date().toISOString() } };
  const table = await computeGaps(db, scope, plan, k, status, compare, options);
  if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(key, table);
  return table;
}

/**
 * The cells of a request as summed from the rollups: exact counts, nothing suppressed or rounded.
 * Never an output path: only queryGaps publishes them (and tests check the sums against the raw
 * ratings; tests/unit/db/analytics/output-paths.test.ts keeps the app and scripts away from it).
 */
export async function queryCells(
  db: Sql,
  scope: Scope,
  request: GapRequest,
  organisations?: string[],
  crosswalk?: CrosswalkSource,
): Promise<{ plan: GapPlan; waves: WaveRef[]; cells: RawCell[] }> {
  const plan = planGaps(request.by, request.filters);
  await checkFilterValues(db, plan.filters);
  const waves = await resolveWaves(db, plan);
  const { text, params } = gapSql(plan, scope, waves.map((w) => w.id), organisations, crosswalk);
  const raw = waves.length ? await db.query<RawCell>(text, params) : [];
  // With no grouping, an empty result is still one (empty) cell: England has 0 respondents.
  const grouped = plan.person.length + plan.framework.length > 0;
  return { plan, waves, cells: raw.length === 0 && !grouped && waves.length ? [EMPTY_CELL] : raw };
}

async function computeGaps(
  db: Sql,
  scope: Scope,
  plan: GapPlan,
  k: number,
  status: DataStatus,
  compare: { compareTo: string; matched: boolean } | null,
  { provisional, weighted, attainment }: { provisional: boolean; weighted: boolean; attainment: boolean },
): Promise<GapTable> {
  const queried = await queryCells(db, scope, { by: [...plan.person, ...plan.framework], filters: plan.filters });
  // A series across waves holds closed and published waves; open ones only when asked for, labelled.
  const open = new Set(status.waves.filter((w) => w.status === "open").map((w) => w.label));
  const series = plan.person.includes("wave");
  const leftOut = series && !provisional ? queried.waves.filter((w) => open.has(w.label)).map((w) => w.label) : [];
  const waves = queried.waves.filter((w) => !leftOut.includes(w.label));
  const cells = queried.cells.filter((c) => !leftOut.includes(String(c.wave)));
  const dims: Dimension[] = [...plan.person, ...plan.framework];
  const england = isEnglandLevel(scope, plan);
  const hidden = await complementaryHidden(db, scope, plan, waves, k);
  const rows = cells.map((r) => publishCell(r, dims, k, england, hidden(r)));
  // A change of framework version breaks the series: its waves are not like for like.
  const breaks = series ? seriesBreaks(waves) : [];
  if (series) rows.forEach((row) => Object.assign(row, { provisional: open.has(String(row.wave)), series_break: breaks.some((b) => b.wave === row.wave) }));
  const byOrganisation = plan.person.includes("organisation");
  // Peers and weights are worked out on every organisation's data, whoever is asking (NATIONAL, not `scope`).
  const national = async (request: GapRequest) => (await queryCells(db, NATIONAL, request)).cells;
  if (byOrganisation) {
    await addPeerColumns(db, plan, rows, cells.map((cell) => ({ cell, ci: intervalOf(cell) })), national, k);
  }
  if (attainment) await addAttainmentColumns(db, scope, plan, waves.map((w) => w.id), rows, cells, k, england);
  const comparison = compare ? await addComparison(db, scope, plan, rows, cells, waves, status, compare, k, england) : undefined;
  const coverage = weighted ? await addCoverageColumns(db, scope, plan, rows, cells, waves, national, england) : undefined;
  return {
    meta: {
      ...gapMeta(scope, plan, waves, k, status),
      ...(series ? { open_waves_left_out: leftOut, series_breaks: breaks } : {}),
      ...(comparison ? { comparison } : {}),
      ...(coverage ? { coverage } : {}),
    },
    columns: [
      ...dims.flatMap((d) => [d, `${d}_name`]),
      ...MEASURES,
      ...(byOrganisation ? PEER_COLUMNS : []),
      ...(comparison ? CHANGE_COLUMNS : []),
      ...(series ? ["provisional", "series_break"] : []),
      ...(coverage ? COVERAGE_COLUMNS : []),
      ...(attainment ? ATTAINMENT_COLUMNS : []),
    ],
    rows,
  };
}

/** Adds the change since an earlier wave to the rows (trends.ts) and says what was compared. */
async function addComparison(
  db: Sql,
  scope: Scope,
  plan: GapPlan,
  rows: GapRow[],
  cells: RawCell[],
  waves: WaveRef[],
  status: DataStatus,
  { compareTo, matched }: { compareTo: string; matched: boolean },
  k: number,
  england: boolean,
): Promise<Comparison> {
  if (plan.person.includes("wave")) throw new QueryError("compare_to compares one wave with another: do not also group by wave.");
  const later = status.waves.find((w) => w.label === waves[0]?.label);
  const earlier = status.waves.find((w) => w.label === compareTo);
  if (!later) throw new QueryError("There is no wave to compare: no waves are loaded yet.");
  if (!earlier) throw new QueryError(`Unknown wave ${compareTo} in compare_to: loaded waves are ${status.waves.map((w) => w.label).join(", ")}.`);
  if (earlier.referenceDate >= later.referenceDate) {
    throw new QueryError(`compare_to must be an earlier wave than ${later.label} (waves are compared in reference-date order); ${earlier.label} is not.`);
  }
  // Across framework versions, both waves are read through the crosswalk (or refused without one).
  const crosswalk = earlier.frameworkVersion === later.frameworkVersion ? null : await findCrosswalk(db, earlier, later);
  const source = crosswalk ? { crosswalkId: crosswalk.id, toFrameworkId: crosswalk.toFrameworkId } : undefined;
  // Who reported in each wave, in scope (and within any geography filter): any respondent at all.
  const geography = Object.fromEntries(Object.entries(plan.filters).filter(([d]) => (GEOGRAPHY as readonly string[]).includes(d)));
  const reporting = async (wave: string) =>
    (await queryCells(db, scope, { by: ["organisation"], filters: { ...geography, wave } })).cells.filter((c) => c.respondents > 0).map((c) => String(c.organisation));
  const { compared, leftOut } = compareOrganisations(await reporting(later.label), await reporting(earlier.label), matched);
  const request = (wave: string) => ({ by: [...plan.person, ...plan.framework], filters: { ...plan.filters, wave } });
  const restrict = matched ? compared : undefined;
  const now = (await queryCells(db, scope, request(later.label), restrict, source)).cells;
  const then = (await queryCells(db, scope, request(earlier.label), restrict, source)).cells;
  // A cell hidden in the earlier wave's pattern publishes no earlier rate (the matched cell is often the whole cell).
  const earlierHidden = (await hiddenCells(db, [earlier.id], k)).get(earlier.id)!;
  // Through a crosswalk, a capability cell is the earlier wave's cell of its paired capability.
  const asEarlier = (c: RawCell) =>
    crosswalk && plan.rollupGrain === "capability" ? { ...c, _grain_key: crosswalk.earlierCode.get(String(c._grain_key)) ?? c._grain_key } : c;
  const withheld = cells.map((c) => earlierHidden.has(publishedCellKey(plan, scope, asEarlier(c))));
  addChangeColumns(rows, [...plan.person, ...plan.framework], now, then, k, england, withheld);
  return {
    wave: later.label,
    compare_to: earlier.label,
    matched,
    organisations_compared: compared.length,
    organisations_left_out: leftOut,
    provisional_waves: [earlier, later].filter((w) => w.status === "open").map((w) => w.label),
    series_break: crosswalk !== null,
    ...(crosswalk ? { crosswalk: crosswalk.summary } : {}),
    label:
      (matched
        ? `change since ${earlier.label}, over the ${compared.length} organisations that reported in both waves (${leftOut} left out)`
        : `change since ${earlier.label}, unmatched: each wave over all organisations that reported in it`) +
      (crosswalk ? crosswalkNote(crosswalk.summary) : ""),
  };
}

function intervalOf(r: RawCell) {
  return gapInterval(cellSums(r));
}

/**
 * Funnel plot data for one cell (filters: wave and non-geographic dimensions): one row per
 * organisation in scope, with its 95% and 99.8% limits (FUNNEL_COLUMNS). Uncached: one small query.
 */
export async function queryFunnel(db: Sql, scope: Scope, filters: Filters, k = suppressionThreshold()): Promise<GapTable> {
  const status = await dataStatus(db);
  const cellsIn = (s: Scope) => async (request: GapRequest) => (await queryCells(db, s, request)).cells;
  const plan = publishedPlan(["organisation"], filters);
  const waves = await resolveWaves(db, plan);
  const funnel = await funnelRows(cellsIn(scope), cellsIn(NATIONAL), filters, k, await complementaryHidden(db, scope, plan, waves, k));
  return {
    meta: {
      ...gapMeta(scope, plan, waves, k, status),
      funnel: {
        p0: funnel.basis?.p0 ?? null,
        sigma1: funnel.basis?.sigma1 ?? null,
        phi: funnel.phi,
        overdispersion_applied: funnel.overdispersed,
        organisations: funnel.organisations,
      },
    },
    columns: [...FUNNEL_COLUMNS],
    rows: funnel.rows,
  };
}

/**
 * A published cell's key in its wave's cube (cube.ts): the finest of the grouped geography, a
 * geography filter and the caller's scope; each staff dimension grouped, filtered or all; the
 * framework grain and key.
 */
export function publishedCellKey(plan: GapPlan, scope: Scope, r: RawCell): string {
  const places: [number, string, string][] = [];
  GEOGRAPHY.forEach((d, level) => {
    if (plan.person.includes(d)) places.push([level, d, String(r[d])]);
    else if (plan.filters[d] !== undefined) places.push([level, d, String(r[`_${d}`])]);
  });
  if (scope.kind !== "national") places.push([GEOGRAPHY.indexOf(scope.kind), scope.kind, scope.code]);
  const finest = places.sort((a, b) => b[0] - a[0])[0];
  const geography = finest ? geographyKey(finest[1] as Geography, finest[2]) : geographyKey("england");
  const staff = (["staff_group", "archetype", "band"] as const).map((d) =>
    plan.person.includes(d) ? String(r[d] ?? "") : plan.filters[d] !== undefined ? String(r[`_${d}`] ?? "") : ALL,
  ) as [string, string, string];
  return cellKey(geography, staff, frameworkKey(plan.rollupGrain, String(r._grain_key ?? "")));
}

/** Whether each cell is hidden by its wave's complementary-suppression pattern (disclosure.ts). */
async function complementaryHidden(db: Sql, scope: Scope, plan: GapPlan, waves: WaveRef[], k: number): Promise<(r: RawCell) => boolean> {
  const patterns = await hiddenCells(db, waves.map((w) => w.id), k);
  const idOf = new Map(waves.map((w) => [w.label, w.id]));
  return (r) => {
    const waveId = plan.person.includes("wave") ? idOf.get(String(r.wave)) : waves[0]?.id;
    return waveId !== undefined && (patterns.get(waveId)?.has(publishedCellKey(plan, scope, r)) ?? false);
  };
}

/** Cells for all of England: a national caller, and no region, ICB or organisation grouping or filter. */
export function isEnglandLevel(scope: Scope, plan: Pick<GapPlan, "person" | "filters">): boolean {
  return scope.kind === "national" && !GEOGRAPHY.some((d) => plan.person.includes(d) || plan.filters[d] !== undefined);
}

const EMPTY_CELL: RawCell = { respondents: 0, required: 0, met: 0, sum_r2: 0, sum_u2: 0, sum_ru: 0 };

/**
 * Disclosure control: a cell under k respondents keeps only its dimension values, and nothing
 * derived from its counts (the interval included) is published. Counts are published rounded to
 * the nearest 5, and below England level the rate and interval to 0.1 percentage points; both are
 * computed from the exact counts first.
 */
export function publishCell(r: RawCell, dims: Dimension[], k: number, england: boolean, hidden = false): GapRow {
  const out: GapRow = {};
  for (const d of dims) {
    out[d] = r[d] ?? null;
    out[`${d}_name`] = r[`${d}_name`] ?? null;
  }
  if (isSuppressed(r.respondents, k) || hidden) {
    return { ...out, respondents: null, required: null, met: null, gap_rate: null, suppressed: true, ci_low: null, ci_high: null };
  }
  const interval = intervalOf(r);
  const rate = (value: number | null | undefined) => (value == null ? null : england ? value : publishedRate(value));
  return {
    ...out,
    respondents: publishedCount(r.respondents),
    required: publishedCount(r.required),
    met: publishedCount(r.met),
    gap_rate: rate(gapRate(r.required, r.met)),
    suppressed: false,
    ci_low: rate(interval?.low),
    ci_high: rate(interval?.high),
  };
}

const FILTER_TABLES: Partial<Record<Dimension, string>> = {
  region: "select 1 from regions where code = upper($1)",
  icb: "select 1 from icbs where code = upper($1)",
  organisation: "select 1 from organisations where code = upper($1)",
  staff_group: "select 1 from staff_groups where upper(code) = upper($1)",
  archetype: "select 1 from archetypes where code = upper($1)",
};

/** An unknown code in a filter is a mistake to report, not an empty table to show. */
export async function checkFilterValues(db: Sql, filters: Filters): Promise<void> {
  for (const [dim, value] of Object.entries(filters) as [Dimension, string][]) {
    const check = FILTER_TABLES[dim];
    if (check && (await db.query(check, [value])).length === 0) {
      throw new QueryError(`Unknown ${dim.replace("_", " ")} ${JSON.stringify(value)}: use its code (see the reference data).`);
    }
  }
}

export interface WaveRef {
  id: number;
  label: string;
  version: string;
}

/** The waves a request covers: all (grouped by wave), the filtered one, or the latest by reference date. */
export async function resolveWaves(db: Sql, plan: GapPlan): Promise<WaveRef[]> {
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

export function gapMeta(scope: Scope, plan: GapPlan, waves: WaveRef[], k: number, status: DataStatus): GapMeta {
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
    rounding: ROUNDING_RULE,
    provisional_waves: waves.filter((w) => status.waves.find((s) => s.label === w.label)?.status === "open").map((w) => w.label),
    synthetic: status.synthetic,
    data_as_at: status.dataAsAt,
    generated_at: new Date().toISOString(),
  };
}

export type { FrameworkDimension };
