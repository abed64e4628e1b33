// Data for the England overview page.
import { illustrativeCapabilities } from "~db/analytics/framework";
import { queryGaps } from "~db/analytics/gaps";
import { NATIONAL } from "~db/analytics/scope";
import { suppressionThreshold } from "~db/analytics/suppression";
import { type RankedCapability, renderTopCapabilities, topCapabilities } from "~/charts/top-capabilities.server";
import { getDatabase } from "./db.server";
import { waveName } from "./format";
import { domainHeatmap, type HeatmapFigure, type Headline, headline, headlineForFigure } from "./gap-figures.server";
import type { FilterOptions } from "./filter-options.server";
import { filterQuery, narrowing, type PageFilters, withFilters } from "./filters";
import { orBadRequest } from "./http.server";
import { pageContext } from "./page-filters.server";
import { type TrendFigure, trendFigure } from "./trend-figure.server";
import type { WaveOption } from "./waves.server";

export interface EnglandOverview {
  filters: PageFilters;
  options: FilterOptions;
  wave: WaveOption | null;
  waves: WaveOption[];
  headline: Headline | null;
  regions: HeatmapFigure | null;
  capabilities: { ranked: RankedCapability[]; chart: string; suppressedCount: number } | null;
  /** Response coverage by region, with the gap rate weighted to the workforce (null without a headcount). */
  coverage: RegionCoverage[] | null;
  /** Gap rate by domain across waves. */
  trend: TrendFigure | null;
  /** The trend includes waves still open (the page's own `provisional=true`). */
  provisional: boolean;
  /** This page with the open waves in the trend, and without them (filters kept). */
  trendLinks: { includeOpen: string; excludeOpen: string };
  k: number;
}

/** The England page's own parameter (kept after the filters): open waves join the trend, labelled provisional. */
const PROVISIONAL_PARAMETER = "provisional";

export interface RegionCoverage {
  region: string;
  name: string;
  suppressed: boolean;
  respondents: number | null;
  headcount: number | null;
  responseRate: number | null;
  lowResponse: boolean | null;
  gapRate: number | null;
  weighted: { rate: number; low: number; high: number } | null;
}

export async function englandOverview(url: URL): Promise<EnglandOverview> {
  const db = getDatabase();
  const { filters, wave, compareWave, waves, options } = await pageContext(db, url);
  const provisional = url.searchParams.get(PROVISIONAL_PARAMETER) === "true";
  const query = filterQuery(filters);
  // Filters first, then the page's own parameter: the canonical order (page-filters.server.ts).
  const trendLinks = {
    includeOpen: `/${query ? `${query}&` : "?"}${PROVISIONAL_PARAMETER}=true#domain-trend-heading`,
    excludeOpen: `/${query}#domain-trend-heading`,
  };
  const empty = {
    filters, options, waves, headline: null, regions: null, capabilities: null, coverage: null, trend: null, provisional, trendLinks, k: suppressionThreshold(),
  };
  if (!wave) return { ...empty, wave: null };
  const name = waveName(wave.label);
  const narrowed = narrowing(filters);
  const regions = await domainHeatmap(db, {
    id: "region-heatmap",
    title: `Gap rate by region and domain, ${name}`,
    wave,
    filters: narrowed,
    weighted: filters.weighted,
    rowDimension: "region",
    columnDimension: "domain",
    rowNoun: "Region",
    columnNoun: "Domain",
    href: (code) => withFilters(`/regions/${code}`, filters),
  });
  const byCapability = await orBadRequest(() => queryGaps(db, NATIONAL, { by: ["capability"], filters: { ...narrowed, wave: wave.label } }));
  const ranked = topCapabilities(byCapability.rows, 10, await illustrativeCapabilities(db, wave.label));
  const suppressedCount = byCapability.rows.filter((r) => r.suppressed === true).length;
  const chart = renderTopCapabilities({
    id: "top-capabilities",
    title: `The ${ranked.length || 10} capabilities with the largest gap rate, ${name}`,
    ranked,
    suppressedCount,
    k: regions.k,
  });
  const byRegion = await orBadRequest(() => queryGaps(db, NATIONAL, { by: ["region"], filters: { ...narrowed, wave: wave.label }, weighted: true }));
  const coverage = byRegion.meta.coverage?.headcount_waves.length
    ? byRegion.rows.map((r) => ({
        region: String(r.region),
        name: String(r.region_name),
        suppressed: r.suppressed === true,
        respondents: r.respondents as number | null,
        headcount: r.headcount as number | null,
        responseRate: r.response_rate as number | null,
        lowResponse: r.low_response as boolean | null,
        gapRate: r.gap_rate as number | null,
        weighted:
          typeof r.weighted_gap_rate === "number"
            ? { rate: r.weighted_gap_rate, low: r.weighted_ci_low as number, high: r.weighted_ci_high as number }
            : null,
      }))
    : null;
  return {
    ...empty,
    wave: { label: wave.label, name },
    headline: headlineForFigure(
      await headline(db, wave, narrowed, { countOrganisationsIn: NATIONAL, compareWave, weighted: filters.weighted }),
      regions,
    ),
    trend: await trendFigure(db, { id: "domain-trend", title: "Gap rate by domain across waves, England", filters: narrowed, provisional }),
    regions,
    capabilities: { ranked, chart, suppressedCount },
    coverage,
    k: regions.k,
  };
}
