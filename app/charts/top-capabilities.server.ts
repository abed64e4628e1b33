// The capabilities with the largest gap rate, as horizontal bars. Suppressed capabilities are
// never ranked: their rate is unknown by design.
import * as Plot from "@observablehq/plot";
import type { GapRow } from "~db/analytics/gaps";
import { formatPercent, shorten } from "~/lib/format";
import { accessibleSvg, figureHtml, labelWidth, noDataHtml, plotDocument } from "./render.server";

export interface RankedCapability {
  code: string;
  title: string;
  gapRate: number;
  respondents: number;
  /** Rank among published capabilities, 1 = largest gap. */
  rank: number;
  /** The statement's text is written for this product, not the framework's official wording. */
  illustrative: boolean;
}

/** The `limit` published capabilities with the largest gap rate, largest first (ties by code). */
export function topCapabilities(rows: GapRow[], limit = 10, illustrative = new Set<string>()): RankedCapability[] {
  return rows
    .filter((r) => r.suppressed !== true && typeof r.gap_rate === "number")
    .map((r) => ({
      code: String(r.capability),
      title: String(r.capability_name ?? r.capability),
      gapRate: r.gap_rate as number,
      respondents: Number(r.respondents),
      illustrative: illustrative.has(String(r.capability)),
    }))
    .sort((a, b) => b.gapRate - a.gapRate || a.code.localeCompare(b.code, "en-GB", { numeric: true }))
    .slice(0, limit)
    .map((c, i) => ({ ...c, rank: i + 1 }));
}

const WIDTH = 928;
const FONT_SIZE = 13;
const BAR_HEIGHT = 30;
const BAR_COLOUR = "#005eb8"; // NHS blue: 5.9:1 against white, so the bars themselves meet non-text contrast
const TITLE_CHARACTERS = 52;

export interface TopCapabilitiesOptions {
  id: string;
  title: string;
  ranked: RankedCapability[];
  /** How many capabilities were suppressed (reported in the summary, never drawn). */
  suppressedCount: number;
  k: number;
}

export function capabilityLabel(c: Pick<RankedCapability, "code" | "title">): string {
  return `${c.code} ${shorten(c.title, TITLE_CHARACTERS)}`;
}

export function renderTopCapabilities({ id, title, ranked, suppressedCount, k }: TopCapabilitiesOptions): string {
  if (ranked.length === 0) return noDataHtml(id, title);
  const label = new Map(ranked.map((c) => [c.code, capabilityLabel(c)]));
  const marginLeft = Math.min(440, Math.max(...[...label.values()].map((l) => labelWidth(l, FONT_SIZE))) + 16);
  const svg = Plot.plot({
    document: plotDocument(),
    width: WIDTH,
    height: ranked.length * BAR_HEIGHT + 48,
    marginLeft,
    marginRight: 56,
    marginTop: 8,
    marginBottom: 40,
    style: { fontSize: `${FONT_SIZE}px`, fontFamily: "inherit" },
    x: { domain: [0, 1], label: "Gap rate", labelAnchor: "center", labelArrow: "none", grid: true, tickFormat: (d: number) => `${Math.round(d * 100)}%` },
    y: { type: "band", domain: ranked.map((c) => c.code), padding: 0.25, label: null },
    marks: [
      // Labels are shortened at word boundaries by capabilityLabel; Plot's own ellipsis would cut again.
      Plot.axisY({ label: null, tickSize: 0, tickPadding: 8, tickFormat: (c: string) => label.get(c) ?? c }),
      Plot.barX(ranked, { x: "gapRate", y: "code", fill: BAR_COLOUR, title: (c: RankedCapability) => `${c.code} ${c.title}: ${formatPercent(c.gapRate)}` }),
      Plot.text(ranked, { x: "gapRate", y: "code", text: (c: RankedCapability) => formatPercent(c.gapRate), textAnchor: "start", dx: 6, fill: "currentColor" }),
      Plot.ruleX([0]),
    ],
  });
  const summary = topCapabilitiesSummary(ranked, suppressedCount, k);
  return figureHtml({ id, title, summary, plot: accessibleSvg(svg, `${title}. ${summary}`) });
}

export function topCapabilitiesSummary(ranked: RankedCapability[], suppressedCount: number, k: number): string {
  const [first] = ranked;
  const last = ranked[ranked.length - 1];
  const parts = [`Largest gap: ${first.code} ${first.title}, ${formatPercent(first.gapRate)}.`];
  if (ranked.length > 1) parts.push(`Number ${ranked.length}: ${last.code}, ${formatPercent(last.gapRate)}.`);
  if (suppressedCount) {
    parts.push(`${suppressedCount} ${suppressedCount === 1 ? "capability is" : "capabilities are"} suppressed (fewer than ${k} respondents) and not ranked.`);
  }
  return parts.join(" ");
}
