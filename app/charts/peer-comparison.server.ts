// An Organisation against its peers, one row per Domain (and all domains): its gap rate as a dot
// with the 95% interval as a whisker, the peer group's rate across England as a tall bar and the
// peer group's rate within its Region as an open diamond. The comparison is also written in words
// at the end of each row, so neither colour nor position alone carries it.
import * as Plot from "@observablehq/plot";
import { formatCount, formatPercent, shorten } from "~/lib/format";
import { type Comparison, comparisonWords, type PeerComparison, type PeerRow } from "~/lib/organisation-figures";
import { TEXT_DARK } from "./gap-colours.server";
import { accessibleSvg, escapeHtml, figureHtml, labelWidth, noDataHtml, plotDocument } from "./render.server";

export interface PeerChartOptions {
  id: string;
  title: string;
  /** The organisation's name, for the summary. */
  organisation: string;
  /** The region's name, for the key and summary. */
  region: string;
  comparison: PeerComparison;
}

const WIDTH = 928;
const FONT_SIZE = 13;
const ROW_HEIGHT = 48;
const TRUST_COLOUR = "#005eb8"; // NHS blue, 5.9:1 on white
const COMPARATOR_COLOUR = TEXT_DARK;
const MAX_MARGIN_LEFT = 260;
const MARGIN_RIGHT = 250;

/** The words at the end of a chart row: the organisation's rate against both comparators. */
export function rowVerdict(r: PeerRow): string {
  if (r.suppressed) return "suppressed";
  if (r.gapRate === null) return "no data";
  return `Peers: ${comparisonWords(r.peerFlag)}\nRegion: ${comparisonWords(r.regionFlag)}`;
}

export function renderPeerComparison({ id, title, organisation, region, comparison }: PeerChartOptions): string {
  const { rows } = comparison;
  if (rows.length === 0) return noDataHtml(id, title);
  const published = rows.filter((r) => !r.suppressed && r.gapRate !== null);
  const label = new Map(rows.map((r) => [r.code, r.code === "all" ? r.name : `${r.code} ${r.name}`]));
  const characters = Math.floor((MAX_MARGIN_LEFT - 16) / (FONT_SIZE * 0.55));
  const shortLabel = new Map([...label].map(([code, text]) => [code, shorten(text, characters)]));
  const marginLeft = Math.min(MAX_MARGIN_LEFT, Math.max(...[...shortLabel.values()].map((l) => labelWidth(l, FONT_SIZE))) + 16);
  const withInterval = published.filter((r) => r.interval);
  const tip = (r: PeerRow) => peerTooltip(r, label.get(r.code) ?? r.name, region);
  const svg = Plot.plot({
    document: plotDocument(),
    width: WIDTH,
    height: rows.length * ROW_HEIGHT + 48,
    marginLeft,
    marginRight: MARGIN_RIGHT,
    marginTop: 8,
    marginBottom: 40,
    style: { fontSize: `${FONT_SIZE}px`, fontFamily: "inherit" },
    x: { domain: [0, peerAxisEnd(rows)], label: "Gap rate", labelAnchor: "center", labelArrow: "none", grid: true, tickFormat: (d: number) => `${Math.round(d * 100)}%` },
    y: { type: "band", domain: rows.map((r) => r.code), padding: 0, label: null },
    marks: [
      Plot.axisY({ label: null, tickSize: 0, tickPadding: 8, tickFormat: (c: string) => shortLabel.get(c) ?? c }),
      // The 95% interval: a whisker with end caps.
      Plot.ruleY(withInterval, { y: "code", x1: (r: PeerRow) => r.interval!.low, x2: (r: PeerRow) => r.interval!.high, stroke: TRUST_COLOUR, strokeWidth: 2 }),
      Plot.tickX(withInterval, { y: "code", x: (r: PeerRow) => r.interval!.low, stroke: TRUST_COLOUR, strokeWidth: 2, insetTop: 18, insetBottom: 18 }),
      Plot.tickX(withInterval, { y: "code", x: (r: PeerRow) => r.interval!.high, stroke: TRUST_COLOUR, strokeWidth: 2, insetTop: 18, insetBottom: 18 }),
      // Comparators: the peer group in England as a tall bar, in the region as an open diamond.
      Plot.tickX(published.filter((r) => r.peerRate !== null), { y: "code", x: "peerRate", stroke: COMPARATOR_COLOUR, strokeWidth: 3, insetTop: 6, insetBottom: 6 }),
      // Below the whisker, so a region rate close to the organisation's does not hide its dot.
      Plot.dot(published.filter((r) => r.regionRate !== null), {
        y: "code", x: "regionRate", symbol: "diamond", r: 5, dy: 12, fill: "white", stroke: COMPARATOR_COLOUR, strokeWidth: 2,
      }),
      Plot.dot(published, { y: "code", x: "gapRate", r: 5.5, fill: TRUST_COLOUR, stroke: "white", strokeWidth: 1.5, title: tip }),
      Plot.text(published, { y: "code", x: "gapRate", text: (r: PeerRow) => formatPercent(r.gapRate!), dy: -14, fill: TRUST_COLOUR, fontWeight: "bold" }),
      // The comparison in words beside each row; suppressed and empty rows say so there too.
      Plot.text(rows, { y: "code", frameAnchor: "right", text: rowVerdict, textAnchor: "start", dx: 16, lineHeight: 1.2, fill: "currentColor" }),
      Plot.ruleX([0]),
    ],
  });
  const summary = peerSummary(organisation, region, comparison);
  const key = peerKey(comparison.peerGroupName, region);
  return figureHtml({ id, title, summary, key, plot: accessibleSvg(svg, `${title}. ${summary}`) });
}

