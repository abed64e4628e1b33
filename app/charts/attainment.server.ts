// Attained levels per Domain as stacked horizontal bars: the share of placed respondents at each
// level 0 to 4, left to right, in a sequential palette and labelled with the level in text. A black
// line marks the share below the level their archetype is expected to reach, with its 95% interval
// as a whisker under the bar. The bars use the published shares of the placed respondents (those
// who answered every required statement); the incomplete are counted beside the bar, since a share
// of all respondents is not published and is not worked out here from rounded counts.
import * as Plot from "@observablehq/plot";
import { formatCount, formatPercent, shorten } from "~/lib/format";
import { type AttainmentRow, LEVELS } from "~/lib/organisation-figures";
import { TEXT_DARK, TEXT_LIGHT } from "./gap-colours.server";
import { accessibleSvg, escapeHtml, figureHtml, labelWidth, noDataHtml, plotDocument } from "./render.server";

/** ColorBrewer Blues (colour-blind safe, sequential); the two darkest carry white labels at AA contrast. */
export const LEVEL_PALETTE = ["#eff3ff", "#bdd7e7", "#6baed6", "#2171b5", "#08306b"] as const;
const LIGHT_TEXT_LEVELS = new Set([3, 4]);
const SEGMENT_OUTLINE = "#768692";

export interface Segment {
  domain: string;
  level: number;
  share: number;
  x1: number;
  x2: number;
  label: string;
}

/** The bar pieces of each row with a distribution: cumulative published shares, level 0 first. */
export function attainmentSegments(rows: AttainmentRow[]): Segment[] {
  return rows.flatMap((r) => {
    if (r.suppressed || r.withheld) return [];
    let at = 0;
    return LEVELS.flatMap((level, i) => {
      const share = r.shares[i];
      if (share === null || share <= 0) return [];
      const segment = { domain: r.domain, level, share, x1: at, x2: at + share, label: segmentLabel(level, share) };
      at += share;
      return [segment];
    });
  });
}

/** Level and share where the piece is wide enough, the level alone where narrower, nothing where tiny. */
export function segmentLabel(level: number, share: number): string {
  if (share >= 0.12) return `L${level} ${formatPercent(share)}`;
  return share >= 0.045 ? `L${level}` : "";
}

/** What a row says at its end, in words. */
export function attainmentRowNote(r: AttainmentRow, k: number): string {
  if (r.suppressed) return "suppressed";
  if (r.withheld) return `fewer than ${k} placed: withheld`;
  const lines: string[] = [];
  // The expected level is named where the cell has one (one archetype, or several with the same).
  if (r.belowExpectedShare !== null) lines.push(`${formatPercent(r.belowExpectedShare)} below expected${r.expectedLevel === null ? "" : ` L${r.expectedLevel}`}`);
  if (r.incomplete !== null) lines.push(`${formatCount(r.incomplete)} incomplete`);
  return lines.join("\n");
}

export interface AttainmentChartOptions {
  id: string;
  title: string;
  rows: AttainmentRow[];
  k: number;
}

const WIDTH = 928;
const FONT_SIZE = 13;
const ROW_HEIGHT = 52;
const MAX_MARGIN_LEFT = 260;
/** How far below the row's middle the below-expected marker sits: in the gap under the bar. */
const MARKER_DY = 17;

