// Building blocks every page uses: headline figures and a person × Domain heatmap with its table
// data. All figures come from queryGaps, so suppression is always already applied.
import type { Filters } from "~db/analytics/dimensions";
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
  suppressed: boolean;
}

export async function headline(db: Sql, wave: Wave, filters: Filters, countOrganisationsIn?: Scope): Promise<Headline> {
  const table = await orBadRequest(() => queryGaps(db, NATIONAL, { by: [], filters: { ...filters, wave: wave.label } }));
  const [row] = table.rows;
  const result: Headline = {
    respondents: typeof row?.respondents === "number" ? row.respondents : null,
    gapRate: typeof row?.gap_rate === "number" ? row.gap_rate : null,
    suppressed: row?.suppressed === true,
  };
  if (countOrganisationsIn) result.organisations = await organisationsReporting(db, countOrganisationsIn, wave.label);
  return result;
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
  return figure.matrix.rows.length === 0 ? { ...h, respondents: null, gapRate: null, suppressed: false } : h;
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
