// Shared plumbing for server-rendered Observable Plot charts: a linkedom document to draw into,
// the accessibility clean-up Plot output needs, and the figure markup every chart is wrapped in.
import { parseHTML } from "linkedom";

export const NO_DATA_MESSAGE = "No data for this wave yet";

/** A fresh DOM document for Plot's `document` option (Plot needs one; the server has none). */
export function plotDocument(): Document {
  return parseHTML("<!doctype html><html><body></body></html>").document as unknown as Document;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * Plot labels its mark groups with aria-label, which axe reports as prohibited on <g>; the chart
 * is announced as one image instead, with the table next to it carrying the detail.
 */
export function accessibleSvg(svg: Element, label: string): string {
  for (const g of [...svg.querySelectorAll("g[aria-label]")]) g.removeAttribute("aria-label");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  return svg.outerHTML;
}

/**
 * A layer of links drawn over a chart for pointer users. Hidden from assistive technology and
 * out of the tab order: keyboard and screen-reader users get the same links in the table.
 */
export function linkOverlay(svg: Element): string {
  for (const g of [...svg.querySelectorAll("g[aria-label]")]) g.removeAttribute("aria-label");
  for (const a of [...svg.querySelectorAll("a")]) a.setAttribute("tabindex", "-1");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", `${svg.getAttribute("class") ?? ""} app-chart__links`.trim());
  return svg.outerHTML;
}

export interface FigureParts {
  /** Unique within the page; also prefixes ids inside the chart. */
  id: string;
  title: string;
  summary: string;
  /** Accessible SVG markup of the chart itself. */
  plot: string;
  /** Optional key markup shown above the chart. */
  key?: string;
}

export function figureHtml(parts: FigureParts): string {
  return [
    `<figure class="app-chart" id="${escapeHtml(parts.id)}">`,
    `<figcaption class="app-chart__caption"><span class="app-chart__title">${escapeHtml(parts.title)}</span>`,
    `<span class="app-chart__summary">${escapeHtml(parts.summary)}</span></figcaption>`,
    parts.key ? `<div class="app-chart__key">${parts.key}</div>` : "",
    // Focusable because it scrolls sideways on narrow screens (keyboard users must reach it).
    `<div class="app-chart__plot" tabindex="0" role="region" aria-label="${escapeHtml(`Chart: ${parts.title}`)}">${parts.plot}</div>`,
    `</figure>`,
  ].join("");
}

/** What a chart shows instead of itself when there is nothing to draw (Plot cannot draw nothing). */
export function noDataHtml(id: string, title: string, message = NO_DATA_MESSAGE): string {
  return [
    `<figure class="app-chart app-chart--empty" id="${escapeHtml(id)}">`,
    `<figcaption class="app-chart__caption"><span class="app-chart__title">${escapeHtml(title)}</span></figcaption>`,
    `<p class="app-chart__no-data">${escapeHtml(message)}</p>`,
    `</figure>`,
  ].join("");
}

/** Approximate rendered width of a label in pixels (for margins; Plot cannot measure text). */
export function labelWidth(text: string, fontSize: number): number {
  return Math.ceil(text.length * fontSize * 0.55);
}
