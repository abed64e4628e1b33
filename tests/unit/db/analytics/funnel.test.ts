// Funnel plot arithmetic, worked by hand.
import { describe, expect, it } from "vitest";
import { chiSquare95, funnelBasis, funnelFlag, funnelLimits, funnelZ, overdispersion, Z998 } from "../../../../db/analytics/funnel";
import { Z95 } from "../../../../db/analytics/metrics";

// England of four respondents, (r, u) = (2, 1), (3, 0), (1, 1), (4, 2): N = 4, R = 10, U = 4, p₀ = 0.4;
// Σr² = 30, Σu² = 6, Σru = 11; Σ(u − 0.4r)² = 6 − 0.8 × 11 + 0.16 × 30 = 2.0; r̄ = 2.5;
// σ₁² = 2.0 / (3 × 2.5²) = 0.1066667, σ₁ = 0.3265986.
const ENGLAND = { respondents: 4, required: 10, met: 6, sumR2: 30, sumU2: 6, sumRu: 11 };

describe("funnelBasis", () => {
  it("is England's rate and the per-respondent spread", () => {
    const basis = funnelBasis(ENGLAND)!;
    expect(basis.p0).toBeCloseTo(0.4, 12);
    expect(basis.sigma1).toBeCloseTo(0.3265986, 6);
  });

  it("needs two respondents and something required", () => {
    expect(funnelBasis({ ...ENGLAND, respondents: 1 })).toBeNull();
    expect(funnelBasis({ ...ENGLAND, required: 0, met: 0 })).toBeNull();
  });
});

describe("funnelLimits and funnelZ", () => {
  const basis = funnelBasis(ENGLAND)!;

  it("narrow with the square root of respondents", () => {
    // n = 16: half-width 1.959964 × 0.3265986 / 4 = 0.1600304.
    const at16 = funnelLimits(basis, 16, Z95);
    expect(at16.low).toBeCloseTo(0.2399696, 6);
    expect(at16.high).toBeCloseTo(0.5600304, 6);
    const at64 = funnelLimits(basis, 64, Z95);
    expect(at64.high - at64.low).toBeCloseTo((at16.high - at16.low) / 2, 12);
    // φ = 4 doubles the width.
    const wide = funnelLimits(basis, 64, Z95, 4);
    expect(wide.high - wide.low).toBeCloseTo(at16.high - at16.low, 12);
  });

  it("clips to [0, 1]", () => {
    expect(funnelLimits(basis, 1, Z998)).toEqual({ low: 0, high: 1 }); // 0.4 ± 1.009
  });

  it("gives the z-score against p₀", () => {
    // (0.6 − 0.4) ÷ (0.3265986 / 4) = 2.4494897
    expect(funnelZ(basis, 0.6, 16)).toBeCloseTo(2.4494897, 6);
  });
});

describe("overdispersion", () => {
  it("is applied when the organisations vary more than chance allows", () => {
    // Ten z-scores of 3: φ̂ = 9, J·φ̂ = 90 > χ²₉(0.95) ≈ 16.9.
    expect(overdispersion(Array(10).fill(3))).toEqual({ phi: 9, applied: true });
  });

  it("is not applied for the spread chance gives", () => {
    // ±1: φ̂ = 1, J·φ̂ = 10 < 16.9.
    expect(overdispersion([1, -1, 1, -1, 1, -1, 1, -1, 1, -1])).toEqual({ phi: 1, applied: false });
  });

  it("winsorises the top and bottom 10% so one outlier does not inflate it", () => {
    // Nine 0s and one 10: the 10 is pulled in to 0, φ̂ = 0.
    expect(overdispersion([0, 0, 0, 0, 0, 0, 0, 0, 0, 10])).toEqual({ phi: 1, applied: false });
    // Without winsorising it would be 100 / 10 = 10, and applied.
  });

  it("needs three organisations", () => {
    expect(overdispersion([5, 5])).toEqual({ phi: 1, applied: false });
  });
});

describe("chiSquare95", () => {
  it("is close to the tabulated 95th percentiles", () => {
    expect(chiSquare95(9)).toBeCloseTo(16.919, 1);
    expect(chiSquare95(99)).toBeCloseTo(123.225, 0);
  });
});

describe("funnelFlag", () => {
  const at95 = { low: 0.3, high: 0.5 };
  const at998 = { low: 0.25, high: 0.55 };
  it.each([
    [0.56, "above 99.8% limit"],
    [0.52, "above 95% limit"],
    [0.5, "within limits"],
    [0.4, "within limits"],
    [0.28, "below 95% limit"],
    [0.2, "below 99.8% limit"],
  ])("reads %s as %s", (rate, flag) => {
    expect(funnelFlag(rate, at95, at998)).toBe(flag);
  });
});
