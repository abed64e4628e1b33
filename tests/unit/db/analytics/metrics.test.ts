// Gap metrics and disclosure control: gapRate, the intervals, the suppression threshold and
// publishCell. Expected values are worked by hand in the comments.
import { describe, expect, it } from "vitest";
import { publishCell } from "../../../../db/analytics/gaps";
import { gapChange, gapInterval, gapRate, gapStandardError, wilsonInterval, Z95 } from "../../../../db/analytics/metrics";
import { isSuppressed, MINIMUM_K, publishedCount, publishedRate, suppressionThreshold } from "../../../../db/analytics/suppression";

describe("gapRate", () => {
  it("is null when nothing is required", () => {
    expect(gapRate(0, 0)).toBeNull();
  });

  it("is the share of required ratings not met", () => {
    expect(gapRate(10, 7)).toBeCloseTo(0.3, 15); // (10 − 7) ÷ 10
    expect(gapRate(4, 1)).toBe(0.75); // (4 − 1) ÷ 4
    expect(gapRate(8, 8)).toBe(0);
    expect(gapRate(8, 0)).toBe(1);
  });
});

describe("wilsonInterval", () => {
  it("matches a hand computation for 3 of 10", () => {
    // p = 0.3, z² = 3.841459, 1 + z²/n = 1.3841459
    // centre = (0.3 + 3.841459/20) / 1.3841459 = 0.3555066
    // half = (1.959964 / 1.3841459) × √(0.3 × 0.7 / 10 + 3.841459 / 400) = 0.2477153
    const ci = wilsonInterval(3, 10)!;
    expect(ci.low).toBeCloseTo(0.1077913, 6);
    expect(ci.high).toBeCloseTo(0.6032219, 6);
  });

  it("stays inside [0, 1] at the edges and is null for no trials", () => {
    // 0 of 10: centre = (3.841459/20) / 1.3841459 = 0.1387664 = half, so the low end is 0.
    const none = wilsonInterval(0, 10)!;
    expect(none.low).toBeCloseTo(0, 12);
    expect(none.high).toBeCloseTo(0.2775328, 6);
    const all = wilsonInterval(10, 10)!;
    expect(all.low).toBeCloseTo(1 - 0.2775328, 6);
    expect(all.high).toBeCloseTo(1, 12);
    expect(wilsonInterval(0, 0)).toBeNull();
  });
});

describe("gapInterval", () => {
  /** Sums of a cell from its respondents' (required, unmet) pairs, as the rollups keep them. */
  const sums = (people: [number, number][]) => ({
    respondents: people.length,
    required: people.reduce((t, [r]) => t + r, 0),
    met: people.reduce((t, [r, u]) => t + r - u, 0),
    sumR2: people.reduce((t, [r]) => t + r * r, 0),
    sumU2: people.reduce((t, [, u]) => t + u * u, 0),
    sumRu: people.reduce((t, [r, u]) => t + r * u, 0),
  });

  it("is pooled when respondents have several required ratings", () => {
    // (r, u) = (2, 1), (3, 0), (1, 1), (4, 2): n = 4, R = 10, U = 4, p̂ = 0.4.
    // Σ(u − 0.4r)² = 0.2² + 1.2² + 0.6² + 0.4² = 0.04 + 1.44 + 0.36 + 0.16 = 2.0
    // SE² = 4/3 × 2.0 / 10² = 0.0266667, SE = 0.1632993; z·SE = 0.3200608
    const ci = gapInterval(sums([[2, 1], [3, 0], [1, 1], [4, 2]]))!;
    expect(ci.low).toBeCloseTo(0.0799392, 6);
    expect(ci.high).toBeCloseTo(0.7200608, 6);
  });

  it("is Wilson on (unmet, required) when every respondent has one required rating", () => {
    // Ten respondents, one required rating each, three unmet: Wilson on (3, 10), as above.
    const people: [number, number][] = [...Array(10)].map((_, i) => [1, i < 3 ? 1 : 0]);
    expect(gapInterval(sums(people))).toEqual(wilsonInterval(3, 10));
  });

  it("falls back to Wilson when every respondent has the same share unmet (SE = 0)", () => {
    // (4, 2) and (2, 1): p̂ = 3/6 = 0.5 and both uᵢ − 0.5rᵢ = 0, so SE = 0: Wilson on (3, 6).
    expect(gapInterval(sums([[4, 2], [2, 1]]))).toEqual(wilsonInterval(3, 6));
    // A single respondent: n/(n − 1) is undefined; Wilson on (1, 3).
    expect(gapInterval(sums([[3, 1]]))).toEqual(wilsonInterval(1, 3));
  });

  it("is clipped to [0, 1]", () => {
    // (1, 1), (1, 1), (9, 0): p̂ = 2/11; Σ(u − p̂r)² = 2 × (9/11)² + (18/11)² = 486/121 = 4.0165
    // SE² = 3/2 × 4.0165 / 121 = 0.0497917, SE = 0.2231405, p̂ − z·SE = 0.1818 − 0.4373 < 0.
    const ci = gapInterval(sums([[1, 1], [1, 1], [9, 0]]))!;
    expect(ci.low).toBe(0);
    expect(ci.high).toBeCloseTo(2 / 11 + Z95 * 0.2231405, 6);
  });

  it("is null when nothing is required", () => {
    expect(gapInterval(sums([]))).toBeNull();
  });

  it("contains the estimate and narrows as respondents grow", () => {
    let previous = Infinity;
    for (const n of [10, 40, 160, 640]) {
      const people: [number, number][] = [...Array(n)].map((_, i) => [3, i % 4 === 0 ? 3 : i % 2]);
      const s = sums(people);
      const p = gapRate(s.required, s.met)!;
      const ci = gapInterval(s)!;
      expect(ci.low).toBeLessThanOrEqual(p);
      expect(ci.high).toBeGreaterThanOrEqual(p);
      expect(ci.high - ci.low).toBeLessThan(previous);
      previous = ci.high - ci.low;
    }
  });
});

