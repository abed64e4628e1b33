// The Organisation page's pure parts: shaping published rows, the peer and attained-level charts
// and their summaries, the statements' order from the URL, and the page's links.
import { parseHTML } from "linkedom";
import { describe, expect, it } from "vitest";
import type { GapRow } from "~db/analytics/gaps";
import { attainmentSegments, attainmentSummary, renderAttainment, segmentLabel } from "~/charts/attainment.server";
import { peerAxisEnd, peerSummary, relation, renderPeerComparison, rowVerdict } from "~/charts/peer-comparison.server";
import { NO_FILTERS, type PageFilters } from "~/lib/filters";
import {
  attainmentRow, type CapabilityFacts, nextSort, pageAddress, peerComparison, readSort, sortQuery, sortStatements, staffGroupHref,
  statementRows,
} from "~/lib/organisation-figures";
import { canonicalAddress } from "~/lib/page-filters.server";

const parse = (html: string) => parseHTML(`<!doctype html><html><body>${html}</body></html>`).document;

const PEERS = { peer_group: "acute", peer_group_name: "Acute trusts (type unverified)" };
const overall: GapRow = {
  organisation: "RJ7", organisation_name: "St George's", respondents: 250, gap_rate: 0.336, suppressed: false, ci_low: 0.305, ci_high: 0.366,
  ...PEERS, peer_rate: 0.434, peer_flag: "better", region_peer_rate: 0.307, region_peer_flag: "similar",
};
const domainRow = (domain: string, name: string, gap: number, low: number, high: number, peer: number | null, flag: string, region: number | null, regionFlag: string): GapRow => ({
  organisation: "RJ7", organisation_name: "St George's", domain, domain_name: name, respondents: 250, gap_rate: gap, suppressed: false,
  ci_low: low, ci_high: high, ...PEERS, peer_rate: peer, peer_flag: flag, region_peer_rate: region, region_peer_flag: regionFlag,
});
const byDomain: GapRow[] = [
  domainRow("1", "Digital implementation", 0.254, 0.221, 0.287, 0.356, "better", 0.242, "similar"),
  domainRow("5", "Health data management", 0.52, 0.45, 0.594, 0.422, "worse", null, "not enough organisations to compare"),
  // A suppressed cell publishes none of its peer fields.
  {
    organisation: "RJ7", organisation_name: "St George's", domain: "6", domain_name: "Artificial intelligence (AI)", respondents: null, gap_rate: null,
    suppressed: true, ci_low: null, ci_high: null, peer_group: null, peer_group_name: null, peer_rate: null, peer_flag: null, region_peer_rate: null, region_peer_flag: null,
  },
];

describe("peerComparison", () => {
  const comparison = peerComparison(overall, "All domains", byDomain);

  it("puts the all-domains row first, then the domains, with the peer group's name", () => {
    expect(comparison.peerGroupName).toBe("Acute trusts (type unverified)");
    expect(comparison.rows.map((r) => r.code)).toEqual(["all", "1", "5", "6"]);
    expect(comparison.rows[0]).toMatchObject({ name: "All domains", gapRate: 0.336, interval: { low: 0.305, high: 0.366 }, peerRate: 0.434, peerFlag: "better", regionFlag: "similar" });
    expect(comparison.rows[2]).toMatchObject({ regionRate: null, regionFlag: "not enough organisations to compare" });
    expect(comparison.rows[3]).toMatchObject({ suppressed: true, gapRate: null, interval: null, peerRate: null, peerFlag: null });
  });

  it("leaves out the all-domains row when there is none (a domain filter)", () => {
    expect(peerComparison(null, "All domains", byDomain.slice(0, 1)).rows.map((r) => r.code)).toEqual(["1"]);
  });

  it("says each row's comparison in words", () => {
    expect(comparison.rows.map(rowVerdict)).toEqual([
      "Peers: better\nRegion: similar",
      "Peers: better\nRegion: similar",
      "Peers: worse\nRegion: not enough to compare",
      "suppressed",
    ]);
    expect([relation("better"), relation("similar"), relation("worse")]).toEqual(["better than", "similar to", "worse than"]);
  });

  it("ends the axis at the next 10% above every value drawn", () => {
    // Largest value 0.594 (domain 5's interval) + 0.03 = 0.624: up to 70%.
    expect(peerAxisEnd(comparison.rows)).toBeCloseTo(0.7, 10);
    expect(peerAxisEnd([{ ...comparison.rows[0], gapRate: 0.9, interval: { low: 0.85, high: 0.99 } }])).toBe(1);
    expect(peerAxisEnd([])).toBe(1);
  });

  it("summarises the same rows", () => {
    expect(peerSummary("St George's", "London", comparison)).toBe(
      "Across all domains St George's's gap rate is 33.6% (30.5% to 36.6%): better than other acute trusts (type unverified) in England (43.4%), " +
        "and similar to those in London (30.7%). Against other acute trusts (type unverified) in England, by domain: 1 worse, 1 better. " +
        "Worse than peers in: Health data management. 1 row is suppressed.",
    );
    expect(peerSummary("X", "London", peerComparison(null, "All domains", byDomain.slice(2)))).toBe("No figure for X has enough respondents to publish or compare.");
  });

  it("draws an accessible chart with each rate and each comparison in text", () => {
    const html = renderPeerComparison({ id: "peers", title: "Gap rate against peers", organisation: "St George's", region: "London", comparison });
    const doc = parse(html);
    const svg = doc.querySelector(".app-chart__plot svg")!;
    expect(svg.getAttribute("role")).toBe("img");
    expect(svg.getAttribute("aria-label")).toContain("Gap rate against peers. Across all domains");
    expect(doc.querySelectorAll("svg g[aria-label]").length).toBe(0);
    const texts = [...svg.querySelectorAll("text")].map((t) => t.textContent);
    for (const rate of ["33.6%", "25.4%", "52.0%"]) expect(texts).toContain(rate);
    expect(texts.join(" ")).toContain("Peers: worse");
    expect(texts.join(" ")).toContain("suppressed");
    expect(doc.querySelector(".app-chart__key")!.textContent).toContain("the other acute trusts (type unverified) in London");
  });
});

