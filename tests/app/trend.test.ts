// The trend chart by domain across waves: data shaping, the summary and the rendered panels, on
// hand-made gap tables whose answers are worked out by hand below.
import { parseHTML } from "linkedom";
import { describe, expect, it } from "vitest";
import type { GapRow } from "~db/analytics/gaps";
import {
  panelPoints,
  renderTrend,
  trendCellText,
  trendDirection,
  trendSeries,
  trendSummary,
  trendWaveHeading,
} from "~/charts/trend.server";
import { formatPoints } from "~/lib/format";

const WAVES = [
  { label: "2025-autumn", name: "Autumn 2025" },
  { label: "2026-spring", name: "Spring 2026" },
];

const row = (wave: string, domain: string, name: string, rate: number | null, low: number | null, high: number | null, extra: Partial<GapRow> = {}): GapRow => ({
  wave, wave_name: wave, domain, domain_name: name, respondents: rate === null ? null : 100, required: null, met: null,
  gap_rate: rate, suppressed: rate === null, ci_low: low, ci_high: high, provisional: false, series_break: false, ...extra,
});

// Domain 1 falls clearly (the intervals 35–45% and 25–34% do not overlap); domain 2 rises clearly
// (20–30% then 31–41%); domain 10 moves within its intervals (50–60% then 45–55%); domain 3 is
// suppressed in the later wave and domain 4 has no row at all in the earlier one.
const rows: GapRow[] = [
  row("2025-autumn", "10", "Ten", 0.55, 0.5, 0.6),
  row("2025-autumn", "1", "Digital implementation", 0.4, 0.35, 0.45),
  row("2025-autumn", "2", "Digital health", 0.25, 0.2, 0.3),
  row("2025-autumn", "3", "Ethics", 0.5, 0.4, 0.6),
  row("2026-spring", "1", "Digital implementation", 0.3, 0.25, 0.34, { provisional: true }),
  row("2026-spring", "2", "Digital health", 0.36, 0.31, 0.41, { provisional: true }),
  row("2026-spring", "3", "Ethics", null, null, null, { provisional: true }),
  row("2026-spring", "4", "Data", 0.2, 0.15, 0.25, { provisional: true }),
  row("2026-spring", "10", "Ten", 0.5, 0.45, 0.55, { provisional: true }),
];
const series = trendSeries(rows, WAVES);

describe("trendSeries", () => {
  it("puts domains in code order and every wave in each, telling suppressed from missing", () => {
    expect(series.domains.map((d) => d.code)).toEqual(["1", "2", "3", "4", "10"]);
    expect(series.domains[2].cells.map((c) => c.state)).toEqual(["published", "suppressed"]);
    expect(series.domains[3].cells.map((c) => c.state)).toEqual(["no-data", "published"]);
    expect(series.domains[0].cells[1]).toEqual({ state: "published", rate: 0.3, low: 0.25, high: 0.34 });
  });

  it("carries each wave's provisional and series-break flags from its rows", () => {
    expect(series.waves).toEqual([
      { label: "2025-autumn", name: "Autumn 2025", provisional: false, seriesBreak: false },
      { label: "2026-spring", name: "Spring 2026", provisional: true, seriesBreak: false },
    ]);
    expect(trendWaveHeading(series.waves[1])).toBe("Spring 2026 (provisional)");
    expect(trendWaveHeading({ ...series.waves[1], seriesBreak: true })).toBe("Spring 2026 (provisional, new framework version)");
  });

  it("writes cells as the table shows them", () => {
    expect(series.domains[0].cells.map(trendCellText)).toEqual(["40.0% (35.0% to 45.0%)", "30.0% (25.0% to 34.0%)"]);
    expect(series.domains[2].cells.map(trendCellText)).toEqual(["50.0% (40.0% to 60.0%)", "suppressed"]);
    expect(trendCellText(series.domains[3].cells[0])).toBe("no data");
  });
});

