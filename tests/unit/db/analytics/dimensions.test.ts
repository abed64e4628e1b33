// Planning a gaps request (db/analytics/dimensions.ts): which rollup grain answers it, or why not.
import { describe, expect, it } from "vitest";
import { planGaps, publishedPlan, QueryError, type Filters, type GapPlan } from "../../../../db/analytics/dimensions";

/** Asserts the request is refused with a QueryError and returns its message. */
function refusal(by: string[], filters: Filters = {}): string {
  let caught: unknown;
  try {
    publishedPlan(by, filters);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(QueryError);
  return (caught as QueryError).message;
}

const grainOf = (by: string[], filters: Filters = {}): Pick<GapPlan, "grain" | "rollupGrain"> => {
  const { grain, rollupGrain } = planGaps(by, filters);
  return { grain, rollupGrain };
};

describe("planGaps: dimensions", () => {
  it("puts person dimensions in canonical order whatever order they are asked in", () => {
    const plan = planGaps(["band", "organisation", "wave", "archetype", "region", "staff_group", "icb"]);
    expect(plan.person).toEqual(["wave", "region", "icb", "organisation", "staff_group", "archetype", "band"]);
    expect(plan.framework).toEqual([]);
    expect(plan.grain).toBe("none");
    expect(plan.rollupGrain).toBe("all");
  });

  it("separates person and framework dimensions", () => {
    const plan = planGaps(["domain", "staff_group", "region"]);
    expect(plan).toEqual({ person: ["region", "staff_group"], grain: "domain", framework: ["domain"], rollupGrain: "domain", filters: {} });
  });

  it("with no dimensions and no filters reads the all grain", () => {
    expect(planGaps([])).toEqual({ person: [], grain: "none", framework: [], rollupGrain: "all", filters: {} });
  });
});

describe("planGaps: framework groupings", () => {
  it.each([
    ["domain", "domain"],
    ["sub_domain", "sub_domain"],
    ["capability", "capability"],
    ["level", "level"],
  ])("grouping by %s reads the %s grain", (dim, grain) => {
    expect(grainOf([dim])).toEqual({ grain, rollupGrain: grain });
  });

  it("domain with level (in either order) reads domain_level, domain first", () => {
    expect(grainOf(["level", "domain"])).toEqual({ grain: "domain_level", rollupGrain: "domain_level" });
    expect(planGaps(["level", "organisation", "domain"]).framework).toEqual(["domain", "level"]);
  });
});

describe("planGaps: framework filters", () => {
  it.each<[string, Filters]>([
    ["domain", { domain: "5" }],
    ["sub_domain", { sub_domain: "5.1" }],
    ["level", { level: "2" }],
    ["capability", { capability: "1-01" }],
    ["domain and level", { domain: "5", level: "2" }],
  ])("grouping by capability with a %s filter reads the capability grain", (_, filters) => {
    expect(grainOf(["capability"], filters)).toEqual({ grain: "capability", rollupGrain: "capability" });
  });

  it("no framework grouping with a domain filter reads the domain grain", () => {
    expect(grainOf(["region"], { domain: "5" })).toEqual({ grain: "none", rollupGrain: "domain" });
  });

  it("no framework grouping with domain and level filters reads domain_level", () => {
    expect(grainOf([], { domain: "5", level: "3" })).toEqual({ grain: "none", rollupGrain: "domain_level" });
  });

  it("no framework grouping with other single filters reads their own grain", () => {
    expect(grainOf([], { level: "3" }).rollupGrain).toBe("level");
    expect(grainOf([], { sub_domain: "5.1" }).rollupGrain).toBe("sub_domain");
    expect(grainOf([], { domain: "5", sub_domain: "5.1" }).rollupGrain).toBe("sub_domain");
    expect(grainOf([], { capability: "1-01", level: "1" }).rollupGrain).toBe("capability");
  });

  it("grouping by domain with a level filter reads domain_level", () => {
    expect(grainOf(["domain"], { level: "4" })).toEqual({ grain: "domain", rollupGrain: "domain_level" });
  });

  it("grouping by level with a domain filter reads domain_level", () => {
    expect(grainOf(["level"], { domain: "5" })).toEqual({ grain: "level", rollupGrain: "domain_level" });
  });

  it("person filters do not change the grain", () => {
    expect(grainOf(["domain"], { region: "Y56", band: "5" })).toEqual({ grain: "domain", rollupGrain: "domain" });
  });

  it("keeps set filters trimmed and drops empty and undefined ones", () => {
    const plan = planGaps(["domain"], { region: " Y56 ", level: " 2 ", band: "", icb: undefined });
    expect(plan.filters).toEqual({ region: "Y56", level: "2" });
  });

  // dimensions.ts:59-62 drops "" filters, then trims: a whitespace-only value survives as "" and is
  // treated as a set filter. { domain: " " } moves the plan to the domain grain with an empty domain
  // (matching nothing), and { level: " " } is refused as "level= is not a level".
  it("drops whitespace-only filters like empty ones", () => {
    expect(planGaps([], { domain: "  " })).toMatchObject({ rollupGrain: "all", filters: {} });
  });
});

describe("planGaps and publishedPlan: refusals", () => {
  it("refuses an unknown dimension, in by or in filters", () => {
    expect(refusal(["trust"])).toContain("Unknown dimension trust");
    expect(refusal(["region"], { speciality: "x" } as Filters)).toContain("Unknown dimension speciality");
  });

  it("refuses a dimension named twice", () => {
    expect(refusal(["region", "region"])).toBe("A dimension appears twice in by.");
  });

  it("refuses two framework groupings other than domain with level", () => {
    expect(refusal(["domain", "capability"])).toContain("Cannot group by domain and capability together");
    expect(refusal(["sub_domain", "level"])).toContain("Cannot group by sub_domain and level together");
  });

  it("refuses grouping by sub_domain with a level filter", () => {
    expect(refusal(["sub_domain"], { level: "2" })).toContain("Cannot group by sub_domain and filter by level");
  });

  it("refuses grouping by level with a sub_domain filter", () => {
    expect(refusal(["level"], { sub_domain: "5.1" })).toContain("would count a respondent more than once");
  });

  it("refuses a sub_domain filter combined with a level filter without a finer grouping", () => {
    expect(refusal([], { sub_domain: "5.1", level: "2" })).toContain("Cannot filter by");
  });

  it("refuses two geography levels at once", () => {
    expect(refusal(["region", "organisation"])).toBe("Cannot group by region and organisation together: use one geography level (region, icb or organisation).");
    expect(refusal(["icb", "region", "domain"])).toContain("Cannot group by region and icb together");
  });

  it("refuses three staff dimensions, grouped or filtered", () => {
    expect(refusal(["staff_group", "archetype", "band"])).toContain("Cannot use staff_group, archetype, band together");
    expect(refusal(["staff_group", "archetype"], { band: "5" })).toContain("at most two of staff_group, archetype and band");
    expect(publishedPlan(["staff_group", "archetype"], { staff_group: "NMR" }).person).toEqual(["staff_group", "archetype"]);
  });

  it("refuses a filter on a finer geography than the rows", () => {
    expect(refusal(["region"], { organisation: "RAL" })).toBe("Cannot filter by organisation and group by region: group by organisation instead, or filter by a region or a larger area.");
    expect(refusal(["region"], { icb: "QMJ" })).toContain("Cannot filter by icb and group by region");
    // Coarser or equal filters select rows of the same table.
    expect(publishedPlan(["organisation"], { region: "Y56", icb: "QMJ" }).filters).toEqual({ region: "Y56", icb: "QMJ" });
    expect(publishedPlan([], { organisation: "RAL", region: "Y56" }).person).toEqual([]);
  });

  it.each(["7", "0", "two", "1.5"])("refuses level filter %j", (level) => {
    expect(refusal([], { level })).toBe(`level=${level} is not a level: use 1, 2, 3 or 4.`);
  });
});
