// Data for a Region's or an ICB's page: headline figures, organisations × domain, the funnel of
// its organisations against England, and its commissioning priorities.
import { suppressionThreshold } from "~db/analytics/suppression";
import type { Wave } from "~db/waves";
import type { Sql } from "~db/client";
import type { Scope } from "~db/analytics/scope";
import { getDatabase } from "./db.server";
import { waveName } from "./format";
import { type FunnelFigure, funnelFigure } from "./funnel-figure.server";
import { domainHeatmap, type HeatmapFigure, type Headline, headline, headlineForFigure } from "./gap-figures.server";
import type { FilterOptions } from "./filter-options.server";
import { filterQuery, narrowing, type PageFilters, withFilters } from "./filters";
import { notFound } from "./http.server";
import { type PageContext, pageContext } from "./page-filters.server";
import { findIcb, findRegion, type IcbPlace, icbsOf, type Place, requireInScope } from "./places.server";
import { type PriorityList, priorityList } from "./priorities.server";
import type { WaveOption } from "./waves.server";

/** What a region's and an ICB's page both show. */
export interface AreaFigures {
  filters: PageFilters;
  /** The filters as a normal query string, for links that keep them. */
  query: string;
  options: FilterOptions;
  wave: WaveOption | null;
  waves: WaveOption[];
  headline: Headline | null;
  organisations: HeatmapFigure | null;
  funnel: FunnelFigure | null;
  /** The area's commissioning priorities, or why there are none (no headcount for the wave). */
  priorities: PriorityList | { unavailable: string } | null;
  k: number;
}

export interface RegionPage extends AreaFigures {
  region: Place;
  /** The region's ICBs at the wave's reference date, for drilling down. */
  icbs: Place[];
}

export interface IcbPage extends AreaFigures {
  icb: IcbPlace;
}

async function areaFigures(db: Sql, context: PageContext, area: { kind: "region" | "icb"; code: string; name: string }): Promise<AreaFigures> {
  const { wave, waves, options } = context;
  const query = filterQuery(context.filters);
  const empty = { filters: context.filters, query, options, waves, headline: null, organisations: null, funnel: null, priorities: null, k: suppressionThreshold() };
  if (!wave) return { ...empty, wave: null };
  const filters = { ...narrowing(context.filters), [area.kind]: area.code };
  const organisations = await domainHeatmap(db, {
    id: "organisation-heatmap",
    title: `Gap rate by organisation and domain, ${area.name}, ${waveName(wave.label)}`,
    wave,
    filters,
    weighted: context.filters.weighted,
    rowDimension: "organisation",
    columnDimension: "domain",
    rowNoun: "Organisation",
    columnNoun: "Domain",
    href: (org) => withFilters(`/organisations/${org}`, context.filters),
  });
  return {
    ...empty,
    wave: { label: wave.label, name: waveName(wave.label) },
    headline: headlineForFigure(
      await headline(db, wave, filters, {
        countOrganisationsIn: { kind: area.kind, code: area.code },
        compareWave: context.compareWave,
        weighted: context.filters.weighted,
      }),
      organisations,
    ),
    organisations,
    // The funnel compares whole organisations with England, whatever the page's filters.
    funnel: await funnelFigure(db, wave.label, { name: area.name, filters: { [area.kind]: area.code } }),
    // Priorities are estimated for every staff group of the area (docs/metrics.md), so only the area narrows them.
    priorities: await priorityList(db, { [area.kind]: area.code, wave: wave.label }),
    k: organisations.k,
  };
}

export async function regionPage(code: string, url: URL, scope: Scope): Promise<RegionPage> {
  const db = getDatabase();
  const region = await findRegion(db, code);
  if (!region) throw notFound(`There is no NHS England region with the code “${code}”.`);
  const context = await pageContext(db, url);
  await requireInScope(db, scope, { kind: "region", code: region.code }, context.wave);
  return {
    region,
    icbs: context.wave ? await icbsOf(db, region.code, context.wave.referenceDate) : [],
    ...(await areaFigures(db, context, { kind: "region", ...region })),
  };
}

export async function icbPage(code: string, url: URL, scope: Scope): Promise<IcbPage> {
  const db = getDatabase();
  const icb = await findIcb(db, code);
  if (!icb) throw notFound(`There is no integrated care board with the code “${code}”.`);
  const context = await pageContext(db, url);
  await requireInScope(db, scope, { kind: "icb", code: icb.code }, context.wave);
  return { icb, ...(await areaFigures(db, context, { kind: "icb", code: icb.code, name: icb.name })) };
}