function peerTooltip(r: PeerRow, name: string, region: string): string {
  const parts = [`${name}: ${formatPercent(r.gapRate!)}`];
  if (r.interval) parts.push(`(95% interval ${formatPercent(r.interval.low)} to ${formatPercent(r.interval.high)})`);
  if (r.respondents !== null) parts.push(`of ${formatCount(r.respondents)} respondents`);
  const peer = r.peerRate === null ? comparisonWords(r.peerFlag) : `${formatPercent(r.peerRate)}, ${comparisonWords(r.peerFlag)}`;
  const inRegion = r.regionRate === null ? comparisonWords(r.regionFlag) : `${formatPercent(r.regionRate)}, ${comparisonWords(r.regionFlag)}`;
  return `${parts.join(" ")}. Peer group: ${peer}. Peers in ${region}: ${inRegion}.`;
}

/** What each mark means, in words. */
export function peerKey(peerGroupName: string | null, region: string): string {
  const group = peerGroupName ? escapeHtml(peerGroupName.toLowerCase()) : "organisations of the same type";
  const swatch = (inner: string) => `<svg class="app-chart__swatch" width="28" height="20" viewBox="0 0 28 20" aria-hidden="true" focusable="false">${inner}</svg>`;
  return [
    `<ul class="app-chart__key-list">`,
    `<li>${swatch(`<line x1="2" y1="10" x2="26" y2="10" stroke="${TRUST_COLOUR}" stroke-width="2"></line><circle cx="14" cy="10" r="5" fill="${TRUST_COLOUR}"></circle>`)}`,
    `<span>Dot and line: this organisation's gap rate and its 95% interval</span></li>`,
    `<li>${swatch(`<line x1="14" y1="2" x2="14" y2="18" stroke="${COMPARATOR_COLOUR}" stroke-width="3"></line>`)}`,
    `<span>Tall bar: the other ${group} in England</span></li>`,
    `<li>${swatch(`<path d="M14 3 L21 10 L14 17 L7 10 Z" fill="white" stroke="${COMPARATOR_COLOUR}" stroke-width="2"></path>`)}`,
    `<span>Open diamond: the other ${group} in ${escapeHtml(region)}</span></li>`,
    `</ul>`,
    `<p class="nhsuk-body-s">Better or worse means the whole 95% interval lies below or above the comparator's rate; a lower gap is better. A comparator is not shown when fewer than 3 other organisations could be compared.</p>`,
  ].join("");
}

/** "better than", "similar to", "worse than" (or the flag's own words). */
export function relation(flag: Comparison | null): string {
  if (flag === "better" || flag === "worse") return `${flag} than`;
  return flag === "similar" ? "similar to" : comparisonWords(flag);
}

/**
 * The end of the gap-rate axis: the next 10% above every value drawn (with room for the labels),
 * so that rates of 20% to 50% are not squeezed into half the width; 100% at most.
 */
export function peerAxisEnd(rows: PeerRow[]): number {
  const values = rows.flatMap((r) => [r.gapRate, r.interval?.high, r.peerRate, r.regionRate]).filter((v): v is number => typeof v === "number");
  if (values.length === 0) return 1;
  return Math.min(1, Math.ceil((Math.max(...values) + 0.03) * 10) / 10);
}

/** Two or three sentences a screen-reader user hears instead of the picture, from the same rows. */
export function peerSummary(organisation: string, region: string, comparison: PeerComparison): string {
  const { rows, peerGroupName } = comparison;
  const published = rows.filter((r) => !r.suppressed && r.gapRate !== null);
  if (published.length === 0) return `No figure for ${organisation} has enough respondents to publish or compare.`;
  const group = peerGroupName ? `other ${peerGroupName.toLowerCase()}` : "other organisations of its type";
  const parts: string[] = [];
  const overall = published.find((r) => r.code === "all");
  if (overall) {
    const against = (rate: number | null, flag: Comparison | null, where: string) =>
      rate === null ? `not compared with ${where} (${comparisonWords(flag)})` : `${relation(flag)} ${where} (${formatPercent(rate)})`;
    parts.push(
      `Across all domains ${organisation}'s gap rate is ${formatPercent(overall.gapRate!)}` +
        (overall.interval ? ` (${formatPercent(overall.interval.low)} to ${formatPercent(overall.interval.high)})` : "") +
        `: ${against(overall.peerRate, overall.peerFlag, `${group} in England`)}, and ${against(overall.regionRate, overall.regionFlag, `those in ${region}`)}.`,
    );
  }
  const domains = published.filter((r) => r.code !== "all");
  if (domains.length) {
    const count = (flag: Comparison) => domains.filter((r) => r.peerFlag === flag).length;
    const counted = (["worse", "similar", "better"] as const).map((f) => [f, count(f)] as const).filter(([, n]) => n > 0);
    const notCompared = domains.length - counted.reduce((sum, [, n]) => sum + n, 0);
    const listed = counted.map(([f, n]) => `${n} ${f}`);
    if (notCompared) listed.push(`${notCompared} not compared`);
    parts.push(`Against ${group} in England, by domain: ${listed.join(", ")}.`);
    const worse = domains.filter((r) => r.peerFlag === "worse").map((r) => r.name);
    if (worse.length) parts.push(`Worse than peers in: ${worse.join("; ")}.`);
  }
  const hidden = rows.filter((r) => r.suppressed).length;
  if (hidden) parts.push(`${hidden} ${hidden === 1 ? "row is" : "rows are"} suppressed.`);
  return parts.join(" ");
}
