// Commissioning-priority estimates: staff below = Σ headcount × share, the interval from each
// share's Wilson interval at fixed headcount (combined across sources by MOVER), and the ranking.
// Expected values are worked by hand in the comments.
import { describe, expect, it } from "vitest";
import { wilsonInterval } from "../../../../db/analytics/metrics";
import { estimateStaffBelow, publishedShare, rankByLowerBound, type PriorityEstimate } from "../../../../db/analytics/priority-estimates";

// Exact shares (as England's are), for everyone in the staff group: the estimates' arithmetic alone.
const own = (source: string, below: number, respondents: number) => publishedShare(source, { below, respondents, scale: 1 }, false, true);
const borrowedFrom = (source: string, below: number, respondents: number) => publishedShare(source, { below, respondents, scale: 1 }, true, true);

describe("publishedShare", () => {
  it("scales the share assessed by the share of respondents the item applies to, with the Wilson interval", () => {
    // 30 of the 100 assessed are below; 80% of the staff group's respondents have an archetype it applies to: 0.8 × 0.3 = 0.24.
    const share = publishedShare("organisation|A", { below: 30, respondents: 100, scale: 0.8 }, false, true);
    expect(share.rate).toBeCloseTo(0.24, 15);
    expect(share.low).toBeCloseTo(0.8 * wilsonInterval(30, 100)!.low, 15);
    expect(share.high).toBeCloseTo(0.8 * wilsonInterval(30, 100)!.high, 15);
  });

  it("rounds the factors and bounds to 0.1 percentage points below England, as the cells are published", () => {
    // 7 of 30: 0.23333 → 0.233; scale 2/3 → 0.667; Wilson(7, 30) = [0.11792, 0.40928] → [0.118, 0.409].
    const share = publishedShare("region|Y56", { below: 7, respondents: 30, scale: 2 / 3 }, true, false);
    expect(share.rate).toBeCloseTo(0.667 * 0.233, 15);
    expect(share.low).toBeCloseTo(0.667 * 0.118, 15);
    expect(share.high).toBeCloseTo(0.667 * 0.409, 15);
    expect(share.borrowed).toBe(true);
  });
});

describe("estimateStaffBelow", () => {
  it("is headcount times the Wilson interval of the share, for one stratum", () => {
    // 200 staff; 30 of the stratum's 100 respondents below: 60 staff. Wilson(30, 100) = [21.89%, 39.58%].
    const e = estimateStaffBelow([{ headcount: 200, share: own("A", 30, 100) }])!;
    expect(e.staffBelow).toBeCloseTo(60, 12);
    expect(e.low).toBeCloseTo(43.79, 1); // 200 × 0.218949
    expect(e.high).toBeCloseTo(79.17, 1); // 200 × 0.395849
    expect(e.low).toBeCloseTo(200 * wilsonInterval(30, 100)!.low, 12);
    expect(e).toMatchObject({ headcount: 200, organisations: 1, borrowedOrganisations: 0 });
  });

  it("adds strata, counting a shared borrowed rate once with all the staff it covers", () => {
    // A: 200 × 30/100 = 60 (own). B: 50 × 40/160 = 12.5 and C: 30 × 40/160 = 7.5, both borrowing the
    // ICB's rate. Total 80 of 280 staff.
    const e = estimateStaffBelow([
      { headcount: 200, share: own("A", 30, 100) },
      { headcount: 50, share: borrowedFrom("icb|I", 40, 160) },
      { headcount: 30, share: borrowedFrom("icb|I", 40, 160) },
    ])!;
    expect(e.staffBelow).toBeCloseTo(80, 12);
    expect(e).toMatchObject({ headcount: 280, organisations: 3, borrowedOrganisations: 2 });
    // Wilson(30, 100) = [0.218949, 0.395849]; Wilson(40, 160) = [0.189300, 0.322424], the ICB's
    // rate covering 80 staff. low = 80 − √((200 × 0.081051)² + (80 × 0.060700)²) = 80 − 16.92 = 63.08;
    // high = 80 + √((200 × 0.095849)² + (80 × 0.072424)²) = 80 + 20.03 = 100.03.
    expect(e.low).toBeCloseTo(63.08, 1);
    expect(e.high).toBeCloseTo(100.03, 1);
    // Treating B and C as independent would understate the uncertainty.
    const independent = estimateStaffBelow([
      { headcount: 200, share: own("A", 30, 100) },
      { headcount: 50, share: borrowedFrom("B", 40, 160) },
      { headcount: 30, share: borrowedFrom("C", 40, 160) },
    ])!;
    expect(independent.low).toBeGreaterThan(e.low);
  });

  it("withholds the estimate when any stratum has no published share, and skips strata without staff", () => {
    expect(estimateStaffBelow([{ headcount: 10, share: own("A", 1, 20) }, { headcount: 5, share: null }])).toBeNull();
    const e = estimateStaffBelow([{ headcount: 10, share: own("A", 5, 20) }, { headcount: 0, share: null }])!;
    expect(e).toMatchObject({ headcount: 10, staffBelow: 2.5, organisations: 1 });
  });

  it("keeps the interval within 0 and the headcount", () => {
    const none = estimateStaffBelow([{ headcount: 40, share: own("A", 0, 12) }])!;
    expect(none.low).toBe(0);
    const all = estimateStaffBelow([{ headcount: 40, share: own("A", 12, 12) }])!;
    expect(all.high).toBe(40);
  });
});

describe("rankByLowerBound", () => {
  const est = (low: number, staffBelow: number): PriorityEstimate => ({ headcount: 100, staffBelow, low, high: 100, organisations: 1, borrowedOrganisations: 0 });
  it("ranks by the lower bound, then the estimate; withheld rows come last, unranked", () => {
    const ranked = rankByLowerBound([
      { id: "a", estimate: est(5, 40) },
      { id: "b", estimate: est(9, 20) },
      { id: "c", estimate: null },
      { id: "d", estimate: est(9, 30) },
    ]);
    expect(ranked.map((r) => [r.id, r.rank])).toEqual([["d", 1], ["b", 2], ["a", 3], ["c", null]]);
  });
});
