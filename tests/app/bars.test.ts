// The one-dimension bar charts (app/charts/bars.server.ts): rows of a published table in, bars and
// figure HTML out, with the same text in the chart as the table beside it shows.
import { parseHTML } from "linkedom";
import { describe, expect, it } from "vitest";
import type { GapRow } from "~db/analytics/gaps";
import {
  countBars, countBarsSummary, rateBar, rateBars, rateBarsSummary, renderCountBars, renderRateBars,
} from "~/charts/bars.server";
import { NO_DATA_MESSAGE } from "~/charts/render.server";
import { countLabel, rateLabel } from "~/lib/bar-labels";

const region = (code: string, name: string, gap: number | null, low: number | null, high: number | null, respondents: number | null): GapRow => ({
  region: code, region_name: name, respondents, required: null, met: null, gap_rate: gap, suppressed: false, ci_low: low, ci_high: high,
});
const hidden = (code: string, name: string): GapRow => ({
  region: code, region_name: name, respondents: null, required: null, met: null, gap_rate: null, suppressed: true, ci_low: null, ci_high: null,
});

const rows: GapRow[] = [
  region("Y56", "London", 0.124, 0.105, 0.145, 1045),
  hidden("Y62", "North West"),
  region("Y60", "Midlands", 0.283, 0.259, 0.308, 1290),
];

function parse(html: string) {
  return parseHTML(`<!doctype html><html><body>${html}</body></html>`).document;
}

describe("rateBars", () => {
  it("keeps the table's order, its rates and intervals, withholds suppressed rows and adds expected rows as no data", () => {
    const bars = rateBars(rows, "region", { expected: [{ code: "Y59", name: "South East" }, { code: "Y56", name: "London" }] });
    expect(bars.map((b) => [b.code, b.state, b.rate, b.low, b.high, b.respondents])).toEqual([
      ["Y56", "value", 0.124, 0.105, 0.145, 1045],
      ["Y62", "suppressed", null, null, null, null],
      ["Y60", "value", 0.283, 0.259, 0.308, 1290],
      ["Y59", "no-data", null, null, null, null],
    ]);
    expect(bars.map(rateLabel)).toEqual(["12.4%", "suppressed", "28.3%", "no data"]);
  });

  it("reads the weighted columns of a weighted table", () => {
    const row = { ...rows[0], weighted_gap_rate: 0.15, weighted_ci_low: 0.12, weighted_ci_high: 0.18 };
    expect(rateBar(row, "Y56", "London", true)).toMatchObject({ rate: 0.15, low: 0.12, high: 0.18, respondents: 1045 });
    expect(rateBar(undefined, "E", "England")).toMatchObject({ state: "no-data", rate: null });
  });

  it("summarises the highest and lowest published rate and counts the rest", () => {
    const bars = rateBars(rows, "region", { expected: [{ code: "Y59", name: "South East" }] });
    expect(rateBarsSummary(bars, 10)).toBe(
      "Highest gap: Midlands, 28.3%. Lowest gap: London, 12.4%. 1 is suppressed (fewer than 10 respondents). 1 has no data.",
    );
    expect(rateBarsSummary(rateBars([hidden("Y62", "North West")], "region"), 10)).toBe(
      "No figure has enough respondents to publish a gap rate. 1 is suppressed (fewer than 10 respondents).",
    );
  });
});

describe("renderRateBars", () => {
  const bars = rateBars(rows, "region");
  const doc = parse(renderRateBars({ id: "region-bars", title: "Gap rate by region", bars, k: 10 }));
  const svg = doc.querySelector(".app-chart__plot svg")!;

  it("is one accessible image with the summary as its label", () => {
    expect(svg.getAttribute("role")).toBe("img");
    expect(svg.getAttribute("aria-label")).toBe(`Gap rate by region. ${rateBarsSummary(bars, 10)}`);
    expect(doc.querySelectorAll("g[aria-label]")).toHaveLength(0);
    expect(doc.querySelector(".app-chart__summary")!.textContent).toBe(rateBarsSummary(bars, 10));
  });

  it("writes every bar's figure as text, suppressed ones as the word", () => {
    const texts = [...svg.querySelectorAll("text")].map((t) => t.textContent);
    for (const label of ["12.4%", "28.3%", "suppressed"]) expect(texts).toContain(label);
    // One bar and two whisker ends per published row; none for the suppressed one.
    expect(svg.querySelectorAll("g[fill='#b3d1ee'] rect")).toHaveLength(2);
  });

  it("says so instead of drawing when no row has data", () => {
    const out = renderRateBars({ id: "e", title: "t", bars: rateBars([], "region", { expected: [{ code: "Y56", name: "London" }] }), k: 10 });
    expect(out).toContain(NO_DATA_MESSAGE);
    expect(out).not.toContain("<svg");
  });
});

describe("countBars", () => {
  const archetypes = [
    { code: "S", name: "Shapers" },
    { code: "D", name: "Drivers" },
    { code: "U", name: "Users" },
  ];
  const mix: GapRow[] = [
    { archetype: "U", archetype_name: "Users", respondents: 515, gap_rate: 0.38, suppressed: false },
    { archetype: "S", archetype_name: "Shapers", respondents: null, gap_rate: null, suppressed: true },
  ];

  it("lists every expected archetype in order, with counts, suppressed and missing spelled out", () => {
    const bars = countBars(mix, "archetype", archetypes);
    expect(bars.map((b) => [b.code, b.state, b.count])).toEqual([
      ["S", "suppressed", null],
      ["D", "no-data", null],
      ["U", "value", 515],
    ]);
    expect(bars.map(countLabel)).toEqual(["suppressed", "no data", "515"]);
    expect(countBarsSummary(bars, 10)).toBe("Most respondents: Users, 515. 1 is suppressed (fewer than 10 respondents). 1 has no respondents.");
  });

  it("draws a bar only for published counts, with the count beside it", () => {
    const doc = parse(renderCountBars({ id: "mix", title: "Respondents by archetype", bars: countBars(mix, "archetype", archetypes), k: 10 }));
    const svg = doc.querySelector(".app-chart__plot svg")!;
    expect(svg.querySelectorAll("g[fill='#005eb8'] rect")).toHaveLength(1);
    const texts = [...svg.querySelectorAll("text")].map((t) => t.textContent);
    for (const label of ["515", "suppressed", "no data"]) expect(texts).toContain(label);
  });
});
