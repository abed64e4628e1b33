// Data for a StaffGroup's page (one staff group across regions and organisations, and its archetype
// mix), optionally narrowed to a Region, ICB or Organisation with ?region=, ?icb= or ?organisation=,
// and for the list of staff groups. Every figure comes from queryGaps.
import { QueryError, type Filters } from "~db/analytics/dimensions";
import { queryGaps } from "~db/analytics/gaps";
import { NATIONAL, type Scope } from "~db/analytics/scope";
import { redirect } from "@remix-run/node";
import { suppressionThreshold } from "~db/analytics/suppression";
import type { Sql } from "~db/client";
import { type CountBar, countBars, type RateBar, rateBars, renderCountBars } from "~/charts/bars.server";
import { getDatabase } from "./db.server";
import type { FilterOptions, Option } from "./filter-options.server";
import { filterQuery, narrowing, type PageFilters } from "./filters";
import { waveName } from "./format";
import { domainHeatmap, type HeatmapFigure, type Headline, headline, headlineForFigure } from "./gap-figures.server";
import { badRequest, notFound, orBadRequest } from "./http.server";
import { pageAddress, dropFilters } from "./page-own.server";
import { pageContext } from "./page-filters.server";
import { findIcb, findOrganisation, findRegion, requireInScope, scopeInWords } from "./places.server";
import type { AreaTrail } from "./staff-group-links";
import type { WaveOption } from "./waves.server";

export interface StaffGroup {
  code: string;
  name: string;
  longName: string;
}

/** The area a staff group page is narrowed to, with the areas above it for the breadcrumbs. */
export type NarrowingArea = AreaTrail;

export const AREA_PARAMETERS = ["region", "icb", "organisation"] as const;

export interface OrganisationGap extends RateBar {
  href: string;
  /** Against organisations of the same type (docs/metrics.md, "Peers"); null when suppressed. */
  peerFlag: string | null;
}

export interface ArchetypeMix {
  bars: CountBar[];
  rates: RateBar[];
  chart: string;
}

export interface StaffGroupPage {
  staffGroup: StaffGroup;
  area: NarrowingArea | null;
  filters: PageFilters;
  /** The filters as a normal query string, for links and breadcrumbs that keep them. */
  query: string;
  options: FilterOptions;
  wave: WaveOption | null;
  waves: WaveOption[];
  headline: Headline | null;
  heatmap: HeatmapFigure | null;
  organisations: OrganisationGap[] | null;
  /** Or why it cannot be shown with the page's filters. */
  archetypes: ArchetypeMix | { unavailable: string } | null;
  weighted: boolean;
  k: number;
}

export async function findStaffGroup(db: Sql, code: string): Promise<StaffGroup | null> {
  const [row] = await db.query<StaffGroup>('select code, name, long_name as "longName" from staff_groups where code = upper($1)', [code]);
  return row ?? null;
}

/** The address of a staff group's page, keeping the filters and the narrowing area. */
export function staffGroupHref(code: string, filters: PageFilters, area?: { kind: NarrowingArea["kind"]; code: string }): string {
  return pageAddress(`/staff-groups/${encodeURIComponent(code)}`, { ...filters, staff_group: null }, area ? { [area.kind]: area.code } : {});
}

/** Reads ?region=, ?icb= or ?organisation= (at most one); null when none is given. */
export async function readArea(db: Sql, params: URLSearchParams, referenceDate: string | null): Promise<NarrowingArea | null> {
  const given = AREA_PARAMETERS.filter((p) => (params.get(p) ?? "").trim() !== "");
  if (given.length > 1) throw badRequest(`Give one of ${given.join(", ")}, not several: the page narrows to one area.`);
  const [kind] = given;
  if (!kind) return null;
  const code = params.get(kind)!.trim();
  if (kind === "region") {
    const region = await findRegion(db, code);
    if (!region) throw notFound(`region=${code}: there is no NHS England region with the code “${code}”.`);
    return { kind, ...region, region: null, icb: null };
  }
  if (kind === "icb") {
    const icb = await findIcb(db, code);
    if (!icb) throw notFound(`icb=${code}: there is no integrated care board with the code “${code}”.`);
    return { kind, code: icb.code, name: icb.name, region: icb.region, icb: null };
  }
  const organisation = await findOrganisation(db, code, referenceDate);
  if (!organisation) throw notFound(`organisation=${code}: there is no organisation with the ODS code “${code}”.`);
  return { kind, code: organisation.code, name: organisation.name, region: organisation.region, icb: organisation.icb };
}

