// Tooltips for the server-rendered charts, once JavaScript is running. Every mark Plot drew with a
// `title` carries an SVG <title>; this shows its text at once, styled, on pointer hover, and for
// keyboard users the arrow keys step through the marks of a focused chart. The tooltip can be
// dismissed with Escape and stays while the pointer is over it (WCAG 2.2, 1.4.13). Without
// JavaScript the browser's own <title> tooltips and the tables next to the charts remain.
import { useEffect } from "react";

const PLOT = ".app-chart__plot";
const CURRENT = "app-chart__mark--current";

/** The marks of a chart that have a tip, in drawing order (their <title> moved to data-tip). */
function marksOf(plot: Element): SVGElement[] {
  for (const title of [...plot.querySelectorAll("svg title")]) {
    const mark = title.parentElement;
    // The chart's own accessible name is not a mark.
    if (mark && mark.tagName.toLowerCase() !== "svg") {
      mark.setAttribute("data-tip", title.textContent ?? "");
      title.remove();
    }
  }
  return [...plot.querySelectorAll<SVGElement>("[data-tip]")];
}

function tooltipElement(): HTMLElement {
  let tip = document.getElementById("app-chart-tooltip");
  if (!tip) {
    tip = document.createElement("div");
    tip.id = "app-chart-tooltip";
    tip.className = "app-chart-tooltip";
    tip.setAttribute("role", "tooltip");
    tip.hidden = true;
    document.body.appendChild(tip);
  }
  return tip;
}

function show(mark: Element, at?: { x: number; y: number }) {
  const tip = tooltipElement();
  tip.textContent = mark.getAttribute("data-tip");
  tip.hidden = false;
  const box = mark.getBoundingClientRect();
  const x = at?.x ?? box.left + box.width / 2;
  const y = at?.y ?? box.top;
  // Above the point, kept inside the window.
  const left = Math.min(Math.max(8, x + window.scrollX - tip.offsetWidth / 2), window.scrollX + document.documentElement.clientWidth - tip.offsetWidth - 8);
  tip.style.left = `${left}px`;
  tip.style.top = `${Math.max(window.scrollY + 8, y + window.scrollY - tip.offsetHeight - 10)}px`;
}

function hide() {
  const tip = document.getElementById("app-chart-tooltip");
  if (tip) tip.hidden = true;
  for (const m of document.querySelectorAll(`.${CURRENT}`)) m.classList.remove(CURRENT);
}

export function useChartTooltips(): void {
  useEffect(() => {
    const over = (event: PointerEvent) => {
      const target = event.target as Element | null;
      if (target?.closest("#app-chart-tooltip")) return;
      const plot = target?.closest(PLOT);
      if (!plot) return hide();
      marksOf(plot);
      const mark = target?.closest("[data-tip]");
      if (mark) show(mark, { x: event.clientX, y: event.clientY });
      else hide();
    };
    const key = (event: KeyboardEvent) => {
      if (event.key === "Escape") return hide();
      const plot = (event.target as Element | null)?.closest?.(PLOT);
      if (!plot || !["ArrowRight", "ArrowLeft", "ArrowDown", "ArrowUp"].includes(event.key)) return;
      const marks = marksOf(plot);
      if (marks.length === 0) return;
      event.preventDefault();
      const now = marks.findIndex((m) => m.classList.contains(CURRENT));
      const step = event.key === "ArrowRight" || event.key === "ArrowDown" ? 1 : -1;
      const next = marks[now < 0 ? (step > 0 ? 0 : marks.length - 1) : (now + step + marks.length) % marks.length];
      hide();
      next.classList.add(CURRENT);
      show(next);
    };
    const blur = (event: FocusEvent) => {
      if ((event.target as Element | null)?.closest?.(PLOT)) hide();
    };
    document.addEventListener("pointerover", over);
    document.addEventListener("keydown", key);
    document.addEventListener("focusout", blur);
    return () => {
      document.removeEventListener("pointerover", over);
      document.removeEventListener("keydown", key);
      document.removeEventListener("focusout", blur);
      hide();
    };
  }, []);
}
