// Post-stratified weighting: each cell's weights with the two collapse steps, and the weighted gap
// rate, interval and effective sample size. Expected values are worked by hand in the comments.
import { describe, expect, it } from "vitest";
import { gapInterval, type GapSums, wilsonInterval } from "../../../../db/analytics/metrics";
import { cellWeights, groupKey, lowResponseThreshold, population, type Stratum, weightedGap } from "../../../../db/analytics/weighting";

const stratum = (organisation: string, staffGroup: string, headcount: number, respondents: number, region = "R"): Stratum => ({
  organisation,
  staffGroup,
  region,
  icb: null,
  headcount,
  respondents,
});

// Region R: organisation A answered for NMR (10 of 100) and AC (5 of 50), not for ST (20 staff);
// organisation B answered for nothing (NMR 30 staff, MD 8 staff); nobody in R answered for MD.
const A_NMR = stratum("A", "NMR", 100, 10);
const A_AC = stratum("A", "AC", 50, 5);
const A_ST = stratum("A", "ST", 20, 0);
const B_NMR = stratum("B", "NMR", 30, 0);
const B_MD = stratum("B", "MD", 8, 0);
const STRATA = [A_NMR, A_AC, A_ST, B_NMR, B_MD];
const POPULATION = population(STRATA);

describe("cellWeights", () => {
  it("spreads each stratum over its own respondents, then the organisation's, then the region's staff group", () => {
    const region = cellWeights(STRATA, POPULATION);
    // A/NMR: own 100/10 = 10; A/ST collapses to A's 15 respondents, 20/15 = 4/3 each; B/NMR borrows
    // R's NMR respondents (A's 10), 30/10 = 3 each: 10 + 4/3 + 3 = 14 1/3.
    expect(region.weights.get(groupKey("A", "NMR"))).toBeCloseTo(10 + 4 / 3 + 3, 12);
    // A/AC: own 50/5 = 10, plus A/ST's 4/3.
    expect(region.weights.get(groupKey("A", "AC"))).toBeCloseTo(10 + 4 / 3, 12);
    expect(region.weights.size).toBe(2);
    // Headcount 100 + 50 + 20 + 30 + 8 = 208; covered by own respondents 150; B/MD's 8 uncovered.
    expect(region).toMatchObject({ headcount: 208, covered: 150, uncovered: 8, respondents: 15 });
    // The weights carry every covered or collapsed member of staff: 10 × 14 1/3 + 5 × 11 1/3 = 200 = 208 − 8.
    expect(10 * region.weights.get(groupKey("A", "NMR"))! + 5 * region.weights.get(groupKey("A", "AC"))!).toBeCloseTo(200, 10);
  });

  it("keeps an organisation's cell to its own strata, and a staff group's cell to that group's strata", () => {
    const organisation = cellWeights([A_NMR, A_AC, A_ST], POPULATION);
    // No regional borrowing inside A: NMR 10 + 4/3, AC 10 + 4/3; headcount 170, covered 150.
    expect(organisation.weights.get(groupKey("A", "NMR"))).toBeCloseTo(10 + 4 / 3, 12);
    expect(organisation.weights.get(groupKey("A", "AC"))).toBeCloseTo(10 + 4 / 3, 12);
    expect(organisation).toMatchObject({ headcount: 170, covered: 150, uncovered: 0, respondents: 15 });
    const nmr = cellWeights([A_NMR, B_NMR], POPULATION);
    // A/NMR own 10, plus B/NMR borrowed 3: 13; headcount 130, covered 100.
    expect([...nmr.weights]).toEqual([[groupKey("A", "NMR"), 13]]);
    expect(nmr).toMatchObject({ headcount: 130, covered: 100, uncovered: 0, respondents: 10 });
  });

  it("gives no weight of their own to respondents in a staff group the headcount does not list", () => {
    const strata = [stratum("C", "NMR", 0, 4), stratum("C", "AC", 40, 8)];
    const cw = cellWeights(strata, population(strata));
    expect([...cw.weights]).toEqual([[groupKey("C", "AC"), 5]]); // 40/8
    expect(cw).toMatchObject({ headcount: 40, covered: 40, respondents: 8 }); // response rate 8/40: C's NMR is not in the headcount
  });
});

const sums = (s: Partial<GapSums>): GapSums => ({ respondents: 0, required: 0, met: 0, sumR2: 0, sumU2: 0, sumRu: 0, ...s });