function organisationGaps(rows: Parameters<typeof rateBars>[0], weighted: boolean, filters: PageFilters): OrganisationGap[] {
  const flags = new Map(rows.map((r) => [String(r.organisation), typeof r.peer_flag === "string" ? r.peer_flag : null]));
  return rateBars(rows, "organisation", { weighted }).map((b) => ({
    ...b,
    href: pageAddress(`/organisations/${b.code}`, filters),
    peerFlag: b.state === "suppressed" ? null : (flags.get(b.code) ?? null),
  }));
}

export async function staffGroupPage(code: string, url: URL, scope: Scope): Promise<StaffGroupPage> {
  const db = getDatabase();
  const staffGroup = await findStaffGroup(db, code);
  if (!staffGroup) throw notFound(`There is no staff group with the code “${code}”.`);
  // The page's staff group wins over a staff_group filter carried over from another page.
  dropFilters(url, ["staff_group"]);
  const context = await pageContext(db, url);
  const { filters, wave, waves, options } = context;
  // Below national, the page is about the viewer's own area unless a place inside it is named.
  if (scope.kind !== "national" && !AREA_PARAMETERS.some((p) => (url.searchParams.get(p) ?? "").trim() !== "")) {
    throw redirect(`${url.pathname}${url.search ? `${url.search}&` : "?"}${scope.kind}=${scope.code}`);
  }
  const area = await readArea(db, url.searchParams, wave?.referenceDate ?? null);
  if (area) await requireInScope(db, scope, { kind: area.kind, code: area.code }, wave);
  const k = suppressionThreshold();
  const empty = {
    staffGroup, area, filters, query: filterQuery(filters), options, waves,
    headline: null, heatmap: null, organisations: null, archetypes: null, weighted: false, k,
  };
  if (!wave) return { ...empty, wave: null };
  const name = waveName(wave.label);
  const where = area ? area.name : "England";
  const narrowed: Filters = { ...narrowing(filters), staff_group: staffGroup.code, ...(area ? { [area.kind]: area.code } : {}) };
  const heatmap = await domainHeatmap(db, {
    id: "staff-group-heatmap",
    title: `Gap rate by ${area ? "organisation" : "region"} and domain, ${staffGroup.longName}, ${where}, ${name}`,
    wave,
    filters: narrowed,
    weighted: filters.weighted,
    rowDimension: area ? "organisation" : "region",
    columnDimension: "domain",
    rowNoun: area ? "Organisation" : "Region",
    columnNoun: "Domain",
    // Drilling down stays on this staff group: England → a region's organisations → one organisation.
    href:
      area?.kind === "organisation"
        ? undefined
        : (row) => staffGroupHref(staffGroup.code, filters, { kind: area ? "organisation" : "region", code: row }),
  });
  const byOrganisation = await orBadRequest(() =>
    queryGaps(db, NATIONAL, { by: ["organisation"], filters: { ...narrowed, wave: wave.label }, weighted: filters.weighted }),
  );
  const weighted = Boolean(filters.weighted && byOrganisation.meta.coverage?.headcount_waves.includes(wave.label));
  return {
    ...empty,
    wave: { label: wave.label, name },
    headline: headlineForFigure(await headline(db, wave, narrowed), heatmap),
    heatmap,
    organisations: organisationGaps(byOrganisation.rows, weighted, filters),
    archetypes: await archetypeMix(db, narrowed, wave.label, filters, options.archetypes, {
      id: "archetype-mix",
      title: `Respondents by archetype, ${staffGroup.longName}, ${where}, ${name}`,
      k,
    }),
    weighted,
    k: heatmap.k,
  };
}