const attainment = (domain: string, fields: Partial<GapRow>): GapRow => ({
  domain, domain_name: `Domain ${domain}`, suppressed: false, placed: 100, incomplete: 10,
  attained_0: 10, attained_1: 20, attained_2: 30, attained_3: 25, attained_4: 15,
  attained_0_share: 0.1, attained_1_share: 0.2, attained_2_share: 0.3, attained_3_share: 0.25, attained_4_share: 0.15,
  expected_level: null, below_expected: 45, below_expected_share: 0.45, below_expected_ci_low: 0.356, below_expected_ci_high: 0.548,
  ...fields,
});

describe("attained levels", () => {
  const rows = [
    attainment("1", {}),
    // Shaped like a Users-only cell: nobody above level 2, expected 2.
    attainment("2", { attained_3_share: 0, attained_4_share: 0, attained_2_share: 0.7, attained_0_share: 0.05, attained_1_share: 0.25, expected_level: 2, below_expected_share: 0.3, below_expected_ci_low: 0.2, below_expected_ci_high: 0.4 }),
    // Published with fewer than k placed: the distribution is withheld.
    attainment("3", { placed: 5, ...Object.fromEntries([0, 1, 2, 3, 4].flatMap((l) => [[`attained_${l}`, null], [`attained_${l}_share`, null]])), below_expected: null, below_expected_share: null, below_expected_ci_low: null, below_expected_ci_high: null }),
    { domain: "4", domain_name: "Domain 4", suppressed: true, placed: null, incomplete: null },
  ].map(attainmentRow);

  it("reads published, withheld and suppressed rows", () => {
    expect(rows.map((r) => [r.suppressed, r.withheld])).toEqual([[false, false], [false, false], [false, true], [true, false]]);
    expect(rows[0]).toMatchObject({ placed: 100, incomplete: 10, counts: [10, 20, 30, 25, 15], expectedLevel: null, belowExpectedInterval: { low: 0.356, high: 0.548 } });
    expect(rows[1].expectedLevel).toBe(2);
  });

  it("stacks the published shares left to right, level 0 first, skipping empty levels", () => {
    const segments = attainmentSegments(rows);
    const one = segments.filter((s) => s.domain === "1").map((s) => [s.level, +s.x1.toFixed(10), +s.x2.toFixed(10)]);
    expect(one).toEqual([[0, 0, 0.1], [1, 0.1, 0.3], [2, 0.3, 0.6], [3, 0.6, 0.85], [4, 0.85, 1]]);
    expect(segments.filter((s) => s.domain === "2").map((s) => s.level)).toEqual([0, 1, 2]);
    expect(segments.some((s) => s.domain === "3" || s.domain === "4")).toBe(false);
  });

  it("labels a piece by its width", () => {
    expect([segmentLabel(2, 0.3), segmentLabel(0, 0.05), segmentLabel(4, 0.02)]).toEqual(["L2 30.0%", "L0", ""]);
  });

  it("summarises where most and fewest are below expected, and what is withheld", () => {
    expect(attainmentSummary(rows, 10)).toBe(
      "Most below their expected level: Domain 1, 45.0% (35.6% to 54.8%) of those placed. Fewest: Domain 2, 30.0% (20.0% to 40.0%). " +
        "1 domain is suppressed (fewer than 10 respondents). 1 domain has fewer than 10 placed respondents: levels withheld.",
    );
  });

  it("draws the bars with level labels in text and the share below expected in each row's note", () => {
    const doc = parse(renderAttainment({ id: "attainment", title: "Attained level", rows, k: 10 }));
    const texts = [...doc.querySelectorAll(".app-chart__plot svg text")].map((t) => t.textContent).join(" ");
    for (const label of ["L0", "L1 20.0%", "L2 30.0%", "L3 25.0%", "L4 15.0%", "45.0% below expected", "30.0% below expected L2", "10 incomplete", "fewer than 10 placed: withheld", "suppressed"]) {
      expect(texts).toContain(label);
    }
    expect(doc.querySelectorAll("svg g[aria-label]").length).toBe(0);
    expect(doc.querySelector(".app-chart__key")!.textContent).toContain("L0: not yet at the first level that applies");
  });
});