export function renderAttainment({ id, title, rows, k }: AttainmentChartOptions): string {
  if (rows.length === 0) return noDataHtml(id, title);
  const segments = attainmentSegments(rows);
  const label = new Map(rows.map((r) => [r.domain, `${r.domain} ${r.name}`]));
  const characters = Math.floor((MAX_MARGIN_LEFT - 16) / (FONT_SIZE * 0.55));
  const shortLabel = new Map([...label].map(([code, text]) => [code, shorten(text, characters)]));
  const marginLeft = Math.min(MAX_MARGIN_LEFT, Math.max(...[...shortLabel.values()].map((l) => labelWidth(l, FONT_SIZE))) + 16);
  const marked = rows.filter((r) => !r.suppressed && !r.withheld && r.belowExpectedShare !== null);
  const withInterval = marked.filter((r) => r.belowExpectedInterval);
  const markerTip = (r: AttainmentRow) =>
    `${label.get(r.domain) ?? r.domain}: ${formatPercent(r.belowExpectedShare!)} below expected` +
    (r.belowExpectedInterval ? ` (95% interval ${formatPercent(r.belowExpectedInterval.low)} to ${formatPercent(r.belowExpectedInterval.high)})` : "");
  const tip = (s: Segment) => `${label.get(s.domain) ?? s.domain}: level ${s.level}, ${formatPercent(s.share)} of those placed`;
  const svg = Plot.plot({
    document: plotDocument(),
    width: WIDTH,
    height: rows.length * ROW_HEIGHT + 48,
    marginLeft,
    marginRight: 200,
    marginTop: 8,
    marginBottom: 40,
    style: { fontSize: `${FONT_SIZE}px`, fontFamily: "inherit" },
    x: { domain: [0, 1], label: "Share of placed respondents", labelAnchor: "center", labelArrow: "none", grid: true, tickFormat: (d: number) => `${Math.round(d * 100)}%` },
    y: { type: "band", domain: rows.map((r) => r.domain), padding: 0, label: null },
    color: { type: "ordinal", domain: [...LEVELS], range: [...LEVEL_PALETTE] },
    marks: [
      Plot.axisY({ label: null, tickSize: 0, tickPadding: 8, tickFormat: (c: string) => shortLabel.get(c) ?? c }),
      Plot.barX(segments, { y: "domain", x1: "x1", x2: "x2", fill: "level", stroke: SEGMENT_OUTLINE, strokeWidth: 0.5, insetTop: 6, insetBottom: 20, title: tip }),
      Plot.text(segments.filter((s) => !LIGHT_TEXT_LEVELS.has(s.level)), { y: "domain", x: (s: Segment) => (s.x1 + s.x2) / 2, text: "label", dy: -7, fill: TEXT_DARK }),
      Plot.text(segments.filter((s) => LIGHT_TEXT_LEVELS.has(s.level)), { y: "domain", x: (s: Segment) => (s.x1 + s.x2) / 2, text: "label", dy: -7, fill: TEXT_LIGHT }),
      // The share below expected: a black triangle under the bar (not across it, where it would cover
      // the labels), its interval a whisker through the triangle.
      Plot.ruleY(withInterval, { y: "domain", x1: (r: AttainmentRow) => r.belowExpectedInterval!.low, x2: (r: AttainmentRow) => r.belowExpectedInterval!.high, dy: MARKER_DY, stroke: "black", strokeWidth: 1.5 }),
      Plot.dot(marked, { y: "domain", x: "belowExpectedShare", dy: MARKER_DY, symbol: "triangle", r: 5, fill: "black", stroke: "white", strokeWidth: 1, title: markerTip }),
      Plot.text(rows, { y: "domain", frameAnchor: "right", text: (r: AttainmentRow) => attainmentRowNote(r, k), textAnchor: "start", dx: 12, lineHeight: 1.2, fill: "currentColor" }),
    ],
  });
  const summary = attainmentSummary(rows, k);
  return figureHtml({ id, title, summary, key: attainmentKey(), plot: accessibleSvg(svg, `${title}. ${summary}`) });
}

/** The colour of each level with its name, and what the black line means. */
export function attainmentKey(): string {
  const swatch = (fill: string, text: string, textFill: string) =>
    `<svg class="app-chart__swatch" width="28" height="20" viewBox="0 0 28 20" aria-hidden="true" focusable="false">` +
    `<rect x="1" y="1" width="26" height="18" fill="${fill}" stroke="${SEGMENT_OUTLINE}"></rect>` +
    `<text x="14" y="14" text-anchor="middle" font-size="12" fill="${textFill}">${text}</text></svg>`;
  return [
    `<ul class="app-chart__key-list">`,
    ...LEVELS.map(
      (l) =>
        `<li>${swatch(LEVEL_PALETTE[l], `L${l}`, LIGHT_TEXT_LEVELS.has(l) ? TEXT_LIGHT : TEXT_DARK)}<span><strong>L${l}</strong>: ${escapeHtml(levelName(l))}</span></li>`,
    ),
    `<li><svg class="app-chart__swatch" width="28" height="20" viewBox="0 0 28 20" aria-hidden="true" focusable="false">` +
      `<line x1="3" y1="12" x2="25" y2="12" stroke="black" stroke-width="1.5"></line><path d="M14 6 L19 15 L9 15 Z" fill="black"></path></svg>` +
      `<span>Black triangle under a bar: the share below the level their archetype is expected to reach; the line through it is its 95% interval</span></li>`,
    `</ul>`,
  ].join("");
}

export function levelName(level: number): string {
  return level === 0 ? "not yet at the first level that applies" : `attained level ${level}`;
}

/** One or two sentences from the same rows: where most are below expected, and where least. */
export function attainmentSummary(rows: AttainmentRow[], k: number): string {
  const shown = rows.filter((r) => !r.suppressed && !r.withheld && r.belowExpectedShare !== null);
  const parts: string[] = [];
  if (shown.length) {
    const most = shown.reduce((a, b) => (b.belowExpectedShare! > a.belowExpectedShare! ? b : a));
    const least = shown.reduce((a, b) => (b.belowExpectedShare! < a.belowExpectedShare! ? b : a));
    const interval = (r: AttainmentRow) => (r.belowExpectedInterval ? ` (${formatPercent(r.belowExpectedInterval.low)} to ${formatPercent(r.belowExpectedInterval.high)})` : "");
    parts.push(`Most below their expected level: ${most.name}, ${formatPercent(most.belowExpectedShare!)}${interval(most)} of those placed.`);
    if (shown.length > 1) parts.push(`Fewest: ${least.name}, ${formatPercent(least.belowExpectedShare!)}${interval(least)}.`);
  } else {
    parts.push("No domain has enough placed respondents to publish attained levels.");
  }
  const suppressed = rows.filter((r) => r.suppressed).length;
  const withheld = rows.filter((r) => r.withheld).length;
  if (suppressed) parts.push(`${suppressed} ${suppressed === 1 ? "domain is" : "domains are"} suppressed (fewer than ${k} respondents).`);
  if (withheld) parts.push(`${withheld} ${withheld === 1 ? "domain has" : "domains have"} fewer than ${k} placed respondents: levels withheld.`);
  return parts.join(" ");
}