describe("trendDirection", () => {
  const cell = (rate: number, low: number, high: number) => ({ state: "published" as const, rate, low, high });
  it("calls a change only when the two intervals do not overlap", () => {
    expect(trendDirection(cell(0.4, 0.35, 0.45), cell(0.3, 0.25, 0.34))).toBe("fell");
    // Touching intervals (0.35 = 0.35) overlap.
    expect(trendDirection(cell(0.4, 0.35, 0.45), cell(0.3, 0.25, 0.35))).toBe("within intervals");
    expect(trendDirection(cell(0.25, 0.2, 0.3), cell(0.36, 0.31, 0.41))).toBe("rose");
    expect(trendDirection({ state: "suppressed" }, cell(0.3, 0.2, 0.4))).toBe("not comparable");
    expect(trendDirection(cell(0.3, 0.2, 0.4), { state: "no-data" })).toBe("not comparable");
  });
});

describe("trendSummary", () => {
  it("names the domains that fell and rose beyond their intervals, the rest, and the largest gap", () => {
    expect(trendSummary(series)).toBe(
      "Between Autumn 2025 and Spring 2026 the gap rate fell in 1 domain (Digital implementation) and rose in 1 domain " +
        "(Digital health), by more than the two waves' 95% intervals allow for. In 1 domain the change lies within the intervals. " +
        "Ethics and Data: not published in both waves, so not compared. Largest gap in Spring 2026: Ten, 50.0%. 1 figure is suppressed.",
    );
  });

  it("says when nothing moved beyond the intervals", () => {
    const flat = trendSeries([row("2025-autumn", "1", "A", 0.4, 0.3, 0.5), row("2026-spring", "1", "A", 0.38, 0.3, 0.46)], WAVES);
    expect(trendSummary(flat)).toBe(
      "Between Autumn 2025 and Spring 2026 no domain's gap rate moved beyond the two waves' 95% intervals. Largest gap in Spring 2026: A, 38.0%.",
    );
  });

  it("counts rather than names the domains when all of them moved", () => {
    const both = trendSeries(
      [
        row("2025-autumn", "1", "A", 0.6, 0.55, 0.65),
        row("2025-autumn", "2", "B", 0.5, 0.45, 0.55),
        row("2026-spring", "1", "A", 0.4, 0.35, 0.45),
        row("2026-spring", "2", "B", 0.3, 0.25, 0.35),
      ],
      WAVES,
    );
    expect(trendSummary(both)).toBe(
      "Between Autumn 2025 and Spring 2026 the gap rate fell in all 2 domains, by more than the two waves' 95% intervals allow for. " +
        "Largest gap in Spring 2026: A, 40.0%.",
    );
  });

  it("has no trend with one wave, and does not compare across a framework change", () => {
    const one = trendSeries([row("2026-spring", "1", "A", 0.38, 0.3, 0.46)], WAVES.slice(1));
    expect(trendSummary(one)).toBe("Only one wave, Spring 2026, is shown, so there is no trend yet. Largest gap in Spring 2026: A, 38.0%.");
    const broken = trendSeries(
      [row("2025-autumn", "1", "A", 0.6, 0.5, 0.7), row("2026-spring", "1", "A", 0.2, 0.1, 0.3, { series_break: true })],
      WAVES,
    );
    expect(trendSummary(broken)).toBe(
      "Spring 2026 uses a different framework version from Autumn 2025, so the series is not compared across them. Largest gap in Spring 2026: A, 20.0%.",
    );
    expect(trendSummary(trendSeries([], []))).toBe("There are no waves to show yet.");
  });
});

describe("panelPoints", () => {
  it("keeps a null rate where the line must break and starts a new segment at a framework change", () => {
    const waves = [...WAVES, { label: "2026-autumn", name: "Autumn 2026" }];
    const three = trendSeries(
      [
        row("2025-autumn", "1", "A", 0.6, 0.5, 0.7),
        row("2026-spring", "1", "A", null, null, null),
        row("2026-autumn", "1", "A", 0.2, 0.1, 0.3, { series_break: true }),
      ],
      waves,
    );
    const points = panelPoints(three, three.domains[0]);
    expect(points.map((p) => [p.x, p.rate, p.segment])).toEqual([
      [0, 0.6, 0],
      [1, null, 0],
      [2, 0.2, 1],
    ]);
    expect(points[1].title).toBe("A, Spring 2026: suppressed");
    expect(points[2].title).toBe("A, Autumn 2026 (new framework version): 20.0% (10.0% to 30.0%)");
  });
});

