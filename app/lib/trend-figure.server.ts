// The trend of the gap rate by Domain across Waves for a place (England, or any geography filter
// such as { organisation: "RAL" }), ready for a page: the chart, the rows of its table and what the
// series left out. From queryGaps grouped by wave and domain, so suppression is already applied.
import type { Filters } from "~db/analytics/dimensions";
import { queryGaps } from "~db/analytics/gaps";
import { NATIONAL } from "~db/analytics/scope";
import type { Sql } from "~db/client";
import { renderTrend, trendCellText, trendSeries, type TrendSeries, trendWaveHeading } from "~/charts/trend.server";
import { type Downloads, downloadLinks } from "./downloads";
import { waveName } from "./format";
import { orBadRequest } from "./http.server";

export interface TrendRequest {
  /** Unique within the page; the table's id is `${id}-table`. */
  id: string;
  title: string;
  /** Narrowing and geography filters; never a wave (the trend spans them all). */
  filters: Filters;
  /** Include waves still open, labelled provisional (by default a series holds closed and published waves only). */
  provisional?: boolean;
}

export interface TrendFigure {
  id: string;
  chart: string;
  series: TrendSeries;
  /** The table beside the chart: a row per domain, a column per wave, the same text as the chart's points. */
  table: { columns: { key: string; header: string }[]; rows: { key: string; name: string; cells: string[] }[] };
  /** Open waves the series left out (none when provisional figures were asked for). */
  openWavesLeftOut: { label: string; name: string }[];
  /** Waves in the series still open (only when provisional figures were asked for). */
  provisionalWaves: { label: string; name: string }[];
  seriesBreaks: { wave: string; name: string; fromVersion: string; toVersion: string }[];
  /** The same table from /api/gaps (by wave and domain, the same filters). */
  downloads: Downloads;
  k: number;
}

const named = (label: string) => ({ label, name: waveName(label) });

export async function trendFigure(db: Sql, request: TrendRequest): Promise<TrendFigure> {
  const { wave: _wave, ...filters } = request.filters;
  const table = await orBadRequest(() =>
    queryGaps(db, NATIONAL, { by: ["wave", "domain"], filters, provisional: Boolean(request.provisional) }),
  );
  const series = trendSeries(table.rows, table.meta.waves.map(named));
  const openWavesLeftOut = (table.meta.open_waves_left_out ?? []).map(named);
  const chart = renderTrend({
    id: request.id,
    title: request.title,
    series,
    emptyMessage: openWavesLeftOut.length
      ? "No closed or published waves yet: the waves still open are left out of the trend."
      : "No data for the trend yet",
  });
  return {
    id: request.id,
    chart,
    series,
    table: {
      columns: series.waves.map((w) => ({ key: w.label, header: trendWaveHeading(w) })),
      rows: series.domains.map((d) => ({ key: d.code, name: d.name, cells: d.cells.map(trendCellText) })),
    },
    openWavesLeftOut,
    provisionalWaves: series.waves.filter((w) => w.provisional).map((w) => named(w.label)),
    seriesBreaks: (table.meta.series_breaks ?? []).map((b) => ({ wave: b.wave, name: waveName(b.wave), fromVersion: b.from_version, toVersion: b.to_version })),
    downloads: downloadLinks("/api/gaps", { by: "wave,domain", ...filters, provisional: Boolean(request.provisional) }),
    k: table.meta.suppression.k,
  };
}
