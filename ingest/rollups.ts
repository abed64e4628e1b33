// Rebuilds the rollups of one wave × a set of organisations from their ratings.
// Each rollup row holds, for one person-axis cell × one framework grain value: respondents with
// at least one required rating there, required and met ratings, and per-respondent sums of
// squares (Σr², Σu², Σru, u = unmet) from which a pooled variance can be computed at any grain.
import type { Sql } from "../db/client";

export async function rebuildRollups(tx: Sql, waveId: number, organisationCodes: string[]): Promise<void> {
  await tx.query("delete from rollups where wave_id = $1 and organisation_code = any($2::text[])", [
    waveId,
    organisationCodes,
  ]);
  await tx.query(
    `insert into rollups (wave_id, organisation_code, staff_group_code, archetype_code, band_code, grain, grain_key,
                          respondents, required, met, sum_r2, sum_u2, sum_ru)
     with required as (
       -- A rating counts only where the capability is badged with the respondent's archetype.
       select r.id as respondent_id, r.organisation_code, r.staff_group_code, r.archetype_code, r.band_code,
              c.id as capability_id, c.code, c.level, c.domain_code,
              (rt.rating >= f.met_threshold)::int as met
       from respondents r
       join ratings rt on rt.respondent_id = r.id
       join capabilities c on c.id = rt.capability_id
       join frameworks f on f.id = c.framework_id
       where r.wave_id = $1 and r.organisation_code = any($2::text[])
         and strpos(c.archetypes, r.archetype_code) > 0
     ), keyed as (
       select q.*, 'all' as grain, '' as grain_key from required q
       union all select q.*, 'capability', q.code from required q
       union all select q.*, 'level', q.level::text from required q
       union all select q.*, 'domain_level', q.domain_code || ':' || q.level from required q
       union all select q.*, cn.node_type, cn.node_code from required q
         join capability_nodes cn on cn.capability_id = q.capability_id
     ), per_respondent as (
       select organisation_code, staff_group_code, archetype_code, band_code, grain, grain_key, respondent_id,
              count(*) as r, sum(met) as m
       from keyed
       group by organisation_code, staff_group_code, archetype_code, band_code, grain, grain_key, respondent_id
     )
     select $1, organisation_code, staff_group_code, archetype_code, band_code, grain, grain_key,
            count(*)::int, sum(r)::int, sum(m)::int,
            sum(r * r)::bigint, sum((r - m) * (r - m))::bigint, sum(r * (r - m))::bigint
     from per_respondent
     group by organisation_code, staff_group_code, archetype_code, band_code, grain, grain_key`,
    [waveId, organisationCodes],
  );
}
