// Data for a Region's or an ICB's page: headline figures, organisations × domain, the funnel of
// its organisations against England, and its commissioning priorities.
import { suppressionThreshold } from "~db/analytics/suppression";
import type { Wave } from "~db/waves";
import type { Sql } from "~db/client";
import { getDatabase } from "./db.server";
import { waveName } from "./format";
import { type FunnelFigure, funnelFigure } from "./funnel-figure.server";
import { domainHeatmap, type HeatmapFigure, type Headline, headline, headlineForFigure } from "./gap-figures.server";
import { notFound } from "./http.server";
import { findIcb, findRegion, type IcbPlace, icbsOf, type Place } from "./places.server";
import { type PriorityList, priorityList } from "./priorities.server";
import { chooseWave, type WaveOption, withWave } from "./waves.server";

/** What a region's and an ICB's page both show. */
export interface AreaFigures {
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

async function areaFigures(db: Sql, wave: Wave | null, options: WaveOption[], area: { kind: "region" | "icb"; code: string; name: string }): Promise<AreaFigures> {
  if (!wave) return { wave: null, waves: options, headline: null, organisations: null, funnel: null, priorities: null, k: suppressionThreshold() };
  const filters = { [area.kind]: area.code };
  const organisations = await domainHeatmap(db, {
    id: "organisation-heatmap",
    title: `Gap rate by organisation and domain, ${area.name}, ${waveName(wave.label)}`,
    wave,
    filters,
    rowDimension: "organisation",
    columnDimension: "domain",
    rowNoun: "Organisation",
    columnNoun: "Domain",
    href: (org) => withWave(`/organisations/${org}`, wave),
  });
  return {
    wave: { label: wave.label, name: waveName(wave.label) },
    waves: options,
    headline: headlineForFigure(await headline(db, wave, filters, { kind: area.kind, code: area.code }), organisations),
    organisations,
    funnel: await funnelFigure(db, wave.label, { name: area.name, filters }),
    priorities: await priorityList(db, { ...filters, wave: wave.label }),
    k: organisations.k,
  };
}

export async function regionPage(code: string, url: URL): Promise<RegionPage> {
  const db = getDatabase();
  const region = await findRegion(db, code);
  if (!region) throw notFound(`There is no NHS England region with the code “${code}”.`);
  const { wave, options } = await chooseWave(db, url.searchParams.get("wave"));
  return {
    region,
    icbs: wave ? await icbsOf(db, region.code, wave.referenceDate) : [],
    ...(await areaFigures(db, wave, options, { kind: "region", ...region })),
  };
}

export async function icbPage(code: string, url: URL): Promise<IcbPage> {
  const db = getDatabase();
  const icb = await findIcb(db, code);
  if (!icb) throw notFound(`There is no integrated care board with the code “${code}”.`);
  const { wave, options } = await chooseWave(db, url.searchParams.get("wave"));
  return { icb, ...(await areaFigures(db, wave, options, { kind: "icb", code: icb.code, name: icb.name })) };
}
