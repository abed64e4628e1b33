// The wave's median month as the loads compute it from a file's respondents (ingest/waves.ts),
// hand-computed against PostgreSQL's percentile_disc(0.5): the first value at or past half the rows.
import { describe, expect, it } from "vitest";
import { medianMonth } from "../../../ingest/waves";

const months = (entries: [string, number][]) => new Map(entries);

describe("medianMonth", () => {
  it("picks the first month by which half the respondents are counted", () => {
    // June ×3, July ×3: the 3rd of 6 is in June.
    expect(medianMonth(months([["2026-07-01", 3], ["2026-06-01", 3]]))).toBe("2026-06-01");
    // One each in June, July, August: the 2nd of 3 is July.
    expect(medianMonth(months([["2026-08-01", 1], ["2026-06-01", 1], ["2026-07-01", 1]]))).toBe("2026-07-01");
    // June ×1, July ×4: the 3rd of 5 is in July.
    expect(medianMonth(months([["2026-06-01", 1], ["2026-07-01", 4]]))).toBe("2026-07-01");
  });

  it("is null without respondents", () => {
    expect(medianMonth(new Map())).toBeNull();
  });
});
