// Data for an Organisation's page: headline figures and staff groups × domain.
import { suppressionThreshold } from "~db/analytics/suppression";
import { getDatabase } from "./db.server";
import { waveName } from "./format";
import { domainHeatmap, type HeatmapFigure, type Headline, headline, headlineForFigure } from "./gap-figures.server";
import type { FilterOptions } from "./filter-options.server";
import { filterQuery, narrowing, type PageFilters } from "./filters";
import { notFound } from "./http.server";
import { pageContext } from "./page-filters.server";
import { findOrganisation, type OrganisationPlace } from "./places.server";
import type { WaveOption } from "./waves.server";

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
  k: number;
}

export async function organisationPage(code: string, url: URL): Promise<OrganisationPage> {
  const db = getDatabase();
  const { filters, wave, waves, options } = await pageContext(db, url);
  const organisation = await findOrganisation(db, code, wave?.referenceDate ?? null);
  if (!organisation) throw notFound(`There is no organisation with the ODS code “${code}”.`);
  const empty = { filters, query: filterQuery(filters), options, organisation, waves, headline: null, staffGroups: null, k: suppressionThreshold() };
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
  });
  return {
    ...empty,
    wave: { label: wave.label, name: waveName(wave.label) },
    headline: headlineForFigure(await headline(db, wave, narrowed), staffGroups),
    staffGroups,
    k: staffGroups.k,
  };
}
