// Direct SQL over the raw ratings: the independent computation the rollup-based figures must equal.
import type { Sql } from "../../db/client";
import { type Interval, wilsonInterval, Z95 } from "../../db/analytics/metrics";

export interface DirectCell {
  key: string;
  respondents: number;
  required: number;
  met: number;
  /** Per-respondent sums Σrᵢ², Σuᵢ², Σrᵢuᵢ, and the pooled interval's Σ(uᵢ − p̂rᵢ)² computed as written. */
  sumR2: number;
  sumU2: number;
  sumRu: number;
  deviation2: number;
}

/**
 * Gap cells computed from respondents × ratings for the given key expression, in one wave
 * (or all waves when waveLabel is null). `key` may use r (respondents), c (capabilities),
 * m (membership at the wave's reference date) and w (waves).
 */
export async function directCells(
  db: Sql,
  key: string,
  waveLabel: string | null,
  extra: { join?: string; where?: string } = {},
): Promise<Map<string, DirectCell>> {
  const rows = await db.query<DirectCell>(
    `with person as (
       select ${key} as key, r.id, count(*)::float8 as r,
              (count(*) filter (where rt.rating < f.met_threshold))::float8 as u
       from respondents r
       join waves w on w.id = r.wave_id
       join ratings rt on rt.respondent_id = r.id
       join capabilities c on c.id = rt.capability_id
       join frameworks f on f.id = c.framework_id
       join organisation_memberships m on m.organisation_code = r.organisation_code
         and w.reference_date between m.valid_from and coalesce(m.valid_to, 'infinity'::date)
       ${extra.join ?? ""}
       where strpos(c.archetypes, r.archetype_code) > 0 and ($1::text is null or w.label = $1) ${extra.where ? `and ${extra.where}` : ""}
       group by 1, 2
     ), placed as (
       select person.*, count(*) over cell as n, sum(r) over cell as required, sum(u) over cell as unmet
       from person window cell as (partition by key)
     )
     select key, n::int as respondents, required::int as required, (required - unmet)::int as met,
            sum(r * r) as "sumR2", sum(u * u) as "sumU2", sum(r * u) as "sumRu",
            sum((u - unmet / required * r) * (u - unmet / required * r)) as deviation2
     from placed group by key, n, required, unmet`,
    [waveLabel],
  );
  return new Map(rows.map((r) => [r.key, r]));
}

/** A cell's interval as docs/metrics.md states it, from the raw ratings' per-respondent values. */
export function directInterval(cell: DirectCell): Interval {
  const unmet = cell.required - cell.met;
  const single = cell.sumR2 === cell.required;
  if (single || cell.respondents < 2 || cell.deviation2 < 1e-9) return wilsonInterval(unmet, cell.required)!;
  const p = unmet / cell.required;
  const se = Math.sqrt(((cell.respondents / (cell.respondents - 1)) * cell.deviation2) / cell.required ** 2);
  return { low: Math.max(0, p - Z95 * se), high: Math.min(1, p + Z95 * se) };
}

/** Row counts and a checksum of every table a load may change. */
export async function snapshot(db: Sql): Promise<{ respondents: number; ratings: number } & Record<string, number | string>> {
  const [counts] = await db.query<Record<string, number | string>>(
    `select (select count(*) from respondents)::int as respondents, (select count(*) from ratings)::int as ratings,
            (select count(*) from submissions)::int as submissions, (select count(*) from batches)::int as batches,
            (select count(*) from waves)::int as waves, (select count(*) from rollups)::int as rollups,
            (select count(*) from capability_rollups)::int as capability_rollups,
            (select count(*) from attainment_rollups)::int as attainment_rollups,
            (select count(*) from crosswalk_rollups)::int as crosswalk_rollups,
            (select count(*) from headcounts)::int as headcounts,
            (select md5(coalesce(string_agg(concat_ws('|', submission_id, month, respondents), ',' order by submission_id, month), ''))
             from submission_months) as month_checksum,
            (select md5(coalesce(string_agg(concat_ws('|', wave_id, organisation_code, staff_group_code, archetype_code,
               band_code, grain, grain_key, respondents, required, met, sum_r2, sum_u2, sum_ru), ',' order by
               wave_id, organisation_code, staff_group_code, archetype_code, band_code, grain, grain_key), ''))
             from rollup_cells) as rollup_checksum,
            (select md5(coalesce(string_agg(concat_ws('|', wave_id, organisation_code, staff_group_code, archetype_code, band_code,
               domain_code, expected_level, attained_0, attained_1, attained_2, attained_3, attained_4, incomplete, below_expected), ','
               order by wave_id, organisation_code, staff_group_code, archetype_code, band_code, domain_code), ''))
             from attainment_rollups) as attainment_checksum,
            (select md5(coalesce(string_agg(concat_ws('|', respondent_id, capability_id, rating), ','
               order by respondent_id, capability_id), '')) from ratings) as rating_checksum`,
  );
  return counts as { respondents: number; ratings: number } & Record<string, number | string>;
}