describe("renderTrend", () => {
  const html = renderTrend({ id: "trend", title: "Gap rate by domain across waves", series });
  const doc = parseHTML(`<!doctype html><html><body>${html}</body></html>`).document;

  it("draws one labelled, accessible panel per domain with the summary in the caption", () => {
    const panels = doc.querySelectorAll(".app-trend__panel");
    expect([...panels].map((p) => p.querySelector(".app-trend__domain")!.textContent)).toEqual(series.domains.map((d) => d.name));
    for (const svg of doc.querySelectorAll("svg")) {
      expect(svg.getAttribute("role")).toBe("img");
      expect(svg.querySelectorAll("g[aria-label]").length).toBe(0);
    }
    expect(doc.querySelector("svg")!.getAttribute("aria-label")).toBe(
      "Digital implementation: Autumn 2025 40.0% (35.0% to 45.0%); Spring 2026 30.0% (25.0% to 34.0%)",
    );
    expect(doc.querySelector(".app-chart__summary")!.textContent).toBe(trendSummary(series));
    // Two published waves in one framework version: one line joins them.
    expect(doc.querySelector('.app-trend__panel g[stroke-width="2"][fill="none"] path')!.getAttribute("d")).toMatch(/^M[\d.,]+L[\d.,]+$/);
  });

  it("titles each point with the table's text, marks suppressed waves S and draws open waves hollow", () => {
    const titles = [...doc.querySelectorAll("svg title")].map((t) => t.textContent);
    expect(titles).toContain("Digital implementation, Spring 2026 (provisional): 30.0% (25.0% to 34.0%)");
    expect(titles).toContain("Ethics, Spring 2026 (provisional): suppressed");
    const ethics = doc.querySelectorAll(".app-trend__panel")[2];
    // The mark's own text, without the title inside it.
    const own = (t: Element) => [...t.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join("");
    expect([...ethics.querySelectorAll("text")].filter((t) => own(t) === "S")).toHaveLength(1);
    const firstPanelDots = [...doc.querySelectorAll(".app-trend__panel")[0].querySelectorAll("circle")].map((c) => c.getAttribute("fill"));
    expect(firstPanelDots).toEqual(["#005eb8", "white"]);
    expect(doc.querySelector(".app-chart__key")!.textContent).toContain("Hollow dots: provisional");
  });

  it("marks a framework change with a dashed rule and says the series is not joined across it", () => {
    const broken = trendSeries(
      [row("2025-autumn", "1", "A", 0.6, 0.5, 0.7), row("2026-spring", "1", "A", 0.2, 0.1, 0.3, { series_break: true })],
      WAVES,
    );
    const out = parseHTML(`<!doctype html><html><body>${renderTrend({ id: "t", title: "T", series: broken })}</body></html>`).document;
    expect(out.querySelectorAll('g[stroke-dasharray="4 3"] line')).toHaveLength(1);
    expect(out.querySelector(".app-chart__key")!.textContent).toContain("Dashed line: the framework version changed");
    // Two segments of one point each: no line joins them.
    const lines = [...out.querySelectorAll('g[stroke-width="2"][fill="none"] path')].map((p) => p.getAttribute("d"));
    expect(lines).toHaveLength(2);
    expect(lines.every((d) => !d!.includes("L"))).toBe(true);
  });

  it("says why there is no chart when there is nothing to draw", () => {
    const empty = renderTrend({ id: "trend", title: "T", series: trendSeries([], []), emptyMessage: "Open waves are left out." });
    expect(empty).toContain("Open waves are left out.");
    expect(empty).not.toContain("<svg");
  });
});

describe("formatPoints", () => {
  it("signs a change in percentage points with a true minus, and none when it rounds to zero", () => {
    expect(formatPoints(-0.0213)).toBe("\u22122.1 points");
    expect(formatPoints(0.05, false)).toBe("+5.0");
    expect(formatPoints(-0.0004)).toBe("0.0 points");
  });
});
