// A funnel plot: each organisation's gap rate against its respondents, with England's centre line
// and the 95% and 99.8% control limits, which narrow as respondents grow. The area's organisations
// are drawn as larger diamonds over every other organisation's small circles (shape, not colour
// alone, tells them apart); suppressed organisations have no point.
import * as Plot from "@observablehq/plot";
import { type FunnelBasis, funnelLimits, Z998 } from "~db/analytics/funnel";
import { Z95 } from "~db/analytics/metrics";
import { formatCount, formatPercent } from "~/lib/format";
import { accessibleSvg, figureHtml, noDataHtml, plotDocument } from "./render.server";

export interface FunnelPoint {
  organisation: string;
  name: string;
  respondents: number;
  gapRate: number;
  flag: string;
  /** In the area the page is about. */
  inArea: boolean;
}

export interface FunnelOptions {
  id: string;
  title: string;
  area: string;
  points: FunnelPoint[];
  basis: FunnelBasis & { phi: number };
}

const WIDTH = 928;
const HEIGHT = 420;
const AREA_COLOUR = "#005eb8"; // NHS blue, 5.9:1 on white
const OTHER_COLOUR = "#768692"; // NHS mid grey, 3.5:1 on white
const LIMIT_STEPS = 60;

/** The control limits sampled along the respondents axis, for drawing as lines. */
export function limitCurves(basis: FunnelBasis & { phi: number }, maxRespondents: number): { n: number; z: string; low: number; high: number }[] {
  const from = 5;
  const to = Math.max(from + 1, maxRespondents * 1.05);
  return [Z95, Z998].flatMap((z) =>
    Array.from({ length: LIMIT_STEPS + 1 }, (_, i) => {
      // Denser where the funnel bends (few respondents).
      const n = from * (to / from) ** (i / LIMIT_STEPS);
      return { n, z: z === Z95 ? "95%" : "99.8%", ...funnelLimits(basis, n, z, basis.phi) };
    }),
  );
}

export function renderFunnel({ id, title, area, points, basis }: FunnelOptions): string {
  if (points.length === 0) return noDataHtml(id, title);
  const maxN = Math.max(...points.map((p) => p.respondents));
  const curves = limitCurves(basis, maxN);
  const others = points.filter((p) => !p.inArea);
  const ours = points.filter((p) => p.inArea);
  const svg = Plot.plot({
    document: plotDocument(),
    width: WIDTH,
    height: HEIGHT,
    marginLeft: 56,
    marginBottom: 44,
    style: { fontSize: "13px", fontFamily: "inherit" },
    x: { label: "Respondents", labelAnchor: "center", labelArrow: "none", domain: [0, maxN * 1.05], grid: true },
    y: { label: "Gap rate", labelArrow: "none", domain: [0, 1], grid: true, tickFormat: (d: number) => `${Math.round(d * 100)}%` },
    marks: [
      Plot.ruleY([basis.p0], { stroke: "currentColor", strokeWidth: 1.5 }),
      ...(["95%", "99.8%"] as const).flatMap((z) => [
        Plot.line(curves.filter((c) => c.z === z), { x: "n", y: "low", stroke: "currentColor", strokeDasharray: z === "95%" ? "6 3" : "2 3" }),
        Plot.line(curves.filter((c) => c.z === z), { x: "n", y: "high", stroke: "currentColor", strokeDasharray: z === "95%" ? "6 3" : "2 3" }),
      ]),
      Plot.dot(others, { x: "respondents", y: "gapRate", r: 3, fill: OTHER_COLOUR, symbol: "circle", title: tooltip }),
      Plot.dot(ours, { x: "respondents", y: "gapRate", r: 7, fill: AREA_COLOUR, stroke: "white", symbol: "diamond", title: tooltip }),
    ],
  });
  const summary = funnelSummary(area, points, basis);
  return figureHtml({
    id,
    title,
    summary,
    key: `<p>Diamonds: ${area}'s organisations; circles: other organisations in England. Solid line: England's gap rate; dashed: 95% limits; dotted: 99.8% limits.</p>`,
    plot: accessibleSvg(svg, `${title}. ${summary}`),
  });
}

function tooltip(p: FunnelPoint): string {
  return `${p.name}: ${formatPercent(p.gapRate)} of ${formatCount(p.respondents)} respondents (${p.flag})`;
}

/** One sentence per outcome for the area's organisations, from the same points as the chart. */
export function funnelSummary(area: string, points: FunnelPoint[], basis: FunnelBasis): string {
  const ours = points.filter((p) => p.inArea);
  const count = (flags: string[]) => ours.filter((p) => flags.includes(p.flag)).length;
  const above = count(["above 99.8% limit", "above 95% limit"]);
  const below = count(["below 99.8% limit", "below 95% limit"]);
  return (
    `England's gap rate is ${formatPercent(basis.p0)}. Of ${area}'s ${ours.length} organisations shown, ${above} ` +
    `${above === 1 ? "lies" : "lie"} above the 95% limit (a larger gap than chance explains), ${below} below it, and ` +
    `${ours.length - above - below} within the limits.`
  );
}