describe("gapStandardError", () => {
  it("is the pooled SE, and the Wilson half-width over z where that is 0", () => {
    // The pooled case above: SE = 0.1632993.
    expect(gapStandardError({ respondents: 4, required: 10, met: 6, sumR2: 30, sumU2: 6, sumRu: 11 })).toBeCloseTo(0.1632993, 6);
    // 0 of 10 unmet, one rating each: pooled SE 0; Wilson (0, 10) is 0 to 0.2775328, half-width ÷ z = 0.0708005.
    expect(gapStandardError({ respondents: 10, required: 10, met: 10, sumR2: 10, sumU2: 0, sumRu: 0 })).toBeCloseTo(0.0708005, 6);
    expect(gapStandardError({ respondents: 0, required: 0, met: 0, sumR2: 0, sumU2: 0, sumRu: 0 })).toBeNull();
  });
});

describe("gapChange", () => {
  it("is later minus earlier with SE √(SE₁² + SE₂²), flagged only when the interval excludes 0", () => {
    // 0.3 (SE 0.03) against 0.4 (SE 0.04): change −0.1, SE 0.05, half-width 1.959964 × 0.05 = 0.0979982.
    const fell = gapChange({ rate: 0.3, se: 0.03 }, { rate: 0.4, se: 0.04 });
    expect(fell.change).toBeCloseTo(-0.1, 12);
    expect(fell.low).toBeCloseTo(-0.1979982, 6);
    expect(fell.high).toBeCloseTo(-0.0020018, 6);
    expect(fell.flag).toBe("improved");
    // 0.35 against 0.4 with the same SEs: −0.05 ± 0.098 spans 0.
    expect(gapChange({ rate: 0.35, se: 0.03 }, { rate: 0.4, se: 0.04 }).flag).toBe("no significant change");
    expect(gapChange({ rate: 0.5, se: 0.03 }, { rate: 0.4, se: 0.04 }).flag).toBe("worse");
  });
});

describe("suppressionThreshold", () => {
  it("defaults to 10 when unset or blank", () => {
    expect(MINIMUM_K).toBe(10);
    expect(suppressionThreshold({})).toBe(10);
    expect(suppressionThreshold({ SUPPRESSION_THRESHOLD: "" })).toBe(10);
    expect(suppressionThreshold({ SUPPRESSION_THRESHOLD: "  " })).toBe(10);
  });

  it("can be raised", () => {
    expect(suppressionThreshold({ SUPPRESSION_THRESHOLD: "12" })).toBe(12);
    expect(suppressionThreshold({ SUPPRESSION_THRESHOLD: " 10 " })).toBe(10);
  });

  it.each(["9", "0", "-10", "abc", "10.5"])("refuses %j", (raw) => {
    expect(() => suppressionThreshold({ SUPPRESSION_THRESHOLD: raw })).toThrow(
      `SUPPRESSION_THRESHOLD=${raw} is not allowed: it must be a whole number of at least 10`,
    );
  });
});

