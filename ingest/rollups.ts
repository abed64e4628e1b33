// Rollups for one wave × the organisations a file holds, computed from the file's staged rows
// (a file is each of its organisations' complete submission, so nothing else contributes).
// Each row holds, for one person-axis cell × one framework grain value: respondents with at
// least one required rating there, required and met ratings, and per-respondent sums Σr², Σu²,
// Σru (u = unmet) from which a pooled variance can be computed at any grain. The capability grain
// is one row per person-axis cell with an array per measure (capability_rollups, decision 014).
// Attained levels are kept per person-axis cell × domain (attainment_rollups, decision 019).
import type { Sql } from "../db/client";

/** The grains of the rollups table; the capability grain is in capability_rollups. */
export const ROLLUP_GRAINS = ["all", "domain", "sub_domain", "section", "level", "domain_level"];

/** Removes the rollups and respondent counts of these organisations in the wave (before a reload, or on withdrawal). */
export async function deleteRollups(tx: Sql, waveId: number, organisationCodes: string[]): Promise<void> {
  // Every grain named, so the (wave, grain, organisation) index finds exactly these rows.
  await tx.query("delete from rollups where wave_id = $1 and grain = any($3::text[]) and organisation_code = any($2::text[])", [
    waveId,
    organisationCodes,
    ROLLUP_GRAINS,
  ]);
  await tx.query("delete from capability_rollups where wave_id = $1 and organisation_code = any($2::text[])", [waveId, organisationCodes]);
  await tx.query("delete from attainment_rollups where wave_id = $1 and organisation_code = any($2::text[])", [waveId, organisationCodes]);
  await tx.query("delete from respondent_counts where wave_id = $1 and organisation_code = any($2::text[])", [waveId, organisationCodes]);
}

/** The columns of attainment_rollups, in the order attainmentRollupSql selects them. */
export const ATTAINMENT_ROLLUP_COLUMNS =
  "wave_id, organisation_code, staff_group_code, archetype_code, band_code, domain_code, expected_level, " +
  "attained_0, attained_1, attained_2, attained_3, attained_4, incomplete, below_expected";

/**
 * Attained levels (docs/metrics.md) from `source`, as for insertRollups but with a wave_id column
 * given by the expression `wave` (a parameter at load; each respondent's own wave in migration
 * 0009's backfill, which holds this statement's text for every wave at once). The SQL twin of
 * RollupBuilder's attained levels: a respondent is in a domain's row when they have a required
 * rating there; every level with a capability badged for their archetype is checked, so a
 * required capability they did not rate makes them incomplete.
 */
export function attainmentRollupSql(source: string, wave: string): string {
  const person = "organisation_code, staff_group_code, archetype_code, band_code";
  return `with required as materialized (
       select ${wave} as wave_id, c.framework_id, s.organisation_code, s.staff_group_code, s.archetype_code, s.band_code,
              s.pseudonym, c.domain_code, c.level, (s.rating >= f.met_threshold)::int as met
       from ${source} s
       join capabilities c on c.id = s.capability_id
       join frameworks f on f.id = c.framework_id
       where strpos(c.archetypes, s.archetype_code) > 0
     ), rated as materialized (
       select wave_id, framework_id, ${person}, pseudonym, domain_code, level, count(*) as r, sum(met) as m
       from required group by wave_id, framework_id, ${person}, pseudonym, domain_code, level
     ), badged as (
       -- Capabilities badged for each archetype per domain and level.
       select c.framework_id, a.code as archetype_code, c.domain_code, c.level, count(*) as n
       from capabilities c join archetypes a on strpos(c.archetypes, a.code) > 0
       group by c.framework_id, a.code, c.domain_code, c.level
     ), levels as (
       -- Each badged level of every domain a respondent was assessed in, with what they rated and
       -- met there, and how many badged levels up to it they fall short at.
       select p.wave_id, p.organisation_code, p.staff_group_code, p.archetype_code, p.band_code, p.pseudonym, p.domain_code,
              b.level, b.n, coalesce(x.r, 0) as r,
              count(*) filter (where coalesce(x.m, 0) < b.n)
                over (partition by p.wave_id, p.pseudonym, p.domain_code order by b.level) as shortfalls
       from (select distinct wave_id, framework_id, ${person}, pseudonym, domain_code from rated) p
       join badged b on b.framework_id = p.framework_id and b.archetype_code = p.archetype_code and b.domain_code = p.domain_code
       left join rated x on x.wave_id = p.wave_id and x.pseudonym = p.pseudonym and x.domain_code = p.domain_code and x.level = b.level
     ), placed as (
       select wave_id, ${person}, pseudonym, domain_code, max(level) as expected_level, bool_or(r < n) as incomplete,
              coalesce(max(level) filter (where shortfalls = 0), 0) as attained
       from levels group by wave_id, ${person}, pseudonym, domain_code
     )
     select wave_id, ${person}, domain_code, expected_level,
            ${[0, 1, 2, 3, 4].map((l) => `(count(*) filter (where not incomplete and attained = ${l}))::int`).join(", ")},
            (count(*) filter (where incomplete))::int,
            (count(*) filter (where not incomplete and attained < expected_level))::int
     from placed group by wave_id, ${person}, domain_code, expected_level`;
}

const PERSON = "organisation_code, staff_group_code, archetype_code, band_code";

