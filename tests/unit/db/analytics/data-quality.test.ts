// Data quality of a submission (docs/metrics.md, "Data quality"): the per-respondent tally and the
// small-count rule, on cases worked by hand (the worked example of docs/metrics.md among them).
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  type DataQualityCounts,
  emptyDataQuality,
  isStraightLining,
  publishDataQuality,
  type RespondentAnswers,
  tallyRespondent,
} from "../../../../db/analytics/data-quality";

describe("isStraightLining", () => {
  it("needs at least two ratings, all the same", () => {
    expect(isStraightLining({ rated: 2, allSame: true })).toBe(true);
    expect(isStraightLining({ rated: 30, allSame: true })).toBe(true);
    expect(isStraightLining({ rated: 30, allSame: false })).toBe(false);
    // One answer is no pattern; no answer neither.
    expect(isStraightLining({ rated: 1, allSame: true })).toBe(false);
    expect(isStraightLining({ rated: 0, allSame: true })).toBe(false);
  });
});

describe("tallyRespondent", () => {
  it("sums the worked example: 5 respondents, 5 of 10 required answered, 2 straight-lining, 2 with no required rating", () => {
    // Capabilities 6-01 (SDCEU), 6-05 (DCEU), 6.2-09 (CE).
    const respondents: RespondentAnswers[] = [
      // A (U): 6-01 3, 6-05 3, 6.2-09 3 — two required (6-01, 6-05), both rated; all 3s.
      { rated: 3, requiredRated: 2, requiredCapabilities: 2, allSame: true },
      // B (U): 6-01 1, 6-05 2.
      { rated: 2, requiredRated: 2, requiredCapabilities: 2, allSame: false },
      // C (C): 6-01 4 only — one of three required; a single rating is not straight-lining.
      { rated: 1, requiredRated: 1, requiredCapabilities: 3, allSame: true },
      // D (S): 6-05 2, 6.2-09 2 — neither badged for Shapers (only 6-01 is): no required rating, and straight-lining.
      { rated: 2, requiredRated: 0, requiredCapabilities: 1, allSame: true },
      // E (U): every cell of the row empty.
      { rated: 0, requiredRated: 0, requiredCapabilities: 2, allSame: true },
    ];
    const counts = emptyDataQuality();
    for (const r of respondents) tallyRespondent(counts, r);
    expect(counts).toEqual({ respondents: 5, requiredCapabilities: 10, requiredAnswered: 5, straightLining: 2, noRequired: 2 });
  });
});

describe("publishDataQuality", () => {
  const k = 10;
  const submission = (over: Partial<DataQualityCounts> = {}): DataQualityCounts => ({
    respondents: 203,
    requiredCapabilities: 12_180,
    requiredAnswered: 11_437,
    straightLining: 17,
    noRequired: 6,
    ...over,
  });

  it("publishes counts of at least k to the nearest 5, shares from the rounded counts, and withholds a count under k", () => {
    expect(publishDataQuality(submission(), k, false)).toEqual({
      withheld: null,
      answeredShare: 0.939, // 11,437 ÷ 12,180 = 93.90%, to 0.1 points
      // 17 → 15, of 203 → 205: 7.3% (not 17 ÷ 203 = 8.4%, which with the rounded counts would give both back)
      straightLining: { count: 15, share: 0.073, withheld: null },
      noRequired: { count: null, share: null, withheld: "small count" }, // 6 < k
    });
  });

  it("withholds a count whose complement is under k: all but a few respondents", () => {
    // 195 of 203 straight-lining: the 8 who did not would be a small group.
    const published = publishDataQuality(submission({ straightLining: 195 }), k, false);
    expect(published.straightLining).toEqual({ count: null, share: null, withheld: "small count" });
    expect(published.answeredShare).toBe(0.939);
    // Exactly k either side is published.
    expect(publishDataQuality(submission({ straightLining: 193 }), k, false).straightLining).toEqual({ count: 195, share: 0.951, withheld: null });
    expect(publishDataQuality(submission({ straightLining: 10 }), k, false).straightLining).toEqual({ count: 10, share: 0.049, withheld: null });
    expect(publishDataQuality(submission({ straightLining: 9 }), k, false).straightLining.withheld).toBe("small count");
    // Zero is a count under k too: "nobody" is a statement about every respondent.
    expect(publishDataQuality(submission({ straightLining: 0 }), k, false).straightLining.withheld).toBe("small count");
  });

  it("withholds everything for a submission of fewer than k respondents", () => {
    const published = publishDataQuality(submission({ respondents: 9, requiredCapabilities: 540, requiredAnswered: 500, straightLining: 0, noRequired: 0 }), k, false);
    expect(published).toEqual({
      withheld: "fewer than k respondents",
      answeredShare: null,
      straightLining: { count: null, share: null, withheld: "fewer than k respondents" },
      noRequired: { count: null, share: null, withheld: "fewer than k respondents" },
    });
    expect(publishDataQuality(submission({ respondents: 10, straightLining: 0, noRequired: 0 }), k, false).withheld).toBeNull();
  });

  it("withholds everything when the organisation's figures are suppressed", () => {
    // Hidden by the complementary pattern.
    expect(publishDataQuality(submission(), k, true).withheld).toBe("suppressed");
    // Fewer than k respondents with a required rating: the organisation's gap cell is under k.
    const published = publishDataQuality(submission({ respondents: 30, noRequired: 21 }), k, false);
    expect(published.withheld).toBe("suppressed");
    expect(published.answeredShare).toBeNull();
    expect(published.noRequired.count).toBeNull();
    expect(publishDataQuality(submission({ respondents: 30, noRequired: 20 }), k, false).noRequired).toEqual({ count: 20, share: 0.667, withheld: null });
  });

  it("says when a submission's figures were never recorded", () => {
    expect(publishDataQuality(null, k, false).withheld).toBe("not recorded");
  });

  it("follows a raised k", () => {
    expect(publishDataQuality(submission({ straightLining: 17 }), 20, false).straightLining.withheld).toBe("small count");
    expect(publishDataQuality(submission({ respondents: 19 }), 20, false).withheld).toBe("fewer than k respondents");
  });
});

describe("output paths", () => {
  const sources = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const file = path.join(dir, name);
      return statSync(file).isDirectory() ? sources(file) : /\.(ts|tsx)$/.test(name) ? [file] : [];
    });
  const files = [...sources("app"), ...sources("scripts")];

  it.each(files)("%s reads the stored data-quality counts only through queryDataQuality", (file) => {
    expect(readFileSync(file, "utf8")).not.toMatch(/\b(required_capabilities|required_answered|straight_lining|no_required|publishDataQuality)\b/);
  });
});