describe("weightedGap", () => {
  it("matches a hand-worked pooled example", () => {
    // G1, weight 2: respondent (r 2, u 1) and (r 2, u 0): n 2, R 4, met 3, Σr² 8, Σu² 1, Σru 2.
    // G2, weight 1: one respondent (r 1, u 1): n 1, R 1, met 0, Σr² 1, Σu² 1, Σru 1.
    const groups = new Map([
      ["G1", sums({ respondents: 2, required: 4, met: 3, sumR2: 8, sumU2: 1, sumRu: 2 })],
      ["G2", sums({ respondents: 1, required: 1, met: 0, sumR2: 1, sumU2: 1, sumRu: 1 })],
    ]);
    const result = weightedGap(new Map([["G1", 2], ["G2", 1]]), (k) => groups.get(k))!;
    // p̂w = (2·1 + 1·1) ÷ (2·4 + 1·1) = 3/9 = 1/3.
    expect(result.rate).toBeCloseTo(1 / 3, 15);
    // ESS = (2·2 + 1·1)² ÷ (4·2 + 1·1) = 25/9.
    expect(result.effectiveSampleSize).toBeCloseTo(25 / 9, 12);
    // Σw²(u − p̂r)²: G1 4 × (1/9 + 4/9) = 20/9, G2 1 × 4/9: 24/9 = 8/3.
    // SE² = 3/2 × 8/3 ÷ 9² = 4/81, SE = 2/9; 1/3 ± 1.959964 × 2/9 = 1/3 ± 0.435548 → [0 (clipped), 0.768881].
    expect(result.interval.low).toBe(0);
    expect(result.interval.high).toBeCloseTo(1 / 3 + (1.959964 * 2) / 9, 12);
  });

  it("equals the unweighted rate and interval when every weight is the same", () => {
    const a = sums({ respondents: 12, required: 60, met: 41, sumR2: 320, sumU2: 47, sumRu: 101 });
    const b = sums({ respondents: 9, required: 40, met: 22, sumR2: 190, sumU2: 52, sumRu: 88 });
    const result = weightedGap(new Map([["a", 7.5], ["b", 7.5]]), (k) => (k === "a" ? a : b))!;
    const combined = { respondents: 21, required: 100, met: 63, sumR2: 510, sumU2: 99, sumRu: 189 };
    expect(result.rate).toBeCloseTo(0.37, 15); // (100 − 63) ÷ 100
    expect(result.interval.low).toBeCloseTo(gapInterval(combined)!.low, 12);
    expect(result.interval.high).toBeCloseTo(gapInterval(combined)!.high, 12);
    expect(result.effectiveSampleSize).toBeCloseTo(21, 12); // equal weights: ESS = n
  });

  it("uses Wilson with Kish's effective count for a single-capability cell", () => {
    // G1 weight 3: 4 respondents, one rating each, 3 unmet; G2 weight 1: 2 respondents, both met.
    const groups = new Map([
      ["G1", sums({ respondents: 4, required: 4, met: 1, sumR2: 4, sumU2: 3, sumRu: 3 })],
      ["G2", sums({ respondents: 2, required: 2, met: 2, sumR2: 2, sumU2: 0, sumRu: 0 })],
    ]);
    const result = weightedGap(new Map([["G1", 3], ["G2", 1]]), (k) => groups.get(k))!;
    // p̂w = 3·3 ÷ (3·4 + 1·2) = 9/14; ESS = 14² ÷ (9·4 + 1·2) = 196/38; R·ESS/n = 6 × (196/38) ÷ 6.
    expect(result.rate).toBeCloseTo(9 / 14, 15);
    expect(result.effectiveSampleSize).toBeCloseTo(196 / 38, 12);
    const expected = wilsonInterval((9 / 14) * (196 / 38), 196 / 38)!;
    expect(result.interval.low).toBeCloseTo(expected.low, 12);
    expect(result.interval.high).toBeCloseTo(expected.high, 12);
  });

  it("is null when no weighted respondent has a required rating in the cell", () => {
    expect(weightedGap(new Map([["G", 2]]), () => undefined)).toBeNull();
    expect(weightedGap(new Map([["G", 0]]), () => sums({ respondents: 3, required: 9, met: 4 }))).toBeNull();
  });

  it("narrows as the respondents multiply and always contains the estimate", () => {
    let previous = Infinity;
    for (const m of [1, 4, 16, 64]) {
      const g1 = sums({ respondents: 5 * m, required: 25 * m, met: 15 * m, sumR2: 130 * m, sumU2: 24 * m, sumRu: 52 * m });
      const g2 = sums({ respondents: 3 * m, required: 12 * m, met: 3 * m, sumR2: 50 * m, sumU2: 29 * m, sumRu: 37 * m });
      const r = weightedGap(new Map([["1", 4], ["2", 11]]), (k) => (k === "1" ? g1 : g2))!;
      expect(r.interval.low).toBeLessThanOrEqual(r.rate);
      expect(r.interval.high).toBeGreaterThanOrEqual(r.rate);
      expect(r.interval.high - r.interval.low).toBeLessThan(previous);
      previous = r.interval.high - r.interval.low;
    }
  });
});

describe("lowResponseThreshold", () => {
  it("defaults to 20% and accepts a share between 0 and 1", () => {
    expect(lowResponseThreshold({})).toBe(0.2);
    expect(lowResponseThreshold({ LOW_RESPONSE_THRESHOLD: "0.35" })).toBe(0.35);
    expect(() => lowResponseThreshold({ LOW_RESPONSE_THRESHOLD: "35" })).toThrow("between 0 and 1");
  });
});
