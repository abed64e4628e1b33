// Gap-rate heatmap: one row per Region / Organisation / StaffGroup, one column per Domain.
// Published cells are coloured by gap band and labelled with the rate; suppressed cells are
// hatched with "S"; combinations without data are white, outlined, with "–".
import * as Plot from "@observablehq/plot";
import type { GapMatrix, MatrixCell, MatrixRow } from "~/lib/gap-matrix";
import { isEmptyMatrix } from "~/lib/gap-matrix";
import { formatCount, formatPercent, shorten } from "~/lib/format";
import {
  bandDescriptions, gapColourScale, hatchPattern, labelColour, NO_DATA_FILL, OUTLINE, TEXT_DARK, TEXT_LIGHT,
} from "./gap-colours.server";
import { accessibleSvg, figureHtml, labelWidth, linkOverlay, noDataHtml, plotDocument } from "./render.server";

export interface HeatmapOptions {
  id: string;
  title: string;
  matrix: GapMatrix;
  /** Suppression threshold (respondents), for the key. */
  k: number;
}

interface HeatCell {
  row: string;
  column: string;
  state: MatrixCell["state"];
  gapRate: number | null;
  href?: string;
  tip: string;
  label: string;
}

const WIDTH = 928;
const FONT_SIZE = 13;
const ROW_HEIGHT = 34;
const LINE_HEIGHT = 16;
const MAX_MARGIN_LEFT = 300;

export function renderGapHeatmap({ id, title, matrix, k }: HeatmapOptions): string {
  if (isEmptyMatrix(matrix)) return noDataHtml(id, title);
  const document = plotDocument();
  const cells = heatCells(matrix, k);
  const rowName = new Map(matrix.rows.map((r) => [r.code, shorten(r.name, Math.floor((MAX_MARGIN_LEFT - 16) / (FONT_SIZE * 0.55)))]));
  const columnLabel = new Map(matrix.columns.map((c) => [c.code, `${c.code} ${c.name}`]));

  // Long names are shortened to fit the margin; the table and tooltips show them in full.
  const marginLeft = Math.min(MAX_MARGIN_LEFT, Math.max(100, Math.max(...[...rowName.values()].map((n) => labelWidth(n, FONT_SIZE))) + 16));
  const columnWidth = (WIDTH - marginLeft - 8) / matrix.columns.length;
  const lines = Math.min(4, Math.max(...[...columnLabel.values()].map((l) => Math.ceil(labelWidth(l, FONT_SIZE) / (columnWidth - 8)))));
  const marginTop = lines * LINE_HEIGHT + 12;
  const hatchId = `${id}-hatch`;
  const linked = cells.some((c) => c.href);
  // Tooltips go on the top layer: the link overlay when there is one, else the cells.
  const common = { x: "column", y: "row", inset: 1, ...(linked ? {} : { title: "tip" }) } as const;
  const is = (state: MatrixCell["state"]) => cells.filter((c) => c.state === state);
  const frame = {
    document,
    width: WIDTH,
    height: marginTop + matrix.rows.length * ROW_HEIGHT + 8,
    marginTop,
    marginLeft,
    marginRight: 8,
    marginBottom: 8,
    style: { fontSize: `${FONT_SIZE}px`, fontFamily: "inherit" },
    x: { type: "band" as const, domain: matrix.columns.map((c) => c.code), padding: 0 },
    y: { type: "band" as const, domain: matrix.rows.map((r) => r.code), padding: 0 },
  };

  const svg = Plot.plot({
    ...frame,
    color: gapColourScale(),
    marks: [
      Plot.axisX({
        anchor: "top", label: null, tickSize: 0, tickPadding: 6, lineWidth: (columnWidth - 8) / FONT_SIZE,
        tickFormat: (c: string) => columnLabel.get(c) ?? c,
      }),
      Plot.axisY({
        label: null, tickSize: 0, tickPadding: 8, tickFormat: (r: string) => rowName.get(r) ?? r,
      }),
      Plot.cell(is("value"), { ...common, fill: "gapRate" }),
      Plot.cell(is("suppressed"), { ...common, fill: `url(#${hatchId})`, stroke: OUTLINE, inset: 1.5 }),
      Plot.cell(is("no-data"), { ...common, fill: NO_DATA_FILL, stroke: OUTLINE, strokeDasharray: "4,3", inset: 1.5 }),
      Plot.text(cells.filter((c) => textColour(c) === TEXT_DARK), { x: "column", y: "row", text: "label", fill: TEXT_DARK }),
      Plot.text(cells.filter((c) => textColour(c) === TEXT_LIGHT), { x: "column", y: "row", text: "label", fill: TEXT_LIGHT }),
    ],
  });
  svg.insertAdjacentHTML("afterbegin", `<defs>${hatchPattern(hatchId)}</defs>`);
  const summary = heatmapSummary(matrix, k);
  let plot = accessibleSvg(svg, `${title}. ${summary}`);
  if (linked) {
    // Links cannot live inside an svg with role="img" (axe: nested-interactive), so clickable
    // cells are a second, transparent layer on top, for pointer users; the table has the same links.
    const overlay = Plot.plot({
      ...frame,
      x: { ...frame.x, axis: null },
      y: { ...frame.y, axis: null },
      marks: [Plot.cell(cells.filter((c) => c.href), { x: "column", y: "row", href: "href", title: "tip", fill: "transparent", inset: 1 })],
    });
    plot += linkOverlay(overlay);
  }
  return figureHtml({ id, title, summary, plot, key: heatmapKey(id, k) });
}