describe("statements", () => {
  const fact = (code: string, domain: string, level: number, sortOrder: number): [string, CapabilityFacts] => [
    code, { code, title: `Statement ${code}`, domain, domainName: `Domain ${domain}`, level, archetypes: "SDCEU", illustrative: true, sortOrder },
  ];
  const facts = new Map([fact("1-01", "1", 1, 1), fact("1-02", "1", 1, 2), fact("1.1-03", "1", 2, 3), fact("6-01", "6", 1, 4)]);
  const row = (code: string, gap: number | null, suppressed = false): GapRow => ({
    capability: code, capability_name: `Statement ${code}`, respondents: suppressed ? null : 40, gap_rate: gap, suppressed,
    ci_low: gap === null ? null : gap - 0.1, ci_high: gap === null ? null : gap + 0.1,
  });
  const rows = statementRows([row("1-01", 0.4), row("1-02", null, true), row("1.1-03", 0.7), row("6-01", 0.4)], facts);

  it("adds each statement's domain and level from the framework", () => {
    expect(rows.map((r) => [r.code, r.domain, r.level])).toEqual([["1-01", "1", 1], ["1-02", "1", 1], ["1.1-03", "1", 2], ["6-01", "6", 1]]);
    expect(rows[1]).toMatchObject({ suppressed: true, gapRate: null, interval: null });
  });

  it("sorts by gap either way, ties in framework order and unknown rates last", () => {
    expect(sortStatements(rows, { key: "gap", dir: "desc" }).map((r) => r.code)).toEqual(["1.1-03", "1-01", "6-01", "1-02"]);
    expect(sortStatements(rows, { key: "gap", dir: "asc" }).map((r) => r.code)).toEqual(["1-01", "6-01", "1.1-03", "1-02"]);
    expect(sortStatements(rows, { key: "code", dir: "desc" }).map((r) => r.code)).toEqual(["6-01", "1.1-03", "1-02", "1-01"]);
  });

  it("reads the order from the URL, refusing unknown values", () => {
    expect(readSort(new URLSearchParams(""))).toEqual({ key: "gap", dir: "desc" });
    expect(readSort(new URLSearchParams("sort=code"))).toEqual({ key: "code", dir: "asc" });
    expect(readSort(new URLSearchParams("sort=gap&dir=asc"))).toEqual({ key: "gap", dir: "asc" });
    expect(readSort(new URLSearchParams("sort=name"))).toEqual({ error: "sort=name: sort the statements by gap or by code." });
    expect(readSort(new URLSearchParams("sort=gap&dir=up"))).toEqual({ error: "dir=up: use asc (ascending) or desc (descending)." });
  });

  it("links a header to the other direction, or to its natural one, with no parameters for the default order", () => {
    expect(nextSort({ key: "gap", dir: "desc" }, "gap")).toEqual({ key: "gap", dir: "asc" });
    expect(nextSort({ key: "gap", dir: "asc" }, "code")).toEqual({ key: "code", dir: "asc" });
    expect(sortQuery({ key: "gap", dir: "desc" })).toBe("");
    expect(sortQuery({ key: "code", dir: "asc" })).toBe("sort=code&dir=asc");
  });
});

describe("links", () => {
  const filters: PageFilters = { ...NO_FILTERS, wave: "2026-summer", staff_group: "NMR", domain: "5", weighted: true };

  it("leads a staff group row to its page within the organisation, keeping the other filters", () => {
    expect(staffGroupHref("AHP", "RJ7", filters)).toBe("/staff-groups/AHP?wave=2026-summer&domain=5&weighted=true&organisation=RJ7");
    expect(staffGroupHref("AHP", "RJ7", NO_FILTERS)).toBe("/staff-groups/AHP?organisation=RJ7");
  });

  it("builds sort links that are already canonical: filters first, then the page's own parameters", () => {
    const href = pageAddress("/organisations/RJ7", filters, "sort=code&dir=asc", "#statements");
    expect(href).toBe("/organisations/RJ7?wave=2026-summer&staff_group=NMR&domain=5&weighted=true&sort=code&dir=asc#statements");
    expect(canonicalAddress(new URL(href, "http://localhost"))).toBeNull();
    expect(pageAddress("/organisations/RJ7", NO_FILTERS, "sort=code&dir=asc")).toBe("/organisations/RJ7?sort=code&dir=asc");
    expect(pageAddress("/organisations/RJ7", NO_FILTERS, "")).toBe("/organisations/RJ7");
  });
});
