// Horizontal bar charts for one dimension: gap rates with their 95% interval as whiskers (a
// capability by region), and respondent counts (a staff group's archetype mix). Every bar carries
// its figure as text, and suppressed or missing rows are written out where the bar would be, so
// nothing depends on colour.
import * as Plot from "@observablehq/plot";
import type { GapRow } from "~db/analytics/gaps";
import { formatCount, formatPercent, shorten } from "~/lib/format";
import { accessibleSvg, figureHtml, labelWidth, noDataHtml, plotDocument } from "./render.server";

import { type CountBar, countLabel, type RateBar, rateLabel } from "~/lib/bar-labels";

export type { BarState, CountBar, RateBar } from "~/lib/bar-labels";

const WIDTH = 928;
const FONT_SIZE = 13;
const BAR_HEIGHT = 30;
const MAX_MARGIN_LEFT = 300;
// A pale fill with an NHS blue outline (5.9:1 on white) keeps the dark whisker visible over the bar.
const BAR_FILL = "#b3d1ee";
const BAR_STROKE = "#005eb8";
const WHISKER = "#212b32";
const COUNT_FILL = "#005eb8";

/**
 * One bar per `dimension` value of a published gap table, in the table's order, followed by any
 * `expected` value the table has no row for (no data). Weighted tables read the weighted columns.
 */
export function rateBars(rows: GapRow[], dimension: string, options: { weighted?: boolean; expected?: { code: string; name: string }[] } = {}): RateBar[] {
  const bars = rows.map((r) => rateBar(r, String(r[dimension]), String(r[`${dimension}_name`] ?? r[dimension]), options.weighted));
  const seen = new Set(bars.map((b) => b.code));
  for (const e of options.expected ?? []) {
    if (!seen.has(e.code)) bars.push({ ...e, state: "no-data", rate: null, low: null, high: null, respondents: null });
  }
  return bars;
}

/** One published row as a bar (no row at all: no data). */
export function rateBar(r: GapRow | undefined, code: string, name: string, weighted = false): RateBar {
  const num = (v: unknown) => (typeof v === "number" ? v : null);
  if (!r) return { code, name, state: "no-data", rate: null, low: null, high: null, respondents: null };
  if (r.suppressed === true) return { code, name, state: "suppressed", rate: null, low: null, high: null, respondents: null };
  const rate = num(weighted ? r.weighted_gap_rate : r.gap_rate);
  return {
    code,
    name,
    state: rate === null ? "no-data" : "value",
    rate,
    low: num(weighted ? r.weighted_ci_low : r.ci_low),
    high: num(weighted ? r.weighted_ci_high : r.ci_high),
    respondents: num(r.respondents),
  };
}

/** Respondents per `dimension` value, every `expected` value listed (in its order), missing ones as no data. */
export function countBars(rows: GapRow[], dimension: string, expected: { code: string; name: string }[]): CountBar[] {
  const byCode = new Map(rows.map((r) => [String(r[dimension]), r]));
  const listed = expected.length ? expected : rows.map((r) => ({ code: String(r[dimension]), name: String(r[`${dimension}_name`] ?? r[dimension]) }));
  return listed.map(({ code, name }) => {
    const r = byCode.get(code);
    if (!r) return { code, name, state: "no-data", count: null };
    if (r.suppressed === true) return { code, name, state: "suppressed", count: null };
    return typeof r.respondents === "number" ? { code, name, state: "value", count: r.respondents } : { code, name, state: "no-data", count: null };
  });
}

function frame(names: string[], rows: number) {
  const marginLeft = Math.min(MAX_MARGIN_LEFT, Math.max(80, ...names.map((n) => labelWidth(n, FONT_SIZE))) + 16);
  return {
    document: plotDocument(),
    width: WIDTH,
    height: rows * BAR_HEIGHT + 48,
    marginLeft,
    marginRight: 72,
    marginTop: 8,
    marginBottom: 40,
    style: { fontSize: `${FONT_SIZE}px`, fontFamily: "inherit" },
  };
}

const shortName = (name: string) => shorten(name, Math.floor((MAX_MARGIN_LEFT - 16) / (FONT_SIZE * 0.55)));

export interface RateBarsOptions {
  id: string;
  title: string;
  bars: RateBar[];
  k: number;
}

