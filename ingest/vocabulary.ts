// The codes a file may use, read once per run: organisations, staff groups, archetypes, bands and
// the wave's framework. Lookups accept the spellings trusts actually export.
import type { Sql } from "../db/client";
import { BAND_CODES } from "../db/reference";
import type { CapabilityFacts } from "./rollup-builder";

export interface Vocabulary {
  frameworkId: number;
  frameworkVersion: string;
  scaleMin: number;
  scaleMax: number;
  /** A rating at or above this meets a required capability. */
  metThreshold: number;
  /** What the rollups need about each capability. */
  capabilityFacts: CapabilityFacts[];
  organisations: Map<string, { openedOn: string; closedOn: string | null }>;
  staffGroups: Map<string, string>;
  archetypes: Map<string, string>;
  bands: Map<string, string>;
  capabilities: Map<string, number>;
  /** Raw spellings already looked up (see memoised). */
  seen: { staffGroups: Map<string, string | null>; archetypes: Map<string, string | null>; bands: Map<string, string | null> };
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

/**
 * Looks `value` up by its normalised key, remembering the answer for the raw spelling: a file
 * repeats a handful of spellings on every row, so each is normalised once.
 */
function memoised(map: Map<string, string>, seen: Map<string, string | null>, key: (v: string) => string, value: string) {
  let code = seen.get(value);
  if (code === undefined) {
    code = map.get(key(value)) ?? null;
    if (seen.size < 10_000) seen.set(value, code);
  }
  return code ?? undefined;
}

export function lookupStaffGroup(v: Vocabulary, value: string) {
  return memoised(v.staffGroups, v.seen.staffGroups, nameKey, value);
}
export function lookupArchetype(v: Vocabulary, value: string) {
  return memoised(v.archetypes, v.seen.archetypes, nameKey, value);
}
export function lookupBand(v: Vocabulary, value: string) {
  return memoised(v.bands, v.seen.bands, bandKey, value);
}

export interface VocabularyInput {
  framework: { id: number; version: string; scaleMin: number; scaleMax: number; metThreshold?: number };
  organisations: { code: string; openedOn: string; closedOn: string | null }[];
  staffGroups: { code: string; name: string; longName: string }[];
  archetypes: { code: string; name: string }[];
  capabilities: ({ id: number; code: string } & Partial<Omit<CapabilityFacts, "id" | "code">>)[];
}

/** The lookups, with every accepted spelling as a key. Pure. */
export function buildVocabulary(input: VocabularyInput): Vocabulary {
  const staffGroups = new Map<string, string>();
  for (const g of input.staffGroups) for (const spelling of [g.code, g.name, g.longName]) staffGroups.set(nameKey(spelling), g.code);
  const archetypes = new Map<string, string>();
  for (const a of input.archetypes) {
    // Code letter, plural name ("Users") and singular name ("user").
    for (const spelling of [a.code, a.name, a.name.replace(/s$/i, "")]) archetypes.set(nameKey(spelling), a.code);
  }
  return {
    frameworkId: input.framework.id,
    frameworkVersion: input.framework.version,
    scaleMin: input.framework.scaleMin,
    scaleMax: input.framework.scaleMax,
    metThreshold: input.framework.metThreshold ?? 3,
    capabilityFacts: input.capabilities.map((c, i) => ({
      id: c.id,
      code: c.code,
      position: c.position ?? i + 1,
      domainCode: c.domainCode ?? "",
      level: c.level ?? 0,
      archetypes: c.archetypes ?? "",
      nodes: c.nodes ?? [],
    })),
    organisations: new Map(input.organisations.map((o) => [o.code, { openedOn: o.openedOn, closedOn: o.closedOn }])),
    staffGroups,
    archetypes,
    bands: new Map(BAND_CODES.map((code) => [bandKey(code), code])),
    capabilities: new Map(input.capabilities.map((c) => [c.code, c.id])),
    seen: { staffGroups: new Map(), archetypes: new Map(), bands: new Map() },
  };
}

export async function loadVocabulary(tx: Sql, frameworkVersion: string): Promise<Vocabulary | null> {
  const [framework] = await tx.query<{ id: number; scaleMin: number; scaleMax: number; metThreshold: number }>(
    `select id, scale_min as "scaleMin", scale_max as "scaleMax", met_threshold as "metThreshold" from frameworks where version = $1`,
    [frameworkVersion],
  );
  if (!framework) return null;
  const [organisations, staffGroups, archetypes, capabilities] = await Promise.all([
    tx.query<VocabularyInput["organisations"][number]>(
      `select code, opened_on as "openedOn", closed_on as "closedOn" from organisations`,
    ),
    tx.query<VocabularyInput["staffGroups"][number]>(`select code, name, long_name as "longName" from staff_groups`),
    tx.query<VocabularyInput["archetypes"][number]>("select code, name from archetypes"),
    tx.query<VocabularyInput["capabilities"][number]>(
      `select c.id, c.code, c.sort_order as position, c.domain_code as "domainCode", c.level, c.archetypes,
         coalesce(json_agg(json_build_object('type', n.node_type, 'code', n.node_code)) filter (where n.node_code is not null), '[]') as nodes
       from capabilities c left join capability_nodes n on n.capability_id = c.id and n.node_type <> 'domain'
       where c.framework_id = $1 group by c.id`,
      [framework.id],
    ),
  ]);
  return buildVocabulary({ framework: { ...framework, version: frameworkVersion }, organisations, staffGroups, archetypes, capabilities });
}
