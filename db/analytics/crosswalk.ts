// Comparisons across framework versions (docs/metrics.md, "Across framework versions"; decision
// 018): two waves on different versions are compared only through a crosswalk from the earlier
// version to the later, over its 1:1 pairs, both waves read from the crosswalked rollups.
import type { Sql } from "../client";
import { QueryError } from "./dimensions";

/** What a comparison through a crosswalk covers, as meta.comparison.crosswalk reports it. */
export interface CrosswalkSummary {
  from_version: string;
  to_version: string;
  /** Capabilities compared: the 1:1 pairs. */
  capabilities_compared: number;
  /** Capabilities of either version left out of the comparison (the four counts below, summed). */
  capabilities_excluded: number;
  /** Of the earlier version: in a pair, but not 1:1 (split, merged); in no pair (retired). */
  earlier_not_one_to_one: number;
  earlier_unpaired: number;
  /** Of the later version: in a pair, but not 1:1; in no pair (new). */
  later_not_one_to_one: number;
  later_unpaired: number;
}

export interface CrosswalkRef {
  id: number;
  /** The later version's framework id: cells are in its capabilities, domains and levels. */
  toFrameworkId: number;
  /** Each later capability code of a 1:1 pair and its earlier code. */
  earlierCode: Map<string, string>;
  summary: CrosswalkSummary;
}

/** What a crosswalk covers, counted from its stored pairs. */
export async function crosswalkSummary(db: Sql, crosswalkId: number): Promise<CrosswalkSummary> {
  // Per capability of either version: in a comparable pair, only in others, or in none.
  const [row] = await db.query<CrosswalkSummary>(
    `with sides as (
       select 'earlier' as side, c.id, c.framework_id from capabilities c join crosswalks x on x.from_framework_id = c.framework_id where x.id = $1
       union all
       select 'later', c.id, c.framework_id from capabilities c join crosswalks x on x.to_framework_id = c.framework_id where x.id = $1
     ), placed as (
       select s.side,
              bool_or(p.comparable) as comparable,
              count(p.crosswalk_id) as pairs
       from sides s
       left join crosswalk_pairs p on p.crosswalk_id = $1
         and (case when s.side = 'earlier' then p.from_capability_id else p.to_capability_id end) = s.id
       group by s.side, s.id
     )
     select ff.version as from_version, tf.version as to_version,
            (select count(*) from crosswalk_pairs where crosswalk_id = $1 and comparable)::int as capabilities_compared,
            (select count(*) from placed where side = 'earlier' and pairs > 0 and not comparable)::int as earlier_not_one_to_one,
            (select count(*) from placed where side = 'earlier' and pairs = 0)::int as earlier_unpaired,
            (select count(*) from placed where side = 'later' and pairs > 0 and not comparable)::int as later_not_one_to_one,
            (select count(*) from placed where side = 'later' and pairs = 0)::int as later_unpaired
     from crosswalks x join frameworks ff on ff.id = x.from_framework_id join frameworks tf on tf.id = x.to_framework_id
     where x.id = $1`,
    [crosswalkId],
  );
  const excluded = row.earlier_not_one_to_one + row.earlier_unpaired + row.later_not_one_to_one + row.later_unpaired;
  return { ...row, capabilities_excluded: excluded };
}

/**
 * The crosswalk through which an earlier wave's version compares with a later wave's, or a
 * QueryError saying why there is none.
 */
export async function findCrosswalk(
  db: Sql,
  earlier: { label: string; frameworkId: number; frameworkVersion: string },
  later: { label: string; frameworkId: number; frameworkVersion: string },
): Promise<CrosswalkRef> {
  const found = await db.query<{ id: number; from_framework_id: number }>(
    `select id, from_framework_id from crosswalks
     where (from_framework_id, to_framework_id) in (($1, $2), ($2, $1))`,
    [earlier.frameworkId, later.frameworkId],
  );
  const forward = found.find((x) => x.from_framework_id === earlier.frameworkId);
  const importIt = `\`npm run crosswalk:import -- [pairs.csv] --from ${earlier.frameworkVersion} --to ${later.frameworkVersion}\``;
  if (!forward) {
    throw new QueryError(
      `${earlier.label} and ${later.label} use different framework versions (${earlier.frameworkVersion}, ${later.frameworkVersion}); ` +
        (found.length
          ? `the only crosswalk between them runs from ${later.frameworkVersion} to ${earlier.frameworkVersion}, and a comparison reads the earlier wave in the later wave's capabilities: import one with ${importIt}.`
          : `they can only be compared through a crosswalk between the versions: import one with ${importIt}.`),
    );
  }
  const pairs = await db.query<{ from_code: string; to_code: string }>(
    `select f.code as from_code, t.code as to_code from crosswalk_pairs p
     join capabilities f on f.id = p.from_capability_id join capabilities t on t.id = p.to_capability_id
     where p.crosswalk_id = $1 and p.comparable`,
    [forward.id],
  );
  return {
    id: forward.id,
    toFrameworkId: later.frameworkId,
    earlierCode: new Map(pairs.map((p) => [p.to_code, p.from_code])),
    summary: await crosswalkSummary(db, forward.id),
  };
}

/** What a comparison's label adds when it crosses framework versions. */
export function crosswalkNote(s: CrosswalkSummary): string {
  return (
    `; a break in the series: framework ${s.from_version} to ${s.to_version}, compared through the crosswalk ` +
    `over ${s.capabilities_compared} capabilities paired 1:1 (${s.capabilities_excluded} excluded)`
  );
}

/** Where a series across waves changes framework version: each wave that starts a new version. */
export function seriesBreaks(waves: { label: string; version: string }[]): { wave: string; from_version: string; to_version: string }[] {
  return waves.slice(1).flatMap((w, i) => (w.version === waves[i].version ? [] : [{ wave: w.label, from_version: waves[i].version, to_version: w.version }]));
}