export function renderRateBars({ id, title, bars, k }: RateBarsOptions): string {
  if (bars.every((b) => b.state === "no-data")) return noDataHtml(id, title);
  const label = new Map(bars.map((b) => [b.code, shortName(b.name)]));
  const values = bars.filter((b) => b.state === "value" && b.rate !== null);
  const whiskers = values.filter((b) => b.low !== null && b.high !== null);
  const empty = bars.filter((b) => !values.includes(b));
  const tip = (b: RateBar) =>
    `${b.name}: gap rate ${rateLabel(b)}${b.low !== null && b.high !== null ? ` (95% interval ${formatPercent(b.low)} to ${formatPercent(b.high)})` : ""}`;
  const svg = Plot.plot({
    ...frame([...label.values()], bars.length),
    x: { domain: [0, 1], label: "Gap rate", labelAnchor: "center", labelArrow: "none", grid: true, tickFormat: (d: number) => `${Math.round(d * 100)}%` },
    y: { type: "band", domain: bars.map((b) => b.code), padding: 0.3, label: null },
    marks: [
      Plot.axisY({ label: null, tickSize: 0, tickPadding: 8, tickFormat: (c: string) => label.get(c) ?? c }),
      Plot.barX(values, { x: "rate", y: "code", fill: BAR_FILL, stroke: BAR_STROKE, title: tip }),
      Plot.ruleY(whiskers, { y: "code", x1: "low", x2: "high", stroke: WHISKER, strokeWidth: 1.5 }),
      Plot.tickX(whiskers, { x: "low", y: "code", stroke: WHISKER, strokeWidth: 1.5, inset: 6 }),
      Plot.tickX(whiskers, { x: "high", y: "code", stroke: WHISKER, strokeWidth: 1.5, inset: 6 }),
      // The rate sits beyond the interval's end, so it never overlaps the whisker.
      Plot.text(values, { x: (b: RateBar) => b.high ?? b.rate, y: "code", text: rateLabel, textAnchor: "start", dx: 6, fill: "currentColor" }),
      Plot.text(empty, { x: 0, y: "code", text: rateLabel, textAnchor: "start", dx: 6, fill: "currentColor", fontStyle: "italic" }),
      Plot.ruleX([0]),
    ],
  });
  const summary = rateBarsSummary(bars, k);
  return figureHtml({
    id,
    title,
    summary,
    key: "<p>Bars: gap rate; black lines: its 95% interval. Suppressed and missing figures are written out in place of a bar.</p>",
    plot: accessibleSvg(svg, `${title}. ${summary}`),
  });
}

/** Highest and lowest published rates, and how many are suppressed or missing, from the bars drawn. */
export function rateBarsSummary(bars: RateBar[], k: number): string {
  const values = bars.filter((b): b is RateBar & { rate: number } => b.state === "value" && b.rate !== null);
  const suppressed = bars.filter((b) => b.state === "suppressed").length;
  const missing = bars.filter((b) => b.state === "no-data").length;
  const parts: string[] = [];
  if (values.length) {
    const high = values.reduce((a, b) => (b.rate > a.rate ? b : a));
    const low = values.reduce((a, b) => (b.rate < a.rate ? b : a));
    parts.push(`Highest gap: ${high.name}, ${formatPercent(high.rate)}.`);
    if (values.length > 1) parts.push(`Lowest gap: ${low.name}, ${formatPercent(low.rate)}.`);
  } else {
    parts.push("No figure has enough respondents to publish a gap rate.");
  }
  if (suppressed) parts.push(`${suppressed} ${suppressed === 1 ? "is" : "are"} suppressed (fewer than ${k} respondents).`);
  if (missing) parts.push(`${missing} ${missing === 1 ? "has" : "have"} no data.`);
  return parts.join(" ");
}

export interface CountBarsOptions {
  id: string;
  title: string;
  bars: CountBar[];
  k: number;
}

export function renderCountBars({ id, title, bars, k }: CountBarsOptions): string {
  if (bars.every((b) => b.state === "no-data")) return noDataHtml(id, title);
  const label = new Map(bars.map((b) => [b.code, shortName(b.name)]));
  const values = bars.filter((b) => b.state === "value" && b.count !== null);
  const empty = bars.filter((b) => !values.includes(b));
  const max = Math.max(10, ...values.map((b) => b.count ?? 0));
  const svg = Plot.plot({
    ...frame([...label.values()], bars.length),
    x: { domain: [0, max * 1.1], label: "Respondents", labelAnchor: "center", labelArrow: "none", grid: true },
    y: { type: "band", domain: bars.map((b) => b.code), padding: 0.3, label: null },
    marks: [
      Plot.axisY({ label: null, tickSize: 0, tickPadding: 8, tickFormat: (c: string) => label.get(c) ?? c }),
      Plot.barX(values, { x: "count", y: "code", fill: COUNT_FILL, title: (b: CountBar) => `${b.name}: ${countLabel(b)} respondents` }),
      Plot.text(values, { x: "count", y: "code", text: countLabel, textAnchor: "start", dx: 6, fill: "currentColor" }),
      Plot.text(empty, { x: 0, y: "code", text: countLabel, textAnchor: "start", dx: 6, fill: "currentColor", fontStyle: "italic" }),
      Plot.ruleX([0]),
    ],
  });
  const summary = countBarsSummary(bars, k);
  return figureHtml({ id, title, summary, plot: accessibleSvg(svg, `${title}. ${summary}`) });
}

/** The largest group, and how many are suppressed or missing, from the bars drawn. */
export function countBarsSummary(bars: CountBar[], k: number): string {
  const values = bars.filter((b): b is CountBar & { count: number } => b.state === "value" && b.count !== null);
  const suppressed = bars.filter((b) => b.state === "suppressed").length;
  const missing = bars.filter((b) => b.state === "no-data").length;
  const parts: string[] = [];
  if (values.length) {
    const top = values.reduce((a, b) => (b.count > a.count ? b : a));
    parts.push(`Most respondents: ${top.name}, ${formatCount(top.count)}.`);
  } else {
    parts.push("No group has enough respondents to publish.");
  }
  if (suppressed) parts.push(`${suppressed} ${suppressed === 1 ? "is" : "are"} suppressed (fewer than ${k} respondents).`);
  if (missing) parts.push(`${missing} ${missing === 1 ? "has" : "have"} no respondents.`);
  return parts.join(" ");
}
