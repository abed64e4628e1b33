// The trend of the gap rate by Domain across Waves: one small panel per domain (the domain named
// above it, so no colour or legend is needed to tell them apart), each a line through the waves'
// rates with its 95% interval as a band and a bar at each point. A suppressed wave breaks the line
// and is marked "S"; a change of framework version (a series break) is a dashed rule, and the line
// does not cross it; an open wave's point is hollow (provisional). Tables and summaries read the
// same TrendSeries, so the chart, its summary and its table cannot disagree.
import * as Plot from "@observablehq/plot";
import type { GapRow } from "~db/analytics/gaps";
import { formatPercent } from "~/lib/format";
import { accessibleSvg, escapeHtml, figureHtml, noDataHtml, plotDocument } from "./render.server";

export interface TrendWave {
  label: string;
  name: string;
  /** Still open: its figures may change as files arrive. */
  provisional: boolean;
  /** On a different framework version from the wave before: the series is not compared across it. */
  seriesBreak: boolean;
}

export type TrendCell =
  | { state: "published"; rate: number; low: number; high: number }
  | { state: "suppressed" }
  | { state: "no-data" };

export interface TrendDomain {
  code: string;
  name: string;
  /** One per wave, in the order of TrendSeries.waves. */
  cells: TrendCell[];
}

export interface TrendSeries {
  waves: TrendWave[];
  domains: TrendDomain[];
}

const num = (v: unknown) => (typeof v === "number" ? v : null);
const byCode = (a: string, b: string) => a.localeCompare(b, "en", { numeric: true });

/**
 * Shapes a gap table grouped by wave and domain into one series per domain. `waves` are the
 * table's waves in reference-date order (meta.waves); a wave with no row for a domain has no data.
 */
export function trendSeries(rows: GapRow[], waves: { label: string; name: string }[]): TrendSeries {
  const names = new Map<string, string>();
  const cells = new Map<string, TrendCell>();
  const flags = new Map<string, { provisional: boolean; seriesBreak: boolean }>();
  for (const row of rows) {
    const domain = String(row.domain);
    const wave = String(row.wave);
    names.set(domain, String(row.domain_name ?? domain));
    flags.set(wave, { provisional: row.provisional === true, seriesBreak: row.series_break === true });
    const rate = num(row.gap_rate);
    const low = num(row.ci_low);
    const high = num(row.ci_high);
    cells.set(
      `${wave}\x1f${domain}`,
      row.suppressed === true ? { state: "suppressed" } : rate === null || low === null || high === null ? { state: "no-data" } : { state: "published", rate, low, high },
    );
  }
  return {
    waves: waves.map((w) => ({ ...w, provisional: false, seriesBreak: false, ...flags.get(w.label) })),
    domains: [...names.keys()].sort(byCode).map((code) => ({
      code,
      name: names.get(code)!,
      cells: waves.map((w) => cells.get(`${w.label}\x1f${code}`) ?? { state: "no-data" }),
    })),
  };
}

/** A cell as the table and the chart's point titles both write it. */
export function trendCellText(cell: TrendCell): string {
  if (cell.state === "suppressed") return "suppressed";
  if (cell.state === "no-data") return "no data";
  return `${formatPercent(cell.rate)} (${formatPercent(cell.low)} to ${formatPercent(cell.high)})`;
}

/** A wave's column heading: its name, and whether it is provisional or starts a new framework version. */
export function trendWaveHeading(wave: TrendWave): string {
  const notes = [wave.provisional ? "provisional" : "", wave.seriesBreak ? "new framework version" : ""].filter(Boolean);
  return notes.length ? `${wave.name} (${notes.join(", ")})` : wave.name;
}

export type TrendDirection = "fell" | "rose" | "within intervals" | "not comparable";

/**
 * How a domain moved from one wave to the next: "fell" or "rose" when the two waves' 95% intervals
 * do not overlap (a conservative test: non-overlapping intervals always differ by more than chance),
 * otherwise "within intervals"; "not comparable" when either is not published.
 */