/**
 * Respondents and gap rate by archetype. A page filter the published cube cannot combine with the
 * grouping (a band as well: three of staff group, archetype and band) leaves this section out with
 * the reason, rather than the whole page.
 */
async function archetypeMix(
  db: Sql,
  narrowed: Filters,
  wave: string,
  filters: PageFilters,
  archetypes: Option[],
  chart: { id: string; title: string; k: number },
): Promise<ArchetypeMix | { unavailable: string }> {
  let table;
  try {
    table = await queryGaps(db, NATIONAL, { by: ["archetype"], filters: { ...narrowed, wave }, weighted: filters.weighted });
  } catch (error) {
    if (error instanceof QueryError) return { unavailable: error.message };
    throw error;
  }
  const expected = filters.archetype ? archetypes.filter((a) => a.code === filters.archetype) : archetypes;
  const bars = countBars(table.rows, "archetype", expected);
  const weighted = Boolean(filters.weighted && table.meta.coverage?.headcount_waves.includes(wave));
  const rates = rateBars(table.rows, "archetype", { weighted, expected });
  const byCode = new Map(rates.map((r) => [r.code, r]));
  return {
    bars,
    // In the bars' order, so the chart and the table list the archetypes alike.
    rates: bars.map((b) => byCode.get(b.code)!),
    chart: renderCountBars({ ...chart, bars, k: table.meta.suppression.k }),
  };
}

export interface StaffGroupSummary extends RateBar {
  longName: string;
  href: string;
}

export interface StaffGroupsIndex {
  /** Whose figures: "England", or the viewer's area. */
  where: string;
  filters: PageFilters;
  query: string;
  options: FilterOptions;
  wave: WaveOption | null;
  waves: WaveOption[];
  staffGroups: StaffGroupSummary[];
  weighted: boolean;
  k: number;
}

/** Every staff group with its England gap rate in the wave, linking to its page. */
export async function staffGroupsIndex(url: URL, scope: Scope): Promise<StaffGroupsIndex> {
  const db = getDatabase();
  dropFilters(url, ["staff_group"]);
  const { filters, wave, waves, options } = await pageContext(db, url);
  const groups = await db.query<StaffGroup>('select code, name, long_name as "longName" from staff_groups order by sort_order');
  const k = suppressionThreshold();
  // Below national, each staff group's figures are the viewer's area's (the query layer keeps to the Scope).
  const area = scope.kind === "national" ? undefined : { kind: scope.kind, code: scope.code };
  const link = (code: string) => staffGroupHref(code, filters, area);
  const base = { filters, query: filterQuery(filters), options, waves, k, where: scopeInWords(scope) };
  if (!wave) {
    return {
      ...base,
      wave: null,
      weighted: false,
      staffGroups: groups.map((g) => ({ ...g, href: link(g.code), state: "no-data", rate: null, low: null, high: null, respondents: null })),
    };
  }
  const table = await orBadRequest(() =>
    queryGaps(db, scope, { by: ["staff_group"], filters: { ...narrowing(filters), wave: wave.label }, weighted: filters.weighted }),
  );
  const weighted = Boolean(filters.weighted && table.meta.coverage?.headcount_waves.includes(wave.label));
  const bars = new Map(rateBars(table.rows, "staff_group", { weighted, expected: groups }).map((b) => [b.code, b]));
  return {
    ...base,
    wave: { label: wave.label, name: waveName(wave.label) },
    weighted,
    staffGroups: groups.map((g) => ({ ...bars.get(g.code)!, name: g.name, longName: g.longName, href: link(g.code) })),
    k: table.meta.suppression.k,
  };
}
