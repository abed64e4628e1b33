// Data for a Region's page: headline figures and organisations × domain.
import { suppressionThreshold } from "~db/analytics/suppression";
import { getDatabase } from "./db.server";
import { waveName } from "./format";
import { domainHeatmap, type HeatmapFigure, type Headline, headline, headlineForFigure } from "./gap-figures.server";
import { notFound } from "./http.server";
import { type FunnelFigure, funnelFigure } from "./funnel-figure.server";
import { type PriorityList, priorityList } from "./priorities.server";
import { findRegion, type Place } from "./places.server";
import { chooseWave, type WaveOption, withWave } from "./waves.server";

export interface RegionPage {
  region: Place;
  wave: WaveOption | null;
  waves: WaveOption[];
  headline: Headline | null;
  organisations: HeatmapFigure | null;
  funnel: FunnelFigure | null;
  /** The region's commissioning priorities, or why there are none (no headcount for the wave). */
  priorities: PriorityList | { unavailable: string } | null;
  k: number;
}

export async function regionPage(code: string, url: URL): Promise<RegionPage> {
  const db = getDatabase();
  const region = await findRegion(db, code);
  if (!region) throw notFound(`There is no NHS England region with the code “${code}”.`);
  const { wave, options } = await chooseWave(db, url.searchParams.get("wave"));
  if (!wave) return { region, wave: null, waves: options, headline: null, organisations: null, funnel: null, priorities: null, k: suppressionThreshold() };
  const organisations = await domainHeatmap(db, {
    id: "organisation-heatmap",
    title: `Gap rate by organisation and domain, ${region.name}, ${waveName(wave.label)}`,
    wave,
    filters: { region: region.code },
    rowDimension: "organisation",
    columnDimension: "domain",
    rowNoun: "Organisation",
    columnNoun: "Domain",
    href: (org) => withWave(`/organisations/${org}`, wave),
  });
  return {
    region,
    wave: { label: wave.label, name: waveName(wave.label) },
    waves: options,
    headline: headlineForFigure(await headline(db, wave, { region: region.code }, { kind: "region", code: region.code }), organisations),
    organisations,
    funnel: await funnelFigure(db, wave.label, { name: region.name, filters: { region: region.code } }),
    priorities: await priorityList(db, { region: region.code, wave: wave.label }),
    k: organisations.k,
  };
}