export function trendDirection(before: TrendCell, after: TrendCell): TrendDirection {
  if (before.state !== "published" || after.state !== "published") return "not comparable";
  if (after.high < before.low) return "fell";
  if (after.low > before.high) return "rose";
  return "within intervals";
}

const list = (names: string[]) => (names.length <= 1 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`);
const domains = (n: number) => `${n} ${n === 1 ? "domain" : "domains"}`;

/** The chart's text summary, from the same series: the latest change by domain and the largest gap. */
export function trendSummary(series: TrendSeries): string {
  const { waves } = series;
  if (waves.length === 0 || series.domains.length === 0) return "There are no waves to show yet.";
  const last = waves.length - 1;
  const sentences: string[] = [];
  const latest = series.domains
    .map((d) => ({ name: d.name, cell: d.cells[last] }))
    .filter((d): d is { name: string; cell: Extract<TrendCell, { state: "published" }> } => d.cell.state === "published")
    .sort((a, b) => b.cell.rate - a.cell.rate);
  if (waves.length === 1) {
    sentences.push(`Only one wave, ${waves[0].name}, is shown, so there is no trend yet.`);
  } else if (waves[last].seriesBreak) {
    sentences.push(
      `${waves[last].name} uses a different framework version from ${waves[last - 1].name}, so the series is not compared across them.`,
    );
  } else {
    const moved = (direction: TrendDirection) =>
      series.domains.filter((d) => trendDirection(d.cells[last - 1], d.cells[last]) === direction).map((d) => d.name);
    const [fell, rose, within, notComparable] = (["fell", "rose", "within intervals", "not comparable"] as const).map(moved);
    const total = series.domains.length;
    // Naming every domain says nothing the count does not.
    const where = (names: string[]) => (names.length === total && total > 1 ? `all ${total} domains` : `${domains(names.length)} (${list(names)})`);
    const parts = [fell.length ? `fell in ${where(fell)}` : "", rose.length ? `rose in ${where(rose)}` : ""].filter(Boolean);
    const between = `Between ${waves[last - 1].name} and ${waves[last].name}`;
    sentences.push(
      parts.length
        ? `${between} the gap rate ${list(parts)}, by more than the two waves' 95% intervals allow for.`
        : `${between} no domain's gap rate moved beyond the two waves' 95% intervals.`,
    );
    if (parts.length && within.length) sentences.push(`In ${domains(within.length)} the change lies within the intervals.`);
    if (notComparable.length) sentences.push(`${list(notComparable)}: not published in both waves, so not compared.`);
  }
  if (latest.length) sentences.push(`Largest gap in ${waves[last].name}: ${latest[0].name}, ${formatPercent(latest[0].cell.rate)}.`);
  const suppressed = series.domains.reduce((n, d) => n + d.cells.filter((c) => c.state === "suppressed").length, 0);
  if (suppressed) sentences.push(`${suppressed} ${suppressed === 1 ? "figure is" : "figures are"} suppressed.`);
  return sentences.join(" ");
}

export interface TrendOptions {
  id: string;
  title: string;
  series: TrendSeries;
  /** Shown instead of the chart when there is nothing to draw. */
  emptyMessage?: string;
}

const LINE = "#005eb8"; // NHS blue, 5.9:1 on white
const PANEL_WIDTH = 300;
const PANEL_HEIGHT = 210;

interface PanelPoint {
  x: number;
  wave: string;
  rate: number | null;
  low: number | null;
  high: number | null;
  /** Lines and bands do not cross a framework change: each stretch between breaks is its own segment. */
  segment: number;
  provisional: boolean;
  title: string;
}

