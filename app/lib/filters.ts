// A page's filters live in its URL, so a view can be shared, bookmarked and reached with the back
// button. One normal form (fixed order, empty values dropped) means the same view always has the
// same address, which the links, the breadcrumbs and the page cache all rely on.
import type { Filters } from "~db/analytics/dimensions";

/** The query parameters every dashboard page understands, in their normal order. */
export const PAGE_FILTER_KEYS = ["wave", "compare_to", "archetype", "staff_group", "band", "domain", "level", "weighted"] as const;
export type PageFilterKey = (typeof PAGE_FILTER_KEYS)[number];

export interface PageFilters {
  /** Null means the latest wave. */
  wave: string | null;
  /** Null means the wave before the one shown. */
  compare_to: string | null;
  archetype: string | null;
  staff_group: string | null;
  band: string | null;
  domain: string | null;
  level: string | null;
  /** Gap rates weighted to the workforce (docs/metrics.md, "Coverage and weighting"). */
  weighted: boolean;
}

export const NO_FILTERS: PageFilters = {
  wave: null,
  compare_to: null,
  archetype: null,
  staff_group: null,
  band: null,
  domain: null,
  level: null,
  weighted: false,
};

/** The filters on narrowing who or what is counted (every key but wave, compare_to and weighted). */
export const NARROWING_KEYS = ["archetype", "staff_group", "band", "domain", "level"] as const;

const clean = (value: string | null) => {
  const v = value?.trim();
  return v ? v : null;
};

/**
 * Reads the filters from a query string. Values are only trimmed here: whether a code exists is
 * for the query layer to say, with a message naming the parameter (a bad link must not silently
 * show England's figures).
 */
export function readPageFilters(params: URLSearchParams): PageFilters {
  const weighted = clean(params.get("weighted"));
  return {
    wave: clean(params.get("wave")),
    compare_to: clean(params.get("compare_to")),
    archetype: clean(params.get("archetype")),
    staff_group: clean(params.get("staff_group")),
    band: clean(params.get("band")),
    domain: clean(params.get("domain")),
    level: clean(params.get("level")),
    weighted: weighted === "true" || weighted === "on",
  };
}

/** The normal query string of `filters` ("" or "?…"), with `changes` applied first. */
export function filterQuery(filters: PageFilters, changes: Partial<PageFilters> = {}): string {
  const merged = { ...filters, ...changes };
  const params = new URLSearchParams();
  for (const key of PAGE_FILTER_KEYS) {
    const value = merged[key];
    if (key === "weighted") {
      if (value) params.set(key, "true");
    } else if (typeof value === "string" && value) params.set(key, value);
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** A link to `path` that keeps the page's filters. */
export function withFilters(path: string, filters: PageFilters, changes: Partial<PageFilters> = {}): string {
  return `${path}${filterQuery(filters, changes)}`;
}

/** The query layer's filters for the narrowing keys (the wave is added by each query). */
export function narrowing(filters: PageFilters): Filters {
  const out: Filters = {};
  for (const key of NARROWING_KEYS) {
    const value = filters[key];
    if (value) out[key] = value;
  }
  return out;
}

/** Whether any narrowing filter is set (a page says so beside its headline). */
export function isNarrowed(filters: PageFilters): boolean {
  return NARROWING_KEYS.some((key) => filters[key] !== null);
}
