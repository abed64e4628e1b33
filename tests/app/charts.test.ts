// Chart functions: data in, figure HTML out. Parsed back with linkedom to check structure.
import { parseHTML } from "linkedom";
import { describe, expect, it } from "vitest";
import type { GapRow } from "~db/analytics/gaps";
import { gapBand, GAP_PALETTE, labelColour } from "~/charts/gap-colours.server";
import { heatmapSummary, renderGapHeatmap } from "~/charts/heatmap.server";
import { NO_DATA_MESSAGE } from "~/charts/render.server";
import { renderTopCapabilities, topCapabilities } from "~/charts/top-capabilities.server";
import { toGapMatrix } from "~/lib/gap-matrix";
import { funnelSummary, limitCurves, renderFunnel } from "~/charts/funnel.server";
import { funnelLimits } from "~db/analytics/funnel";

const published = (region: string, name: string, domain: string, domainName: string, gap: number, respondents = 120): GapRow => ({
  region, region_name: name, domain, domain_name: domainName, respondents, required: 100, met: 100 - gap * 100, gap_rate: gap, suppressed: false,
});
const suppressed = (region: string, name: string, domain: string, domainName: string): GapRow => ({
  region, region_name: name, domain, domain_name: domainName, respondents: null, required: null, met: null, gap_rate: null, suppressed: true,
});

// London has both domains; North West is suppressed in domain 1 and has no row at all for domain 6.
const rows: GapRow[] = [
  published("Y56", "London", "1", "Digital implementation", 0.257),
  published("Y56", "London", "6", "Artificial intelligence (AI)", 0.48),
  suppressed("Y62", "North West", "1", "Digital implementation"),
  published("Y61", "North East and Yorkshire", "6", "Artificial intelligence (AI)", 0.62),
];
const matrix = toGapMatrix(rows, {
  rowDimension: "region", columnDimension: "domain", rowNoun: "Region", columnNoun: "Domain", href: (c) => `/regions/${c}?wave=2026-summer`,
});

function parse(html: string) {
  return parseHTML(`<!doctype html><html><body>${html}</body></html>`).document;
}

describe("toGapMatrix", () => {
  it("completes the grid and tells suppressed from missing cells", () => {
    expect(matrix.columns.map((c) => c.code)).toEqual(["1", "6"]);
    expect(matrix.rows.map((r) => r.name)).toEqual(["London", "North West", "North East and Yorkshire"]);
    const northWest = matrix.rows[1];
    expect(northWest.cells.map((c) => c.state)).toEqual(["suppressed", "no-data"]);
    expect(northWest.cells[0].gapRate).toBeNull();
    expect(northWest.href).toBe("/regions/Y62?wave=2026-summer");
  });
});

