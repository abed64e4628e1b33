// Building blocks every page uses: headline figures and a person × Domain heatmap with its table
// data. All figures come from queryGaps, so suppression is always already applied.
import { type Filters, QueryError } from "~db/analytics/dimensions";
import { queryGaps } from "~db/analytics/gaps";
import { NATIONAL, type Scope } from "~db/analytics/scope";
import { organisationsReporting } from "~db/analytics/status";
import type { Sql } from "~db/client";
import type { Wave } from "~db/waves";
import { renderGapHeatmap } from "~/charts/heatmap.server";
import { type Downloads, downloadLinks } from "./downloads";
import { type GapMatrix, type MatrixSpec, toGapMatrix } from "./gap-matrix";
import { orBadRequest } from "./http.server";

export interface Headline {
  /** Null when suppressed. */
  respondents: number | null;
  /** Organisations with respondents in the wave; absent on an organisation's own page. */
  organisations?: number;
  gapRate: number | null;
  /** The gap rate's 95% interval (null when suppressed). */
  ciLow?: number | null;
  ciHigh?: number | null;
  suppressed: boolean;
  /** Asked for weighted: the rate weighted to the workforce in post, null when the wave has no headcount. */
  weighted?: HeadlineRate | null;
  /** Asked for a comparison: the change since the earlier wave, or why there is none. */
  change?: HeadlineChange | { unavailable: string };
}

export interface HeadlineRate {
  rate: number;
  low: number;
  high: number;
}

/** The change since an earlier wave, as queryGaps publishes it with compareTo (docs/metrics.md, "Trends"). */
export interface HeadlineChange {
  compareTo: string;
  /** The earlier wave's rate over the compared organisations; null when the change is withheld. */
  compareRate: number | null;
  /** Percentage points as a share (−0.021 = 2.1 points lower); null when withheld (suppressed or under k in either wave). */
  change: number | null;
  low: number | null;
  high: number | null;
  flag: string | null;
  matched: boolean;
  organisationsCompared: number;
  organisationsLeftOut: number;
  /** Of the two waves, those still open: their figures may change. */
  provisionalWaves: string[];
  /** The waves are on different framework versions, compared through a crosswalk. */
  seriesBreak: boolean;
}

export interface HeadlineOptions {
  /** Organisations reporting are counted in this scope (England, a region or an ICB). */
  countOrganisationsIn?: Scope;
  /** The wave to measure the change from (pageContext's compareWave); null or absent: no change. */
  compareWave?: Wave | null;
  /** Also give the rate weighted to the workforce in post. */
  weighted?: boolean;
}

const num = (v: unknown) => (typeof v === "number" ? v : null);

/**
 * The wave's headline figures for `filters`. The fourth argument is either the scope to count
 * organisations in (as the pages first called it) or the options.
 */
export async function headline(db: Sql, wave: Wave, filters: Filters, options: Scope | HeadlineOptions = {}): Promise<Headline> {
  const { countOrganisationsIn, compareWave, weighted } = "kind" in options ? { countOrganisationsIn: options as Scope } : (options as HeadlineOptions);
  const request = { by: [], filters: { ...filters, wave: wave.label } };
  const table = await orBadRequest(() => queryGaps(db, NATIONAL, { ...request, weighted: Boolean(weighted) }));
  const [row] = table.rows;
  const result: Headline = {
    respondents: num(row?.respondents),
    gapRate: num(row?.gap_rate),
    ciLow: num(row?.ci_low),
    ciHigh: num(row?.ci_high),
    suppressed: row?.suppressed === true,
  };
  if (weighted) {
    const rate = num(row?.weighted_gap_rate);
    result.weighted = rate === null ? null : { rate, low: num(row?.weighted_ci_low)!, high: num(row?.weighted_ci_high)! };
  }
  if (compareWave) result.change = await headlineChange(db, request, compareWave.label);
  if (countOrganisationsIn) result.organisations = await organisationsReporting(db, countOrganisationsIn, wave.label);
  return result;
}

/**
 * The change part of the headline. A comparison the query layer refuses (framework versions with
 * no crosswalk between them) leaves the rest of the page standing and says why.
 */
async function headlineChange(db: Sql, request: { by: string[]; filters: Filters }, compareTo: string): Promise<HeadlineChange | { unavailable: string }> {
  let table;
  try {
    table = await queryGaps(db, NATIONAL, { ...request, compareTo });
  } catch (error) {
    if (error instanceof QueryError) return { unavailable: error.message };
    throw error;
  }
  const [row] = table.rows;
  const comparison = table.meta.comparison!;
  return {
    compareTo,
    compareRate: num(row?.compare_gap_rate),
    change: num(row?.change),
    low: num(row?.change_ci_low),
    high: num(row?.change_ci_high),
    flag: typeof row?.change_flag === "string" ? row.change_flag : null,
    matched: comparison.matched,
    organisationsCompared: comparison.organisations_compared,
    organisationsLeftOut: comparison.organisations_left_out,
    provisionalWaves: comparison.provisional_waves,
    seriesBreak: comparison.series_break,
  };
}

export interface HeatmapFigure {
  matrix: GapMatrix;
  /** Server-rendered chart figure (HTML). */
  chart: string;
  /** Suppression threshold used, for the page's explanations. */
  k: number;
  /** The cells are gap rates weighted to the workforce in post (asked for, and the wave has a headcount). */
  weighted: boolean;
  /** The same table from /api/gaps. */
  downloads: Downloads;
}

export interface HeatmapRequest extends MatrixSpec {
  id: string;
  title: string;
  wave: Wave;
  filters?: Filters;
  /** Weight the gap rates to the workforce in post, where the wave has a headcount. */
  weighted?: boolean;
}

/** A place with no rows at all this wave has no data: its empty total is not "suppressed". */
export function headlineForFigure(h: Headline, figure: HeatmapFigure): Headline {
  if (figure.matrix.rows.length > 0) return h;
  const cleared: Headline = { ...h, respondents: null, gapRate: null, ciLow: null, ciHigh: null, suppressed: false };
  if (h.weighted !== undefined) cleared.weighted = null;
  if (h.change !== undefined) cleared.change = { unavailable: "There are no figures for this wave to compare." };
  return cleared;
}

export async function domainHeatmap(db: Sql, request: HeatmapRequest): Promise<HeatmapFigure> {
  const table = await orBadRequest(() =>
    queryGaps(db, NATIONAL, {
      by: [request.rowDimension, "domain"],
      filters: { ...request.filters, wave: request.wave.label },
      weighted: Boolean(request.weighted),
    }),
  );
  const weighted = Boolean(request.weighted && table.meta.coverage?.headcount_waves.includes(request.wave.label));
  // A weighted cell shows the weighted rate; suppression is the same cell's, decided by the query.
  const rows = weighted ? table.rows.map((r) => ({ ...r, gap_rate: r.weighted_gap_rate ?? null })) : table.rows;
  const matrix = toGapMatrix(rows, request);
  const k = table.meta.suppression.k;
  const title = weighted ? `${request.title}, weighted to staff in post` : request.title;
  // The href function cannot travel to the browser; the matrix rows already carry their links.
  const downloads = downloadLinks("/api/gaps", {
    by: `${request.rowDimension},domain`,
    wave: request.wave.label,
    ...request.filters,
    weighted: Boolean(request.weighted),
  });
  return { matrix, chart: renderGapHeatmap({ id: request.id, title, matrix, k }), k, weighted, downloads };
}