/** The points of one domain's panel; suppressed and missing waves keep a null rate so the line breaks there. */
export function panelPoints(series: TrendSeries, domain: TrendDomain): PanelPoint[] {
  let segment = 0;
  return series.waves.map((wave, x) => {
    if (wave.seriesBreak) segment += 1;
    const cell = domain.cells[x];
    const published = cell.state === "published" ? cell : null;
    return {
      x,
      wave: wave.name,
      rate: published?.rate ?? null,
      low: published?.low ?? null,
      high: published?.high ?? null,
      segment,
      provisional: wave.provisional,
      title: `${domain.name}, ${trendWaveHeading(wave)}: ${trendCellText(cell)}`,
    };
  });
}

function renderPanel(series: TrendSeries, domain: TrendDomain): string {
  const points = panelPoints(series, domain);
  const n = series.waves.length;
  const published = points.filter((p) => p.rate !== null);
  const suppressed = points.filter((_, i) => domain.cells[i].state === "suppressed");
  const breaks = series.waves.flatMap((w, i) => (w.seriesBreak ? [i - 0.5] : []));
  // Crowded tick labels overlap in a small panel: with many waves, label the first, middle and last.
  const ticks = n <= 3 ? points.map((p) => p.x) : [...new Set([0, Math.floor((n - 1) / 2), n - 1])];
  const svg = Plot.plot({
    document: plotDocument(),
    width: PANEL_WIDTH,
    height: PANEL_HEIGHT,
    marginLeft: 44,
    marginRight: 16,
    marginTop: 12,
    marginBottom: 30,
    style: { fontSize: "12px", fontFamily: "inherit" },
    x: { domain: [-0.5, n - 0.5], ticks, tickFormat: (i: number) => series.waves[i]?.name ?? "", label: null },
    y: { domain: [0, 1], grid: true, label: null, ticks: [0, 0.25, 0.5, 0.75, 1], tickFormat: (d: number) => `${Math.round(d * 100)}%` },
    marks: [
      ...breaks.map((x) => Plot.ruleX([x], { stroke: "currentColor", strokeDasharray: "4 3" })),
      Plot.areaY(points, { x: "x", y1: "low", y2: "high", z: "segment", fill: LINE, fillOpacity: 0.15 }),
      Plot.ruleX(published, { x: "x", y1: "low", y2: "high", stroke: LINE, strokeWidth: 1.5 }),
      Plot.line(points, { x: "x", y: "rate", z: "segment", stroke: LINE, strokeWidth: 2 }),
      Plot.dot(published, {
        x: "x",
        y: "rate",
        r: 4.5,
        stroke: LINE,
        strokeWidth: 2,
        fill: (p: PanelPoint) => (p.provisional ? "white" : LINE),
        title: "title",
      }),
      Plot.text(suppressed, { x: "x", frameAnchor: "bottom", dy: -6, text: () => "S", fontWeight: "bold", title: "title" }),
    ],
  });
  return [
    `<div class="app-trend__panel">`,
    `<p class="app-trend__domain">${escapeHtml(domain.name)}</p>`,
    accessibleSvg(svg, `${domain.name}: ${points.map((p) => `${p.wave} ${trendCellText(domain.cells[p.x])}`).join("; ")}`),
    `</div>`,
  ].join("");
}

export function renderTrend({ id, title, series, emptyMessage }: TrendOptions): string {
  if (series.waves.length === 0 || series.domains.length === 0) return noDataHtml(id, title, emptyMessage);
  const summary = trendSummary(series);
  const key = [
    "<p>Each panel is one domain. Line and dots: the gap rate in each wave; shaded band and bars: its 95% interval.",
    series.waves.some((w) => w.provisional) ? " Hollow dots: provisional figures of a wave still open." : "",
    " S: suppressed (the line breaks there).",
    series.waves.some((w) => w.seriesBreak) ? " Dashed line: the framework version changed, so the series is not joined across it." : "",
    "</p>",
  ].join("");
  return figureHtml({
    id,
    title,
    summary,
    key,
    plot: `<div class="app-trend">${series.domains.map((d) => renderPanel(series, d)).join("")}</div>`,
  });
}