describe("renderGapHeatmap", () => {
  const html = renderGapHeatmap({ id: "regions", title: "Gap rate by region and domain", matrix, k: 10 });
  const doc = parse(html);
  const chart = doc.querySelector(".app-chart__plot svg")!;

  it("renders an SVG inside a titled figure with a summary", () => {
    expect(chart).toBeTruthy();
    expect(doc.querySelector(".app-chart__title")!.textContent).toBe("Gap rate by region and domain");
    expect(doc.querySelector(".app-chart__summary")!.textContent).toContain(
      "Highest gap: North East and Yorkshire, Artificial intelligence (AI), 62.0%.",
    );
  });

  it("sets the accessibility attributes and leaves no aria-label on mark groups", () => {
    for (const svg of doc.querySelectorAll("svg:not([aria-hidden])")) {
      expect(svg.getAttribute("role")).toBe("img");
      expect(svg.getAttribute("aria-label")).toBeTruthy();
    }
    expect(chart.getAttribute("aria-label")).toMatch(/^Gap rate by region and domain\. Highest gap/);
    expect(doc.querySelectorAll("g[aria-label]").length).toBe(0);
  });

  it("draws suppressed cells hatched with S, and missing cells white with a dash", () => {
    const hatch = doc.querySelector("pattern#regions-hatch");
    expect(hatch).toBeTruthy();
    const hatched = [...chart.querySelectorAll("g[fill='url(#regions-hatch)'] rect")];
    expect(hatched).toHaveLength(1);
    const blank = [...chart.querySelectorAll("g[stroke-dasharray] rect")];
    expect(blank).toHaveLength(2);
    const tips = [...doc.querySelectorAll("svg.app-chart__links title")].map((t) => t.textContent);
    expect(tips).toContain("North West, Digital implementation: suppressed (fewer than 10 respondents)");
    expect(tips).toContain("North West, Artificial intelligence (AI): no data");
    const labels = [...chart.querySelectorAll("text")].map((t) => t.textContent);
    expect(labels.filter((l) => l === "S")).toHaveLength(1);
    expect(labels.filter((l) => l === "–")).toHaveLength(2);
    // Nothing of a suppressed cell is revealed, and no suppressed cell is coloured by rate.
    expect(labels).toContain("25.7%");
    expect(hatched[0].getAttribute("fill")).toBeNull();
  });

  it("explains S and – in a key next to a threshold legend", () => {
    const key = doc.querySelector(".app-chart__key")!;
    expect(key.textContent).toContain("suppressed, fewer than 10 respondents");
    expect(key.textContent).toContain("no data for this combination");
    expect(key.querySelector("svg[role=img]")!.getAttribute("aria-label")).toContain("under 20%");
  });

  it("links cells to the row's page in a hidden layer over the chart, out of the tab order", () => {
    // Links inside role="img" would be nested-interactive; the image itself has none.
    expect(chart.querySelectorAll("a")).toHaveLength(0);
    const overlay = doc.querySelector("svg.app-chart__links")!;
    expect(overlay.getAttribute("aria-hidden")).toBe("true");
    expect(overlay.getAttribute("viewBox")).toBe(chart.getAttribute("viewBox"));
    const links = [...overlay.querySelectorAll("a")];
    expect(links).toHaveLength(6);
    expect(links.map((a) => a.getAttribute("href"))).toContain("/regions/Y62?wave=2026-summer");
    expect(links.every((a) => a.getAttribute("tabindex") === "-1")).toBe(true);
  });

  it("puts tooltips on the cells when there are no links", () => {
    const unlinked = toGapMatrix(rows, { rowDimension: "region", columnDimension: "domain", rowNoun: "Region", columnNoun: "Domain" });
    const out = parse(renderGapHeatmap({ id: "u", title: "t", matrix: unlinked, k: 10 }));
    expect(out.querySelector("svg.app-chart__links")).toBeNull();
    expect(out.querySelectorAll(".app-chart__plot svg rect title")).toHaveLength(6);
  });

  it("says so instead of drawing when there is no data", () => {
    const empty = toGapMatrix([], { rowDimension: "region", columnDimension: "domain", rowNoun: "Region", columnNoun: "Domain" });
    const out = renderGapHeatmap({ id: "empty", title: "Gap rate", matrix: empty, k: 10 });
    expect(out).toContain(NO_DATA_MESSAGE);
    expect(out).not.toContain("<svg");
  });

  it("still draws a grid where every cell is suppressed", () => {
    const all = toGapMatrix([suppressed("Y56", "London", "1", "Digital implementation")], {
      rowDimension: "region", columnDimension: "domain", rowNoun: "Region", columnNoun: "Domain",
    });
    expect(heatmapSummary(all, 10)).toBe("No cell has enough respondents to publish a gap rate. 1 cell is suppressed (fewer than 10 respondents).");
    expect(renderGapHeatmap({ id: "s", title: "t", matrix: all, k: 10 })).toContain("<svg");
  });
});

describe("gap colours", () => {
  it("puts rates in fixed bands with readable label colours", () => {
    expect(gapBand(0.1)).toBe(0);
    expect(gapBand(0.2)).toBe(1);
    expect(gapBand(0.95)).toBe(GAP_PALETTE.length - 1);
    expect(labelColour(0.1)).not.toBe(labelColour(0.9));
  });
});

