// Gap metrics and disclosure control: gapRate, the suppression threshold and publishCell.
import { describe, expect, it } from "vitest";
import { publishCell } from "../../../../db/analytics/gaps";
import { gapRate } from "../../../../db/analytics/metrics";
import { isSuppressed, MINIMUM_K, suppressionThreshold } from "../../../../db/analytics/suppression";

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

describe("publishCell", () => {
  const dims = ["organisation", "domain"] as const;
  const raw = (respondents: number, required: number, met: number) => ({
    organisation: "RX1",
    organisation_name: "Example NHS Trust",
    domain: "5",
    domain_name: "Health data management",
    respondents,
    required,
    met,
  });

  it("keeps only the dimension values of a cell under k", () => {
    expect(publishCell(raw(9, 40, 12), [...dims], 10)).toEqual({
      organisation: "RX1",
      organisation_name: "Example NHS Trust",
      domain: "5",
      domain_name: "Health data management",
      respondents: null,
      required: null,
      met: null,
      gap_rate: null,
      suppressed: true,
    });
  });

  it("publishes a cell of k respondents with its gap rate", () => {
    expect(publishCell(raw(10, 40, 12), [...dims], 10)).toEqual({
      organisation: "RX1",
      organisation_name: "Example NHS Trust",
      domain: "5",
      domain_name: "Health data management",
      respondents: 10,
      required: 40,
      met: 12,
      gap_rate: 0.7, // (40 − 12) ÷ 40
      suppressed: false,
    });
  });

  it("drops columns that are not dimensions or measures", () => {
    const cell = publishCell({ ...raw(20, 10, 5), region: "Y56", pseudonym: "abc" }, ["organisation"], 10);
    expect(Object.keys(cell)).toEqual(["organisation", "organisation_name", "respondents", "required", "met", "gap_rate", "suppressed"]);
  });

  it("publishes a null gap rate when nothing is required", () => {
    expect(publishCell(raw(15, 0, 0), [], 10)).toEqual({ respondents: 15, required: 0, met: 0, gap_rate: null, suppressed: false });
  });

  it("honours a raised k", () => {
    expect(publishCell(raw(10, 40, 12), [], 12).suppressed).toBe(true);
  });
});
