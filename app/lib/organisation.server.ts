// Data for an Organisation's page: headline figures, staff groups × domain, the comparison with
// its peers and its region's peers, attained levels per domain, and every capability statement's
// gap. Every figure comes from queryGaps; the page's narrowing filters apply to each section.
import { queryGaps } from "~db/analytics/gaps";
import { NATIONAL, type Scope } from "~db/analytics/scope";
import { suppressionThreshold } from "~db/analytics/suppression";
import type { Sql } from "~db/client";
import type { Wave } from "~db/waves";
import { renderAttainment } from "~/charts/attainment.server";
import { renderPeerComparison } from "~/charts/peer-comparison.server";
import { capabilityFacts } from "./capability-facts.server";
import { type Downloads, downloadLinks } from "./downloads";
import { getDatabase } from "./db.server";
import { waveName } from "./format";
import { type TrendFigure, trendFigure } from "./trend-figure.server";
import { domainHeatmap, type HeatmapFigure, type Headline, headline, headlineForFigure } from "./gap-figures.server";
import type { FilterOptions } from "./filter-options.server";
import { filterQuery, narrowing, type PageFilters } from "./filters";
import { badRequest, notFound, orBadRequest } from "./http.server";
import {
  type AttainmentRow, attainmentRow, nextSort, pageAddress, type PeerComparison, peerComparison, readSort, sortQuery, sortStatements,
  type SortKey, staffGroupHref, type StatementRow, statementRows, type StatementSort,
} from "./organisation-figures";
import { pageContext } from "./page-filters.server";
import { findOrganisation, type OrganisationPlace, requireInScope } from "./places.server";
import type { WaveOption } from "./waves.server";

export interface PeerSection {
  comparison: PeerComparison;
  chart: string;
  /** The table by organisation × domain from /api/gaps (the all-domains row is its table by organisation). */
  downloads: Downloads;
}

export type AttainmentSection = { rows: AttainmentRow[]; chart: string; downloads: Downloads } | { unavailable: string };

export interface StatementsSection {
  rows: StatementRow[];
  sort: StatementSort;
  /** Header links that sort the table (the filters kept), by column. */
  sortLinks: Record<SortKey, string>;
  /** The same table from /api/gaps. */
  downloads: Downloads;
}

export interface OrganisationPage {
  filters: PageFilters;
  /** The filters as a normal query string, for links that keep them. */
  query: string;
  options: FilterOptions;
  organisation: OrganisationPlace;
  wave: WaveOption | null;
  waves: WaveOption[];
  headline: Headline | null;
  staffGroups: HeatmapFigure | null;
  peers: PeerSection | null;
  attainment: AttainmentSection | null;
  statements: StatementsSection | null;
  /** The organisation's gap rate by domain across waves. */
  trend: TrendFigure | null;
  /** The trend includes waves still open (the page's own `provisional=true`). */
  provisional: boolean;
  trendLinks: { includeOpen: string; excludeOpen: string };
  k: number;
}

export async function organisationPage(code: string, url: URL, scope: Scope): Promise<OrganisationPage> {
  const db = getDatabase();
  const { filters, wave, compareWave, waves, options } = await pageContext(db, url);
  const sort = readSort(url.searchParams);
  if ("error" in sort) throw badRequest(sort.error);
  const organisation = await findOrganisation(db, code, wave?.referenceDate ?? null);
  if (!organisation) throw notFound(`There is no organisation with the ODS code “${code}”.`);
  await requireInScope(db, scope, { kind: "organisation", code: organisation.code }, wave);
  const provisional = url.searchParams.get("provisional") === "true";
  const query = filterQuery(filters);
  const path = `/organisations/${organisation.code}`;
  // Filters first, then the page's own parameter: the canonical order (page-filters.server.ts).
  const trendLinks = {
    includeOpen: `${path}${query ? `${query}&` : "?"}provisional=true#organisation-trend-heading`,
    excludeOpen: `${path}${query}#organisation-trend-heading`,
  };
  const empty = {
    filters, query, options, organisation, waves, provisional, trendLinks,
    headline: null, staffGroups: null, peers: null, attainment: null, statements: null, trend: null, k: suppressionThreshold(),
  };
  if (!wave) return { ...empty, wave: null };
  const narrowed = { ...narrowing(filters), organisation: organisation.code };
  const staffGroups = await domainHeatmap(db, {
    id: "staff-group-heatmap",
    title: `Gap rate by staff group and domain, ${organisation.name}, ${waveName(wave.label)}`,
    wave,
    filters: narrowed,
    weighted: filters.weighted,
    rowDimension: "staff_group",
    columnDimension: "domain",
    rowNoun: "Staff group",
    columnNoun: "Domain",
    href: (group) => staffGroupHref(group, organisation.code, filters),
  });
  const k = staffGroups.k;
  return {
    ...empty,
    wave: { label: wave.label, name: waveName(wave.label) },
    headline: headlineForFigure(await headline(db, wave, narrowed, { compareWave, weighted: filters.weighted }), staffGroups),
    trend: await trendFigure(db, {
      id: "organisation-trend",
      title: `Gap rate by domain across waves, ${organisation.name}`,
      filters: narrowed,
      provisional,
    }),
    staffGroups,
    peers: await peerSection(db, organisation, wave, filters),
    attainment: await attainmentSection(db, organisation, wave, filters, k),
    statements: await statementsSection(db, organisation, wave, filters, sort),
    k,
  };
}