describe("isSuppressed", () => {
  it("suppresses cells under k and publishes cells of k or more", () => {
    expect(isSuppressed(0, 10)).toBe(true);
    expect(isSuppressed(9, 10)).toBe(true);
    expect(isSuppressed(10, 10)).toBe(false);
    expect(isSuppressed(11, 10)).toBe(false);
    expect(isSuppressed(11, 12)).toBe(true);
  });
});

describe("published precision", () => {
  it("rounds counts to the nearest 5", () => {
    expect([0, 2, 3, 7, 8, 12, 13, 1_234_567].map(publishedCount)).toEqual([0, 0, 5, 5, 10, 10, 15, 1_234_565]);
  });

  it("rounds rates to 0.1 percentage points", () => {
    expect([0, 1, 3 / 7, 2 / 3, 0.0004999, 0.0005001, 0.9995001].map(publishedRate)).toEqual([0, 1, 0.429, 0.667, 0, 0.001, 1]);
  });
});

describe("publishCell", () => {
  const dims = ["organisation", "domain"] as const;
  // The per-respondent sums: each respondent has 4 required ratings, 8 of 10 with 3 unmet and 2
  // with 2 (so 40 required, 12 met). Σr² = 10 × 16, Σu² = 8 × 9 + 2 × 4, Σru = 8 × 12 + 2 × 8.
  const raw = (respondents: number, required: number, met: number) => ({
    organisation: "RX1",
    organisation_name: "Example NHS Trust",
    domain: "5",
    domain_name: "Health data management",
    respondents,
    required,
    met,
    sum_r2: required ? 160 : 0,
    sum_u2: required ? 80 : 0,
    sum_ru: required ? 112 : 0,
  });

  it("keeps only the dimension values of a cell under k", () => {
    expect(publishCell(raw(9, 40, 12), [...dims], 10, false)).toEqual({
      organisation: "RX1",
      organisation_name: "Example NHS Trust",
      domain: "5",
      domain_name: "Health data management",
      respondents: null,
      required: null,
      met: null,
      gap_rate: null,
      suppressed: true,
      ci_low: null,
      ci_high: null,
    });
  });

  it("publishes an England cell of k respondents with counts to the nearest 5, its exact gap rate and interval", () => {
    expect(publishCell(raw(10, 40, 12), ["domain"], 10, true)).toEqual({
      domain: "5",
      domain_name: "Health data management",
      respondents: 10,
      required: 40,
      met: 10, // 12, rounded to the nearest 5
      gap_rate: 0.7, // (40 − 12) ÷ 40: from the unrounded counts
      suppressed: false,
      // Pooled: Σ(u − 0.7r)² = 8 × 0.2² + 2 × 0.8² = 1.6; SE² = 10/9 × 1.6 / 40² = 1/900, SE = 1/30;
      // 0.7 ± 1.959964/30 = 0.7 ± 0.0653321
      ci_low: expect.closeTo(0.6346679, 6),
      ci_high: expect.closeTo(0.7653321, 6),
    });
  });

  it("publishes a cell below England level with its rate and interval to 0.1 percentage points", () => {
    expect(publishCell(raw(10, 40, 12), [...dims], 10, false)).toMatchObject({
      respondents: 10,
      required: 40,
      met: 10,
      gap_rate: 0.7,
      ci_low: 0.635, // 0.6346679
      ci_high: 0.765, // 0.7653321
    });
    // 13 respondents, 7 of 31 met: 24/31 = 0.7741935… → 0.774; counts 15, 30, 5.
    expect(publishCell({ ...raw(13, 31, 7), sum_r2: 31, sum_u2: 24, sum_ru: 24 }, [...dims], 10, false)).toMatchObject({
      respondents: 15,
      required: 30,
      met: 5,
      gap_rate: 0.774,
    });
  });

  it("drops columns that are not dimensions or measures", () => {
    const cell = publishCell({ ...raw(20, 10, 5), region: "Y56", pseudonym: "abc" }, ["organisation"], 10, false);
    expect(Object.keys(cell)).toEqual(["organisation", "organisation_name", "respondents", "required", "met", "gap_rate", "suppressed", "ci_low", "ci_high"]);
  });

  it("publishes a null gap rate when nothing is required", () => {
    expect(publishCell(raw(15, 0, 0), [], 10, true)).toEqual({ respondents: 15, required: 0, met: 0, gap_rate: null, suppressed: false, ci_low: null, ci_high: null });
  });

  it("honours a raised k", () => {
    expect(publishCell(raw(10, 40, 12), [], 12, true).suppressed).toBe(true);
  });
});
