// Data for an Organisation's page: headline figures and staff groups × domain.
import { suppressionThreshold } from "~db/analytics/suppression";
import { getDatabase } from "./db.server";
import { waveName } from "./format";
import { domainHeatmap, type HeatmapFigure, type Headline, headline, headlineForFigure } from "./gap-figures.server";
import { notFound } from "./http.server";
import { findOrganisation, type OrganisationPlace } from "./places.server";
import { chooseWave, type WaveOption } from "./waves.server";

export interface OrganisationPage {
  organisation: OrganisationPlace;
  wave: WaveOption | null;
  waves: WaveOption[];
  headline: Headline | null;
  staffGroups: HeatmapFigure | null;
  k: number;
}

export async function organisationPage(code: string, url: URL): Promise<OrganisationPage> {
  const db = getDatabase();
  const { wave, options } = await chooseWave(db, url.searchParams.get("wave"));
  const organisation = await findOrganisation(db, code, wave?.referenceDate ?? null);
  if (!organisation) throw notFound(`There is no organisation with the ODS code “${code}”.`);
  const empty = { organisation, waves: options, headline: null, staffGroups: null, k: suppressionThreshold() };
  if (!wave) return { ...empty, wave: null };
  const staffGroups = await domainHeatmap(db, {
    id: "staff-group-heatmap",
    title: `Gap rate by staff group and domain, ${organisation.name}, ${waveName(wave.label)}`,
    wave,
    filters: { organisation: organisation.code },
    rowDimension: "staff_group",
    columnDimension: "domain",
    rowNoun: "Staff group",
    columnNoun: "Domain",
  });
  return {
    ...empty,
    wave: { label: wave.label, name: waveName(wave.label) },
    headline: headlineForFigure(await headline(db, wave, { organisation: organisation.code }), staffGroups),
    staffGroups,
    k: staffGroups.k,
  };
}
