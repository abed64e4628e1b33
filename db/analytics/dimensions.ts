// What the gaps query can group and filter by, and which rollup grain answers a request.
// Pure: a request in, a plan (or a clear refusal) out.

export const PERSON_DIMENSIONS = ["wave", "region", "icb", "organisation", "staff_group", "archetype", "band"] as const;
export const FRAMEWORK_DIMENSIONS = ["domain", "sub_domain", "capability", "level"] as const;
export type PersonDimension = (typeof PERSON_DIMENSIONS)[number];
export type FrameworkDimension = (typeof FRAMEWORK_DIMENSIONS)[number];
export type Dimension = PersonDimension | FrameworkDimension;
export const DIMENSIONS: readonly Dimension[] = [...PERSON_DIMENSIONS, ...FRAMEWORK_DIMENSIONS];

/** The framework groupings offered: each is one rollup grain, so a respondent counts once per cell. */
export type FrameworkGrain = "none" | "domain" | "sub_domain" | "capability" | "level" | "domain_level";
/** Rollup grains as stored (grain column of the rollups table). */
export type RollupGrain = "all" | "domain" | "sub_domain" | "capability" | "level" | "domain_level";

export type Filters = Partial<Record<Dimension, string>>;

export class QueryError extends Error {}

export function isDimension(value: string): value is Dimension {
  return (DIMENSIONS as readonly string[]).includes(value);
}

export interface GapPlan {
  person: PersonDimension[];
  grain: FrameworkGrain;
  /** Framework dimensions in output order. */
  framework: FrameworkDimension[];
  rollupGrain: RollupGrain;
  filters: Filters;
}

const GRAIN_OF: Record<string, FrameworkGrain> = {
  "": "none",
  domain: "domain",
  sub_domain: "sub_domain",
  capability: "capability",
  level: "level",
  "domain,level": "domain_level",
};

/** Parses `by` (e.g. ["region", "domain"]) and filters into a plan, or throws QueryError. */
export function planGaps(by: string[], filters: Filters = {}): GapPlan {
  const unknown = [...by, ...Object.keys(filters)].filter((d) => !isDimension(d));
  if (unknown.length) {
    throw new QueryError(`Unknown dimension ${unknown.join(", ")}: use ${DIMENSIONS.join(", ")}.`);
  }
  const dims = by as Dimension[];
  if (new Set(dims).size !== dims.length) throw new QueryError("A dimension appears twice in by.");
  const person = PERSON_DIMENSIONS.filter((d) => dims.includes(d));
  const framework = FRAMEWORK_DIMENSIONS.filter((d) => dims.includes(d));
  const grain = GRAIN_OF[framework.join(",")];
  if (!grain) {
    throw new QueryError(
      `Cannot group by ${framework.join(" and ")} together: use at most one framework grouping ` +
        "(domain, sub_domain, capability, level, or domain with level).",
    );
  }
  const set = (Object.keys(filters) as Dimension[]).filter((d) => (filters[d] ?? "").trim() !== "");
  const cleanFilters = Object.fromEntries(set.map((d) => [d, String(filters[d]).trim()])) as Filters;
  if (cleanFilters.level !== undefined && !/^[1-4]$/.test(cleanFilters.level)) {
    throw new QueryError(`level=${cleanFilters.level} is not a level: use 1, 2, 3 or 4.`);
  }
  const f = new Set(set.filter((d) => (FRAMEWORK_DIMENSIONS as readonly string[]).includes(d)));
  const rollupGrain = chooseRollupGrain(grain, f);
  if (!rollupGrain) {
    throw new QueryError(
      `Cannot ${grain === "none" ? "filter" : `group by ${framework.join(" and ")} and filter`} by ` +
        `${[...f].join(" and ")}: the figures would count a respondent more than once. ` +
        "Group by the finer of the two instead (for example by capability).",
    );
  }
  return { person, grain, framework, rollupGrain, filters: cleanFilters };
}

/** Geography from coarse to fine: England is no dimension at all. */
export const GEOGRAPHY = ["region", "icb", "organisation"] as const;
export type Geography = (typeof GEOGRAPHY)[number];
const STAFF_DIMENSIONS: readonly PersonDimension[] = ["staff_group", "archetype", "band"];

/**
 * A plan for a published table (planGaps, then the cube's limits). The published cube is fixed (docs/metrics.md, "Disclosure control"): one geography level
 * (England, region, ICB or organisation) × at most two of staff group, archetype and band × one
 * framework grain. Disclosure control protects exactly those tables, so a request outside them —
 * two geography levels at once, three staff dimensions, or a filter on a finer geography than the
 * rows — is refused rather than answered unprotected.
 */
export function publishedPlan(by: string[], filters: Filters = {}): GapPlan {
  const plan = planGaps(by, filters);
  checkPublishedCube(plan.person, Object.keys(plan.filters) as Dimension[]);
  return plan;
}

function checkPublishedCube(person: PersonDimension[], filtered: Dimension[]): void {
  const grouped = GEOGRAPHY.filter((d) => person.includes(d));
  if (grouped.length > 1) {
    throw new QueryError(`Cannot group by ${grouped.join(" and ")} together: use one geography level (region, icb or organisation).`);
  }
  const staff = STAFF_DIMENSIONS.filter((d) => person.includes(d) || filtered.includes(d));
  if (staff.length > 2) {
    throw new QueryError(
      `Cannot use ${staff.join(", ")} together: published tables combine at most two of staff_group, archetype and band ` +
        "(grouped or filtered), so that small groups stay protected.",
    );
  }
  const level = (d: Dimension) => GEOGRAPHY.indexOf(d as Geography);
  const finest = filtered.filter((d) => level(d) >= 0).sort((a, b) => level(b) - level(a))[0];
  if (grouped.length && finest && level(finest) > level(grouped[0])) {
    throw new QueryError(`Cannot filter by ${finest} and group by ${grouped[0]}: group by ${finest} instead, or filter by a ${grouped[0]} or a larger area.`);
  }
}

/** The single rollup grain whose rows map one-to-one onto the requested cells, if any. */
function chooseRollupGrain(grain: FrameworkGrain, f: Set<string>): RollupGrain | null {
  const only = (...allowed: string[]) => [...f].every((d) => allowed.includes(d));
  switch (grain) {
    case "capability":
      return "capability";
    case "none":
      if (f.has("capability")) return "capability";
      if (f.size === 0) return "all";
      if (only("domain", "level") && f.has("domain") && f.has("level")) return "domain_level";
      if (only("domain", "sub_domain") && f.has("sub_domain")) return "sub_domain";
      if (only("domain")) return "domain";
      if (only("level")) return "level";
      return null;
    case "domain":
      if (only("domain")) return "domain";
      if (only("domain", "level")) return "domain_level";
      return null;
    case "sub_domain":
      return only("domain", "sub_domain") ? "sub_domain" : null;
    case "level":
      if (f.has("capability")) return "capability";
      if (only("level")) return "level";
      if (only("level", "domain")) return "domain_level";
      return null;
    case "domain_level":
      return only("domain", "level") ? "domain_level" : null;
  }
}
