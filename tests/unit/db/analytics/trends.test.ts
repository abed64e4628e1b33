// Which organisations a comparison between waves covers, and the change columns of a row.
import { describe, expect, it } from "vitest";
import type { GapRow, RawCell } from "../../../../db/analytics/gaps";
import { addChangeColumns, compareOrganisations } from "../../../../db/analytics/trends";

describe("compareOrganisations", () => {
  it("matches the organisations that reported in both waves and counts the rest as left out", () => {
    expect(compareOrganisations(["A", "B", "C"], ["B", "C", "D"], true)).toEqual({ compared: ["B", "C"], leftOut: 2 });
  });

  it("unmatched, covers every organisation of either wave", () => {
    expect(compareOrganisations(["A", "B", "C"], ["B", "C", "D"], false)).toEqual({ compared: ["A", "B", "C", "D"], leftOut: 0 });
  });
});

describe("addChangeColumns", () => {
  // Twenty respondents each rating one capability: Wilson-type cells, pooled SE √(p(1 − p)/(n − 1)).
  const cell = (domain: string, respondents: number, unmet: number): RawCell => ({
    domain,
    respondents,
    required: respondents,
    met: respondents - unmet,
    sum_r2: respondents,
    sum_u2: unmet,
    sum_ru: unmet,
  });

  it("adds the earlier rate, the change, its interval and flag; nothing for a cell under k in either wave", () => {
    const rows: GapRow[] = [
      { domain: "1", suppressed: false },
      { domain: "2", suppressed: false },
      { domain: "3", suppressed: true },
    ];
    const now = [cell("1", 20, 2), cell("2", 20, 8), cell("3", 20, 8)];
    const then = [cell("1", 20, 12), cell("2", 9, 3), cell("3", 20, 8)];
    addChangeColumns(rows, ["domain"], now, then, 10, false);
    // Domain 1: 0.1 against 0.6. SE² = 0.1 × 0.9 / 19 + 0.6 × 0.4 / 19 = 0.0173684, SE = 0.1317893;
    // change −0.5 ± 0.2583027: −0.758 to −0.242, improved (rounded to 0.1 percentage points).
    expect(rows[0]).toMatchObject({ compare_gap_rate: 0.6, change: -0.5, change_ci_low: -0.758, change_ci_high: -0.242, change_flag: "improved" });
    // Domain 2: 9 respondents in the earlier wave, under k; domain 3 is suppressed itself.
    for (const row of rows.slice(1)) {
      expect([row.compare_gap_rate, row.change, row.change_ci_low, row.change_ci_high, row.change_flag]).toEqual([null, null, null, null, null]);
    }
  });
});