async function peerSection(db: Sql, organisation: OrganisationPlace, wave: Wave, filters: PageFilters): Promise<PeerSection> {
  const where = { ...narrowing(filters), organisation: organisation.code, wave: wave.label };
  // Peers are unweighted (docs/metrics.md, "Peers"), whatever the page's weighting.
  const byDomain = await orBadRequest(() => queryGaps(db, NATIONAL, { by: ["organisation", "domain"], filters: where }));
  // With a domain filter the one domain row is the whole comparison: an "all domains" row would repeat it.
  const overall = filters.domain
    ? null
    : ((await orBadRequest(() => queryGaps(db, NATIONAL, { by: ["organisation"], filters: where }))).rows[0] ?? null);
  const overallName = filters.level ? `All domains, level ${filters.level}` : "All domains";
  const comparison = peerComparison(overall, overallName, byDomain.rows);
  const region = organisation.region?.name ?? "its region";
  const chart = renderPeerComparison({
    id: "peer-comparison",
    title: `Gap rate against peers by domain, ${organisation.name}, ${waveName(wave.label)}`,
    organisation: organisation.name,
    region,
    comparison,
  });
  return { comparison, chart, downloads: downloadLinks("/api/gaps", { by: "organisation,domain", ...where }) };
}

async function attainmentSection(db: Sql, organisation: OrganisationPlace, wave: Wave, filters: PageFilters, k: number): Promise<AttainmentSection> {
  // A level is attained across all of a domain's levels: a level filter cannot apply (docs/metrics.md, "Attained level").
  if (filters.level) return { unavailable: "Attained levels take every level of a domain together, so they are not shown for one level: clear the level filter to see them." };
  const where = { ...narrowing(filters), organisation: organisation.code, wave: wave.label };
  const table = await orBadRequest(() => queryGaps(db, NATIONAL, { by: ["domain"], filters: where, attainment: true }));
  const rows = table.rows.map(attainmentRow);
  const chart = renderAttainment({ id: "attainment", title: `Attained level by domain, ${organisation.name}, ${waveName(wave.label)}`, rows, k });
  return { rows, chart, downloads: downloadLinks("/api/gaps", { by: "domain", ...where, attainment: true }) };
}

async function statementsSection(db: Sql, organisation: OrganisationPlace, wave: Wave, filters: PageFilters, sort: StatementSort): Promise<StatementsSection> {
  const where = { wave: wave.label, organisation: organisation.code, ...narrowing(filters) };
  const table = await orBadRequest(() => queryGaps(db, NATIONAL, { by: ["capability"], filters: where }));
  const rows = sortStatements(statementRows(table.rows, await capabilityFacts(db, wave.frameworkId)), sort);
  const path = `/organisations/${organisation.code}`;
  const link = (key: SortKey) => pageAddress(path, filters, sortQuery(nextSort(sort, key)), "#statements");
  return {
    rows,
    sort,
    sortLinks: { gap: link("gap"), code: link("code") },
    downloads: downloadLinks("/api/gaps", { by: "capability", ...where }),
  };
}
