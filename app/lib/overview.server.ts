// Data for the England overview page.
import { illustrativeCapabilities } from "~db/analytics/framework";
import { queryGaps } from "~db/analytics/gaps";
import { NATIONAL } from "~db/analytics/scope";
import { suppressionThreshold } from "~db/analytics/suppression";
import { type RankedCapability, renderTopCapabilities, topCapabilities } from "~/charts/top-capabilities.server";
import { getDatabase } from "./db.server";
import { waveName } from "./format";
import { domainHeatmap, type HeatmapFigure, type Headline, headline, headlineForFigure } from "./gap-figures.server";
import { orBadRequest } from "./http.server";
import { chooseWave, type WaveOption, withWave } from "./waves.server";

export interface EnglandOverview {
  wave: WaveOption | null;
  waves: WaveOption[];
  headline: Headline | null;
  regions: HeatmapFigure | null;
  capabilities: { ranked: RankedCapability[]; chart: string; suppressedCount: number } | null;
  k: number;
}

export async function englandOverview(url: URL): Promise<EnglandOverview> {
  const db = getDatabase();
  const { wave, options } = await chooseWave(db, url.searchParams.get("wave"));
  if (!wave) return { wave: null, waves: options, headline: null, regions: null, capabilities: null, k: suppressionThreshold() };
  const name = waveName(wave.label);
  const regions = await domainHeatmap(db, {
    id: "region-heatmap",
    title: `Gap rate by region and domain, ${name}`,
    wave,
    rowDimension: "region",
    columnDimension: "domain",
    rowNoun: "Region",
    columnNoun: "Domain",
    href: (code) => withWave(`/regions/${code}`, wave),
  });
  const byCapability = await orBadRequest(() => queryGaps(db, NATIONAL, { by: ["capability"], filters: { wave: wave.label } }));
  const ranked = topCapabilities(byCapability.rows, 10, await illustrativeCapabilities(db, wave.label));
  const suppressedCount = byCapability.rows.filter((r) => r.suppressed === true).length;
  const chart = renderTopCapabilities({
    id: "top-capabilities",
    title: `The ${ranked.length || 10} capabilities with the largest gap rate, ${name}`,
    ranked,
    suppressedCount,
    k: regions.k,
  });
  return {
    wave: { label: wave.label, name },
    waves: options,
    headline: headlineForFigure(await headline(db, wave, {}, NATIONAL), regions),
    regions,
    capabilities: { ranked, chart, suppressedCount },
    k: regions.k,
  };
}