function textColour(c: HeatCell): string {
  return c.state === "value" && c.gapRate !== null ? labelColour(c.gapRate) : TEXT_DARK;
}

function heatCells(matrix: GapMatrix, k: number): HeatCell[] {
  const columnName = new Map(matrix.columns.map((c) => [c.code, c.name]));
  return matrix.rows.flatMap((r: MatrixRow) =>
    r.cells.map((c) => {
      const where = `${r.name}, ${columnName.get(c.column) ?? c.column}`;
      const cell = { row: r.code, column: c.column, state: c.state, gapRate: c.gapRate, href: r.href };
      if (c.state === "suppressed") return { ...cell, label: "S", tip: `${where}: suppressed (fewer than ${k} respondents)` };
      if (c.state === "no-data" || c.gapRate === null) return { ...cell, label: "–", tip: `${where}: no data` };
      const who = c.respondents === null ? "" : ` (${formatCount(c.respondents)} respondents)`;
      return { ...cell, label: formatPercent(c.gapRate), tip: `${where}: gap rate ${formatPercent(c.gapRate)}${who}` };
    }),
  );
}

/** One or two sentences a screen-reader user hears instead of the picture. */
export function heatmapSummary(matrix: GapMatrix, k: number): string {
  const columnName = new Map(matrix.columns.map((c) => [c.code, c.name]));
  const all = matrix.rows.flatMap((r) => r.cells.map((c) => ({ ...c, row: r.name, column: columnName.get(c.column) ?? c.column })));
  const published = all.filter((c) => c.state === "value" && c.gapRate !== null) as (typeof all[number] & { gapRate: number })[];
  const suppressed = all.filter((c) => c.state === "suppressed").length;
  const noData = all.filter((c) => c.state === "no-data").length;
  const parts: string[] = [];
  if (published.length) {
    const high = published.reduce((a, b) => (b.gapRate > a.gapRate ? b : a));
    const low = published.reduce((a, b) => (b.gapRate < a.gapRate ? b : a));
    parts.push(`Highest gap: ${high.row}, ${high.column}, ${formatPercent(high.gapRate)}.`);
    if (published.length > 1) parts.push(`Lowest gap: ${low.row}, ${low.column}, ${formatPercent(low.gapRate)}.`);
  } else {
    parts.push("No cell has enough respondents to publish a gap rate.");
  }
  if (suppressed) parts.push(`${suppressed} ${suppressed === 1 ? "cell is" : "cells are"} suppressed (fewer than ${k} respondents).`);
  if (noData) parts.push(`${noData} ${noData === 1 ? "cell has" : "cells have"} no data.`);
  return parts.join(" ");
}

/** The colour legend (Plot, threshold scale: no canvas needed) plus what "S" and "–" mean. */
export function heatmapKey(id: string, k: number): string {
  // Plot.legend reads `document` like Plot.plot does, but its type does not declare it.
  const options = { document: plotDocument(), color: gapColourScale(), width: 320, style: { fontSize: "12px", fontFamily: "inherit" } };
  const legend = Plot.legend(options as Plot.LegendScales) as Element;
  const swatch = (fill: string, mark: string, dashed: boolean) =>
    `<svg class="app-chart__swatch" width="28" height="20" viewBox="0 0 28 20" aria-hidden="true" focusable="false">` +
    (fill.startsWith("url") ? `<defs>${hatchPattern(`${id}-key-hatch`)}</defs>` : "") +
    `<rect x="1" y="1" width="26" height="18" fill="${fill.startsWith("url") ? `url(#${id}-key-hatch)` : fill}" stroke="${OUTLINE}"${dashed ? ' stroke-dasharray="4,3"' : ""}></rect>` +
    `<text x="14" y="14" text-anchor="middle" font-size="13" fill="${TEXT_DARK}">${mark}</text></svg>`;
  return [
    accessibleSvg(legend, `Colour key for gap rate: ${bandDescriptions().join(", ")}`),
    `<ul class="app-chart__key-list">`,
    `<li>${swatch("url", "S", false)}<span><strong>S</strong>: suppressed, fewer than ${k} respondents (figures withheld to protect staff)</span></li>`,
    `<li>${swatch(NO_DATA_FILL, "–", true)}<span><strong>–</strong>: no data for this combination</span></li>`,
    `</ul>`,
  ].join("");
}
