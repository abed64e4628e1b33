// Crosswalked rollups (decision 018): a wave on either version of a crosswalk re-expressed in the
// later version's capabilities, over the crosswalk's 1:1 pairs only, at the node grains (the
// capability grain is the crosswalk_cells view over capability_rollups). They are computed from
// the ratings, not from the wave's rollups: over a subset of capabilities the per-respondent sums
// (Σr², Σu², Σru) of the pooled interval change and cannot be derived.
import type { Sql } from "../db/client";
import { nodeGrainSums } from "./rollups";

/**
 * Rebuilds a crosswalk's rollups of a wave, for `organisations` or (when not given) all of them.
 * A rating counts where both capabilities of its pair are badged with the respondent's archetype
 * (the requirement held in both versions) and is met at its own version's threshold; it is placed
 * at the later capability's domain, sub-domain, section, level and code.
 */
export async function buildCrosswalkRollups(tx: Sql, crosswalkId: number, waveId: number, organisations?: string[]): Promise<void> {
  const params: unknown[] = [crosswalkId, waveId];
  const only = organisations ? `and organisation_code = any($3::text[])` : "";
  if (organisations) params.push(organisations);
  await tx.query(`delete from crosswalk_rollups where crosswalk_id = $1 and wave_id = $2 ${only}`, params);
  await tx.query(
    `insert into crosswalk_rollups (crosswalk_id, wave_id, organisation_code, staff_group_code, archetype_code, band_code, grain, grain_key, respondents, required, met, sum_r2, sum_u2, sum_ru)
     with pairs as (
       -- The wave's own capability of each 1:1 pair, and the later capability it is read as.
       select case when w.framework_id = x.from_framework_id then p.from_capability_id else p.to_capability_id end as capability_id,
              p.to_capability_id as target_id, fc.archetypes as from_badges, tc.archetypes as to_badges
       from crosswalk_pairs p
       join crosswalks x on x.id = p.crosswalk_id
       join waves w on w.id = $2 and w.framework_id in (x.from_framework_id, x.to_framework_id)
       join capabilities fc on fc.id = p.from_capability_id
       join capabilities tc on tc.id = p.to_capability_id
       where p.crosswalk_id = $1 and p.comparable
     ), required as materialized (
       select r.organisation_code, r.staff_group_code, r.archetype_code, r.band_code, r.id as respondent,
              t.id as capability_id, t.level, t.domain_code, (rt.rating >= f.met_threshold)::int as met
       from respondents r
       join ratings rt on rt.respondent_id = r.id
       join pairs p on p.capability_id = rt.capability_id
       join capabilities t on t.id = p.target_id
       join waves w on w.id = r.wave_id
       join frameworks f on f.id = w.framework_id
       where r.wave_id = $2 ${organisations ? "and r.organisation_code = any($3::text[])" : ""}
         and strpos(p.from_badges, r.archetype_code) > 0 and strpos(p.to_badges, r.archetype_code) > 0
     ), ${nodeGrainSums("$1::int, $2::int")}`,
    params,
  );
}

/**
 * After a load or withdrawal has changed these organisations' data in a wave: rebuilds their rows
 * in every crosswalk that involves the wave's framework version (none: one small query).
 */
export async function refreshCrosswalkRollups(tx: Sql, waveId: number, organisations: string[]): Promise<void> {
  // Shared with other loads, exclusive with an import: an import running now is waited for, so
  // the crosswalks read next are the ones it committed.
  await tx.query("select pg_advisory_xact_lock_shared($1)", [CROSSWALK_LOCK_KEY]);
  const crosswalks = await tx.query<{ id: number }>(
    `select x.id from crosswalks x join waves w on w.framework_id in (x.from_framework_id, x.to_framework_id) where w.id = $1 order by x.id`,
    [waveId],
  );
  for (const x of crosswalks) await buildCrosswalkRollups(tx, x.id, waveId, organisations);
}

/** Held exclusively by a crosswalk import, shared by every refresh within a load or withdrawal. */
export const CROSSWALK_LOCK_KEY = 7_320_418;