/**
 * The node-grain rollup rows from a CTE `required` (one row per required rating: the person-axis
 * columns, `respondent`, `capability_id`, `level`, `domain_code`, `met` 0/1), each row led by
 * `leading` (the target table's first columns). Per-respondent sums are built once at domain ×
 * level and rolled up from there. Shared by the rollups and the crosswalked rollups.
 */
export function nodeGrainSums(leading: string): string {
  // Sums per-respondent rows into one rollup row per person-axis cell × grain value.
  const finish = (grain: string, key: string, from: string, groupBy: string[]) =>
    `select ${leading}, ${PERSON}, ${grain}, ${key}, count(*)::int, sum(r)::int, sum(m)::int,
            sum(r * r)::bigint, sum((r - m) * (r - m))::bigint, sum(r * (r - m))::bigint
     from ${from} group by ${[PERSON, ...groupBy].join(", ")}`;
  return `domain_level as materialized (
       select ${PERSON}, respondent, domain_code, level, count(*) as r, sum(met) as m
       from required group by ${PERSON}, respondent, domain_code, level
     ), per_domain as (
       select ${PERSON}, domain_code, sum(r) as r, sum(m) as m from domain_level group by ${PERSON}, respondent, domain_code
     ), per_level as (
       select ${PERSON}, level, sum(r) as r, sum(m) as m from domain_level group by ${PERSON}, respondent, level
     ), per_all as (
       select ${PERSON}, sum(r) as r, sum(m) as m from domain_level group by ${PERSON}, respondent
     ), per_node as (
       select q.organisation_code, q.staff_group_code, q.archetype_code, q.band_code, cn.node_type, cn.node_code,
              count(*) as r, sum(q.met) as m
       from required q join capability_nodes cn on cn.capability_id = q.capability_id and cn.node_type <> 'domain'
       group by q.organisation_code, q.staff_group_code, q.archetype_code, q.band_code, q.respondent, cn.node_type, cn.node_code
     )
     ${finish("'domain_level'", "domain_code || ':' || level", "domain_level", ["domain_code", "level"])}
     union all ${finish("'domain'", "domain_code", "per_domain", ["domain_code"])}
     union all ${finish("'level'", "level::text", "per_level", ["level"])}
     union all ${finish("'all'", "''", "per_all", [])}
     union all ${finish("node_type", "node_code", "per_node", ["node_type", "node_code"])}`;
}

/**
 * Inserts rollups from `source`, a table with organisation_code, staff_group_code,
 * archetype_code, band_code, pseudonym, capability_id and rating (one row per respondent ×
 * capability). Per-respondent sums are built once at domain × level and rolled up from there.
 */
export async function insertRollups(tx: Sql, waveId: number, source: string): Promise<void> {
  const columns = `wave_id, ${PERSON}, grain, grain_key, respondents, required, met, sum_r2, sum_u2, sum_ru`;
  await tx.query(
    `insert into rollups (${columns})
     with required as materialized (
       -- A rating counts only where the capability is badged with the respondent's archetype.
       select s.organisation_code, s.staff_group_code, s.archetype_code, s.band_code, s.pseudonym as respondent,
              c.id as capability_id, c.code, c.level, c.domain_code, (s.rating >= f.met_threshold)::int as met
       from ${source} s
       join capabilities c on c.id = s.capability_id
       join frameworks f on f.id = c.framework_id
       where strpos(c.archetypes, s.archetype_code) > 0
     ), ${nodeGrainSums("$1::int")}`,
    [waveId],
  );
  await tx.query(`insert into attainment_rollups (${ATTAINMENT_ROLLUP_COLUMNS}) ${attainmentRollupSql(source, "$1::int")}`, [waveId]);
  // The capability grain: per cell, one array element per capability of the framework in
  // sort_order, 0 where nobody in the cell was required to rate it.
  await tx.query(
    `insert into capability_rollups (wave_id, ${PERSON}, required, met)
     with required as materialized (
       select s.organisation_code, s.staff_group_code, s.archetype_code, coalesce(s.band_code, '') as band_key,
              c.sort_order, (s.rating >= f.met_threshold)::int as met
       from ${source} s
       join capabilities c on c.id = s.capability_id
       join frameworks f on f.id = c.framework_id
       where strpos(c.archetypes, s.archetype_code) > 0
     ), per_capability as (
       select organisation_code, staff_group_code, archetype_code, band_key, sort_order, count(*)::int as r, sum(met)::int as m
       from required group by organisation_code, staff_group_code, archetype_code, band_key, sort_order
     ), cells as (
       select distinct organisation_code, staff_group_code, archetype_code, band_key from per_capability
     )
     select $1::int, x.organisation_code, x.staff_group_code, x.archetype_code, nullif(x.band_key, ''),
            array_agg(coalesce(p.r, 0) order by c.sort_order), array_agg(coalesce(p.m, 0) order by c.sort_order)
     from cells x
     cross join capabilities c
     left join per_capability p on p.organisation_code = x.organisation_code and p.staff_group_code = x.staff_group_code
       and p.archetype_code = x.archetype_code and p.band_key = x.band_key and p.sort_order = c.sort_order
     where c.framework_id = (select framework_id from waves where id = $1)
     group by x.organisation_code, x.staff_group_code, x.archetype_code, x.band_key`,
    [waveId],
  );
}
