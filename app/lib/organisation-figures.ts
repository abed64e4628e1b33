// Shaping an Organisation's published gap rows into what its page shows: the comparison with its
// peers per Domain, the attained-level distribution per Domain, and the capability statements
// sorted as the URL asks; and the page's links. Pure: published rows in, plain objects out; no
// figure is computed here, only read from the rows (suppression and rounding were applied by queryGaps).
import type { GapRow } from "~db/analytics/gaps";
import { filterQuery, type PageFilters, withFilters } from "./filters";

/** A 95% interval as published. */
export interface Interval {
  low: number;
  high: number;
}

/** How an Organisation compares with a group of others (db/analytics/peers.ts). */
export type Comparison = "better" | "similar" | "worse" | "not enough organisations to compare";

/** A comparison in a few words, for the chart's row ends and its summary. */
export function comparisonWords(flag: Comparison | null): string {
  if (flag === null) return "no comparison";
  return flag === "not enough organisations to compare" ? "not enough to compare" : flag;
}

export interface PeerRow {
  /** Domain code, or "all" for every domain together. */
  code: string;
  name: string;
  suppressed: boolean;
  respondents: number | null;
  gapRate: number | null;
  interval: Interval | null;
  peerRate: number | null;
  peerFlag: Comparison | null;
  regionRate: number | null;
  regionFlag: Comparison | null;
}

export interface PeerComparison {
  /** e.g. "Acute trusts (type unverified)"; null when every row is suppressed. */
  peerGroupName: string | null;
  rows: PeerRow[];
}

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

function interval(low: unknown, high: unknown): Interval | null {
  const l = num(low);
  const h = num(high);
  return l === null || h === null ? null : { low: l, high: h };
}

function comparison(v: unknown): Comparison | null {
  return v === "better" || v === "similar" || v === "worse" || v === "not enough organisations to compare" ? v : null;
}

/** One comparison row from a published row of a table grouped by organisation (PEER_COLUMNS). */
export function peerRow(row: GapRow, code: string, name: string): PeerRow {
  const suppressed = row.suppressed === true;
  return {
    code,
    name,
    suppressed,
    respondents: num(row.respondents),
    gapRate: num(row.gap_rate),
    interval: interval(row.ci_low, row.ci_high),
    peerRate: num(row.peer_rate),
    peerFlag: comparison(row.peer_flag),
    regionRate: num(row.region_peer_rate),
    regionFlag: comparison(row.region_peer_flag),
  };
}

/**
 * The all-domains row (when there is one) first, then one row per domain in the query's order.
 * `overall` is the organisation's row of a table by organisation, `byDomain` its rows by
 * organisation × domain.
 */
export function peerComparison(overall: GapRow | null, overallName: string, byDomain: GapRow[]): PeerComparison {
  const rows = [
    ...(overall ? [peerRow(overall, "all", overallName)] : []),
    ...byDomain.map((r) => peerRow(r, String(r.domain), String(r.domain_name ?? r.domain))),
  ];
  const named = [overall, ...byDomain].find((r) => r && typeof r.peer_group_name === "string");
  return { peerGroupName: named ? String(named.peer_group_name) : null, rows };
}

/** The attained levels, 0 to 4 (db/analytics/attainment.ts). */
export const LEVELS = [0, 1, 2, 3, 4] as const;

export interface AttainmentRow {
  domain: string;
  name: string;
  suppressed: boolean;
  /** Published, but fewer than k respondents placed: no distribution (docs/metrics.md, "Attained level"). */
  withheld: boolean;
  placed: number | null;
  incomplete: number | null;
  /** Respondents placed at each level, 0..4 (rounded to 5), or null when withheld. */
  counts: (number | null)[];
  /** Shares of the placed at each level, 0..4, or null when withheld. */
  shares: (number | null)[];
  /** Null when the cell mixes archetypes with different expected levels. */
  expectedLevel: number | null;
  belowExpected: number | null;
  belowExpectedShare: number | null;
  belowExpectedInterval: Interval | null;
}

export function attainmentRow(row: GapRow): AttainmentRow {
  const suppressed = row.suppressed === true;
  const shares = LEVELS.map((l) => num(row[`attained_${l}_share`]));
  return {
    domain: String(row.domain),
    name: String(row.domain_name ?? row.domain),
    suppressed,
    withheld: !suppressed && shares.every((s) => s === null),
    placed: num(row.placed),
    incomplete: num(row.incomplete),
    counts: LEVELS.map((l) => num(row[`attained_${l}`])),
    shares,
    expectedLevel: num(row.expected_level),
    belowExpected: num(row.below_expected),
    belowExpectedShare: num(row.below_expected_share),
    belowExpectedInterval: interval(row.below_expected_ci_low, row.below_expected_ci_high),
  };
}