export interface DirectAttainment {
  key: string;
  /** Respondents with at least one required rating in the cell's domain: placed + incomplete. */
  respondents: number;
  attained: number[];
  incomplete: number;
  belowExpected: number;
  expectedLevels: Set<number>;
}

/**
 * Attained levels per cell computed from respondents × ratings, capability by capability, as
 * docs/metrics.md words it (independently of the per-level counts the load uses): for each
 * respondent and domain where they have a required rating, the capabilities of the domain badged
 * for their archetype are required; a respondent missing a rating of one is incomplete; otherwise
 * the attained level is the highest L, 0 or a level with a required capability, such that every
 * required capability at levels ≤ L is rated at or above the threshold. `key` is an SQL expression
 * over r, w and m (as directCells), to which the domain is added.
 */
export async function directAttainment(db: Sql, key: string, waveLabel: string | null): Promise<Map<string, DirectAttainment>> {
  const ratings = await db.query<{ key: string; id: number; archetype: string; framework: number; capability: number; rating: number; threshold: number }>(
    `select ${key} as key, r.id, r.archetype_code as archetype, w.framework_id as framework, rt.capability_id as capability,
            rt.rating, f.met_threshold as threshold
     from respondents r
     join waves w on w.id = r.wave_id
     join frameworks f on f.id = w.framework_id
     join ratings rt on rt.respondent_id = r.id
     join organisation_memberships m on m.organisation_code = r.organisation_code
       and w.reference_date between m.valid_from and coalesce(m.valid_to, 'infinity'::date)
     where $1::text is null or w.label = $1`,
    [waveLabel],
  );
  const capabilities = await db.query<{ id: number; framework: number; domain: string; level: number; archetypes: string }>(
    "select id, framework_id as framework, domain_code as domain, level, archetypes from capabilities",
  );
  const capability = new Map(capabilities.map((c) => [c.id, c]));
  const people = new Map<number, { key: string; archetype: string; framework: number; threshold: number; rated: Map<number, number> }>();
  for (const r of ratings) {
    const p = people.get(r.id) ?? people.set(r.id, { ...r, rated: new Map() }).get(r.id)!;
    p.rated.set(r.capability, r.rating);
  }
  const cells = new Map<string, DirectAttainment>();
  for (const p of people.values()) {
    const badged = capabilities.filter((c) => c.framework === p.framework && c.archetypes.includes(p.archetype));
    const domains = new Set([...p.rated.keys()].map((id) => capability.get(id)!).filter((c) => c.archetypes.includes(p.archetype)).map((c) => c.domain));
    for (const domain of domains) {
      const required = badged.filter((c) => c.domain === domain);
      const expected = Math.max(...required.map((c) => c.level));
      const cellKey = `${p.key}/${domain}`;
      const cell = cells.get(cellKey) ?? cells.set(cellKey, { key: cellKey, respondents: 0, attained: [0, 0, 0, 0, 0], incomplete: 0, belowExpected: 0, expectedLevels: new Set() }).get(cellKey)!;
      cell.respondents++;
      cell.expectedLevels.add(expected);
      if (required.some((c) => !p.rated.has(c.id))) {
        cell.incomplete++;
        continue;
      }
      const candidates = [0, ...new Set(required.map((c) => c.level))];
      const attained = Math.max(...candidates.filter((l) => required.every((c) => c.level > l || p.rated.get(c.id)! >= p.threshold)));
      cell.attained[attained]++;
      if (attained < expected) cell.belowExpected++;
    }
  }
  return cells;
}