describe("top capabilities", () => {
  const capability = (code: string, gap: number | null): GapRow => ({
    capability: code, capability_name: `Capability statement ${code} that is rather long and needs shortening for the chart`,
    respondents: gap === null ? null : 500, required: null, met: null, gap_rate: gap, suppressed: gap === null,
  });
  const rows = [capability("1-01", 0.3), capability("6.2-10", 0.92), capability("2-03", null), ...Array.from({ length: 12 }, (_, i) => capability(`3-${10 + i}`, 0.5 + i / 100))];

  it("ranks published capabilities only, largest first, at most ten", () => {
    const ranked = topCapabilities(rows);
    expect(ranked).toHaveLength(10);
    expect(ranked[0]).toMatchObject({ code: "6.2-10", rank: 1 });
    expect(ranked.map((c) => c.code)).not.toContain("2-03");
  });

  it("marks the capabilities whose text is illustrative", () => {
    const ranked = topCapabilities(rows, 10, new Set(["6.2-10"]));
    expect(ranked.find((c) => c.code === "6.2-10")!.illustrative).toBe(true);
    expect(ranked.filter((c) => c.illustrative)).toHaveLength(1);
  });

  it("renders bars with a summary and accessible SVG", () => {
    const doc = parse(renderTopCapabilities({ id: "top", title: "Largest gaps", ranked: topCapabilities(rows), suppressedCount: 1, k: 10 }));
    const svg = doc.querySelector("svg")!;
    expect(svg.getAttribute("role")).toBe("img");
    expect(doc.querySelectorAll("g[aria-label]").length).toBe(0);
    expect(svg.querySelectorAll("rect").length).toBeGreaterThanOrEqual(10);
    expect(doc.querySelector(".app-chart__summary")!.textContent).toMatch(/^Largest gap: 6\.2-10 .*, 92\.0%\..*1 capability is suppressed/);
  });

  it("says so instead of drawing when nothing can be ranked", () => {
    const out = renderTopCapabilities({ id: "top", title: "Largest gaps", ranked: topCapabilities([capability("2-03", null)]), suppressedCount: 1, k: 10 });
    expect(out).toContain(NO_DATA_MESSAGE);
    expect(out).not.toContain("<svg");
  });
});

describe("funnel plot", () => {
  const basis = { p0: 0.4, sigma1: 0.3266, phi: 1 };
  const point = (organisation: string, respondents: number, gapRate: number, flag: string, inArea = true) => ({
    organisation,
    name: `Trust ${organisation}`,
    respondents,
    gapRate,
    flag,
    inArea,
  });

  it("draws both limits at the funnel's formula along the respondents axis", () => {
    const curves = limitCurves(basis, 400);
    // docs/metrics.md worked example: at 16 respondents the 95% limits are 0.4 ± 1.959964 × 0.3266 ÷ 4.
    const at16 = funnelLimits(basis, 16, 1.959964);
    expect(at16.low).toBeCloseTo(0.24, 2);
    expect(at16.high).toBeCloseTo(0.56, 2);
    for (const c of curves) {
      const z = c.z === "95%" ? 1.959964 : 3.090232;
      expect(c.high).toBeCloseTo(Math.min(1, 0.4 + (z * 0.3266) / Math.sqrt(c.n)), 12);
      expect(c.low).toBeCloseTo(Math.max(0, 0.4 - (z * 0.3266) / Math.sqrt(c.n)), 12);
    }
    expect(Math.max(...curves.map((c) => c.n))).toBeGreaterThanOrEqual(400);
  });

  it("summarises the area's organisations from the same points, others left out", () => {
    const points = [
      point("A", 50, 0.7, "above 95% limit"),
      point("B", 80, 0.41, "within limits"),
      point("C", 90, 0.1, "below 99.8% limit"),
      point("D", 60, 0.9, "above 99.8% limit", false),
    ];
    expect(funnelSummary("London", points, basis)).toBe(
      "England's gap rate is 40.0%. Of London's 3 organisations shown, 1 lies above the 95% limit (a larger gap than chance explains), 1 below it, and 1 within the limits.",
    );
    const html = renderFunnel({ id: "f", title: "Funnel", area: "London", points, basis });
    expect(html).toContain('role="img"');
    expect(renderFunnel({ id: "f", title: "Funnel", area: "London", points: [], basis })).toContain("No data");
  });
});