/** What the framework says about a capability statement (reference data, not a figure). */
export interface CapabilityFacts {
  code: string;
  title: string;
  domain: string;
  domainName: string;
  level: number;
  /** Archetype badges as letters, e.g. "SDU". */
  archetypes: string;
  illustrative: boolean;
  /** The framework's own order. */
  sortOrder: number;
}

export interface StatementRow {
  code: string;
  title: string;
  domain: string;
  domainName: string;
  level: number | null;
  archetypes: string;
  illustrative: boolean;
  sortOrder: number;
  suppressed: boolean;
  respondents: number | null;
  gapRate: number | null;
  interval: Interval | null;
}

/** Capability rows of a table by capability, with their domain, level and badges from the framework. */
export function statementRows(rows: GapRow[], facts: Map<string, CapabilityFacts>): StatementRow[] {
  return rows.map((r, i) => {
    const code = String(r.capability);
    const f = facts.get(code);
    return {
      code,
      title: String(r.capability_name ?? f?.title ?? code),
      domain: f?.domain ?? "",
      domainName: f?.domainName ?? "",
      level: f?.level ?? null,
      archetypes: f?.archetypes ?? "",
      illustrative: f?.illustrative ?? false,
      sortOrder: f?.sortOrder ?? Number.MAX_SAFE_INTEGER - rows.length + i,
      suppressed: r.suppressed === true,
      respondents: num(r.respondents),
      gapRate: num(r.gap_rate),
      interval: interval(r.ci_low, r.ci_high),
    };
  });
}

export type SortKey = "gap" | "code";
export type SortDirection = "asc" | "desc";
export interface StatementSort {
  key: SortKey;
  dir: SortDirection;
}

/** Largest gap first: the planner's question is where staff are furthest from what their roles need. */
export const DEFAULT_SORT: StatementSort = { key: "gap", dir: "desc" };
const DEFAULT_DIRECTION: Record<SortKey, SortDirection> = { gap: "desc", code: "asc" };

/** The statements' order from the URL (`sort`, `dir`), or a message naming the bad value. */
export function readSort(params: URLSearchParams): StatementSort | { error: string } {
  const key = params.get("sort") ?? DEFAULT_SORT.key;
  if (key !== "gap" && key !== "code") return { error: `sort=${key}: sort the statements by gap or by code.` };
  const dir = params.get("dir") ?? DEFAULT_DIRECTION[key];
  if (dir !== "asc" && dir !== "desc") return { error: `dir=${dir}: use asc (ascending) or desc (descending).` };
  return { key, dir };
}

/**
 * The page's own query parameters for an order, appended after the filters: none for the default
 * order, so one view keeps one address.
 */
export function sortQuery(sort: StatementSort): string {
  if (sort.key === DEFAULT_SORT.key && sort.dir === DEFAULT_SORT.dir) return "";
  return `sort=${sort.key}&dir=${sort.dir}`;
}

/** The order a column header's link asks for: the other direction if already sorted by it, else its natural one. */
export function nextSort(current: StatementSort, key: SortKey): StatementSort {
  if (current.key === key) return { key, dir: current.dir === "asc" ? "desc" : "asc" };
  return { key, dir: DEFAULT_DIRECTION[key] };
}

/**
 * Statements in the asked order. By gap, rows without a published rate (suppressed, or nothing
 * required) go last whichever the direction, since their rate is unknown, not small or large;
 * ties and those rows keep the framework's order.
 */
export function sortStatements(rows: StatementRow[], sort: StatementSort): StatementRow[] {
  const framework = (a: StatementRow, b: StatementRow) => a.sortOrder - b.sortOrder || a.code.localeCompare(b.code, "en-GB", { numeric: true });
  const sign = sort.dir === "asc" ? 1 : -1;
  return [...rows].sort((a, b) => {
    if (sort.key === "code") return sign * framework(a, b);
    if (a.gapRate === null || b.gapRate === null) {
      if (a.gapRate !== b.gapRate) return a.gapRate === null ? 1 : -1;
      return framework(a, b);
    }
    return sign * (a.gapRate - b.gapRate) || framework(a, b);
  });
}

/** Where a staff group's row leads: its own page within this organisation, the filters kept (bar the staff group itself). */
export function staffGroupHref(group: string, organisation: string, filters: PageFilters): string {
  const path = withFilters(`/staff-groups/${encodeURIComponent(group)}`, filters, { staff_group: null });
  return `${path}${path.includes("?") ? "&" : "?"}organisation=${encodeURIComponent(organisation)}`;
}

/** The page's address with its filters first, then its own parameters (as canonicalAddress orders them). */
export function pageAddress(path: string, filters: PageFilters, own: string, fragment = ""): string {
  const query = filterQuery(filters);
  const rest = own ? `${query ? "&" : "?"}${own}` : "";
  return `${path}${query}${rest}${fragment}`;
}
