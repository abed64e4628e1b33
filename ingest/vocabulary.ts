// The codes a file may use, read once per run: organisations, staff groups, archetypes, bands and
// the wave's framework. Lookups accept the spellings trusts actually export.
import type { Sql } from "../db/client";
import { BAND_CODES } from "../db/reference";

export interface Vocabulary {
  frameworkId: number;
  frameworkVersion: string;
  scaleMin: number;
  scaleMax: number;
  organisations: Map<string, { openedOn: string; closedOn: string | null }>;
  staffGroups: Map<string, string>;
  archetypes: Map<string, string>;
  bands: Map<string, string>;
  capabilities: Map<string, number>;
}

/** Case, spacing and punctuation do not matter in names: "ADD PROF  Scientific & Technic" matches. */
export function nameKey(value: string): string {
  return value
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

/** "Band 8A", "band8a", "AfC Band 8a" and "8a" are all band 8a. */
export function bandKey(value: string): string {
  return nameKey(value).replace(/\b(afc|agenda for change)\b/g, "").replace(/band/g, "").replace(/\s+/g, "");
}

export function lookupStaffGroup(v: Vocabulary, value: string) {
  return v.staffGroups.get(nameKey(value));
}
export function lookupArchetype(v: Vocabulary, value: string) {
  return v.archetypes.get(nameKey(value));
}
export function lookupBand(v: Vocabulary, value: string) {
  return v.bands.get(bandKey(value));
}

export async function loadVocabulary(tx: Sql, frameworkVersion: string): Promise<Vocabulary | null> {
  const [framework] = await tx.query<{ id: number; scale_min: number; scale_max: number }>(
    "select id, scale_min, scale_max from frameworks where version = $1",
    [frameworkVersion],
  );
  if (!framework) return null;
  const [orgs, groups, types, caps] = await Promise.all([
    tx.query<{ code: string; opened_on: string; closed_on: string | null }>(
      "select code, opened_on, closed_on from organisations",
    ),
    tx.query<{ code: string; name: string; long_name: string }>("select code, name, long_name from staff_groups"),
    tx.query<{ code: string; name: string }>("select code, name from archetypes"),
    tx.query<{ id: number; code: string }>("select id, code from capabilities where framework_id = $1", [framework.id]),
  ]);
  const staffGroups = new Map<string, string>();
  for (const g of groups) for (const spelling of [g.code, g.name, g.long_name]) staffGroups.set(nameKey(spelling), g.code);
  const archetypes = new Map<string, string>();
  for (const a of types) {
    // Code letter, plural name ("Users") and singular name ("user").
    for (const spelling of [a.code, a.name, a.name.replace(/s$/i, "")]) archetypes.set(nameKey(spelling), a.code);
  }
  return {
    frameworkId: framework.id,
    frameworkVersion,
    scaleMin: framework.scale_min,
    scaleMax: framework.scale_max,
    organisations: new Map(orgs.map((o) => [o.code, { openedOn: o.opened_on, closedOn: o.closed_on }])),
    staffGroups,
    archetypes,
    bands: new Map(BAND_CODES.map((code) => [code, code])),
    capabilities: new Map(caps.map((c) => [c.code, c.id])),
  };
}
