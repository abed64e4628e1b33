// The commissioning-priority list (docs/metrics.md, "Commissioning priorities"): for each
// capability (or domain) × staff group, how many staff in the area are estimated to be below it
// (below their expected level, for a domain), ranked by the
// lower 95% bound, so that training goes where the need is surely large, not where a small sample
// happened to look bad. Every share comes from a published cell: a stratum whose own cell is under k
// or hidden borrows its ICB's, region's or England's staff-group rate, and says so.
import type { Sql } from "../client";
import { ALL, cellKey, frameworkKey, geographyKey } from "./cube";
import { strataOf } from "./coverage";
import { planGaps, QueryError, type Filters } from "./dimensions";
import { hiddenCells } from "./disclosure";
import { checkFilterValues, gapMeta, type GapRow, type GapTable, resolveWaves } from "./gaps";
import { estimateStaffBelow, publishedShare, rankByLowerBound, type Share, type StratumEstimate } from "./priority-estimates";
import { describeScope, type Scope } from "./scope";
import { dataStatus } from "./status";
import { isSuppressed, publishedCount, suppressionThreshold } from "./suppression";

export const PRIORITY_COLUMNS = [
  "rank",
  "capability",
  "capability_name",
  "staff_group",
  "staff_group_name",
  "headcount",
  "staff_below",
  "staff_below_low",
  "staff_below_high",
  "organisations",
  "organisations_borrowed",
  "borrowed",
  "suppressed",
] as const;

/** Filters a priority list takes: the wave and one area. */
export const PRIORITY_FILTERS = ["wave", "region", "icb", "organisation"] as const;

/** Lists by database handle, then scope, filters, k and data version (tests open many databases in one process). */
let caches = new WeakMap<Sql, Map<string, GapTable>>();

/** Empties the list cache (benchmarks measure the computation itself). */
export function clearPriorityCache(): void {
  caches = new WeakMap();
}

/** What a priority list ranks: capability statements, or domains (staff below their expected level). */
export type PriorityGrain = "capability" | "domain";

/** One organisation × staff group × capability (or domain): who is below, and what the cell publishes on. */
interface ItemCounts {
  organisation: string;
  staffGroup: string;
  item: string;
  itemName: string;
  /** Respondents below: not meeting the capability, or below their expected level in the domain. */
  below: number;
  /** Respondents assessed on it (rating the capability; placed in the domain): the share's denominator, and what the cell is published on. */
  published: number;
}

/** Per organisation × staff group × item, from every organisation's data. */
async function itemCounts(db: Sql, grain: PriorityGrain, wave: { id: number; label: string }): Promise<ItemCounts[]> {
  if (grain === "capability") {
    // Straight from the capability arrays, summed per organisation × staff group × position: every
    // respondent rates a capability at most once, so its respondents are its required ratings.
    return db.query<ItemCounts>(
      `with x as (
         select cr.organisation_code, cr.staff_group_code, u.position, sum(u.required)::int as published, sum(u.required - u.met)::int as below
         from capability_rollups cr cross join lateral unnest(cr.required, cr.met) with ordinality as u(required, met, position)
         where cr.wave_id = $1 and u.required > 0
         group by 1, 2, 3)
       select x.organisation_code as organisation, x.staff_group_code as "staffGroup", c.code as item, c.title as "itemName", x.below, x.published
       from x join waves w on w.id = $1 join capabilities c on c.framework_id = w.framework_id and c.sort_order = x.position
       order by c.sort_order`,
      [wave.id],
    );
  }
  return db.query<ItemCounts>(
    `select a.organisation_code as organisation, a.staff_group_code as "staffGroup", a.domain_code as item, n.title as "itemName",
            sum(a.below_expected)::int as below,
            sum(a.attained_0 + a.attained_1 + a.attained_2 + a.attained_3 + a.attained_4)::int as published
     from attainment_rollups a join waves w on w.id = a.wave_id
     join framework_nodes n on n.framework_id = w.framework_id and n.code = a.domain_code
     where a.wave_id = $1 group by 1, 2, 3, 4, n.sort_order order by n.sort_order`,
    [wave.id],
  );
}

/** Respondents of the wave by organisation × staff group × archetype. */
function archetypeCounts(db: Sql, waveId: number) {
  return db.query<{ organisation: string; staffGroup: string; archetype: string; respondents: number }>(
    `select organisation_code as organisation, staff_group_code as "staffGroup", archetype_code as archetype, count(*)::int as respondents
     from respondents where wave_id = $1 group by 1, 2, 3`,
    [waveId],
  );
}

/** The archetypes each capability (or domain: any of its capabilities) is badged with in the wave's framework. */
async function archetypesOf(db: Sql, grain: PriorityGrain, waveId: number): Promise<Map<string, Set<string>>> {
  const rows = await db.query<{ item: string; archetypes: string }>(
    `select ${grain === "capability" ? "c.code" : "c.domain_code"} as item, c.archetypes
     from capabilities c join waves w on w.framework_id = c.framework_id where w.id = $1`,
    [waveId],
  );
  const out = new Map<string, Set<string>>();
  for (const r of rows) {
    const set = out.get(r.item) ?? out.set(r.item, new Set()).get(r.item)!;
    for (const a of r.archetypes) set.add(a);
  }
  return out;
}

/** The priority list for `scope`, within an optional region, ICB or organisation, for one wave. */
export async function queryPriorities(
  db: Sql,
  scope: Scope,
  filters: Filters,
  k = suppressionThreshold(),
  grain: PriorityGrain = "capability",
): Promise<GapTable> {
  const unknown = Object.keys(filters).filter((f) => !(PRIORITY_FILTERS as readonly string[]).includes(f));
  if (unknown.length) throw new QueryError(`A priority list is filtered by ${PRIORITY_FILTERS.join(", ")} only, not ${unknown.join(", ")}.`);
  if (grain !== "capability" && grain !== "domain") throw new QueryError(`grain=${grain}: a priority list is by capability or by domain.`);
  const plan = planGaps(["staff_group", grain], filters);
  await checkFilterValues(db, plan.filters);
  const status = await dataStatus(db);
  const key = JSON.stringify([describeScope(scope), grain, plan.filters, k, status.version]);
  const cache = caches.get(db) ?? caches.set(db, new Map()).get(db)!;
  const hit = cache.get(key);
  if (hit) return { ...hit, meta: { ...hit.meta, generated_at: new Date().toISOString() } };
  const [wave] = await resolveWaves(db, plan);
  if (!wave) throw new QueryError("There is no wave to rank: no waves are loaded yet.");
  const strata = await strataOf(db, wave.id);
  if (!strata.some((s) => s.headcount > 0)) {
    throw new QueryError(`Wave ${wave.label} has no headcount: import it first (npm run headcount:import -- <file.csv> --wave ${wave.label}).`);
  }
  // Shares are read from every organisation's cells, whoever is asking (borrowing crosses the scope).
  const counts = await itemCounts(db, grain, wave);
  const hidden = (await hiddenCells(db, [wave.id], k)).get(wave.id)!;

  const placeOf = new Map(strata.map((s) => [s.organisation, { icb: s.icb, region: s.region }]));
  const areasOf = (organisation: string) => {
    const place = placeOf.get(organisation);
    return [geographyKey("organisation", organisation), ...(place?.icb ? [geographyKey("icb", place.icb)] : []), ...(place?.region ? [geographyKey("region", place.region)] : []), geographyKey("england")];
  };
  // Per area × staff group × item: below and assessed; per area × staff group (× archetype): everyone who answered.
  const sums = new Map<string, { below: number; published: number }>();
  const answered = new Map<string, number>();
  const items: { code: string; name: string }[] = [];
  const seen = new Set<string>();
  for (const c of counts) {
    if (!seen.has(c.item)) items.push({ code: c.item, name: c.itemName });
    seen.add(c.item);
    for (const area of areasOf(c.organisation)) {
      const k3 = `${area}|${c.staffGroup}|${c.item}`;
      const sum = sums.get(k3) ?? sums.set(k3, { below: 0, published: 0 }).get(k3)!;
      sum.below += c.below;
      sum.published += c.published;
    }
  }
  const add = (key: string, n: number) => answered.set(key, (answered.get(key) ?? 0) + n);
  for (const r of await archetypeCounts(db, wave.id)) {
    for (const area of areasOf(r.organisation)) {
      add(`${area}|${r.staffGroup}`, r.respondents);
      add(`${area}|${r.staffGroup}|${r.archetype}`, r.respondents);
    }
  }
  const applies = await archetypesOf(db, grain, wave.id);
  /** The share of an area's staff group whose archetype the item applies to (it is required of them). */
  const scaleOf = (area: string, staffGroup: string, item: string) => {
    const all = answered.get(`${area}|${staffGroup}`) ?? 0;
    const required = [...(applies.get(item) ?? [])].reduce((n, a) => n + (answered.get(`${area}|${staffGroup}|${a}`) ?? 0), 0);
    return all > 0 ? required / all : 0;
  };

  const published = (area: string, staffGroup: string, item: string) =>
    !isSuppressed(sums.get(`${area}|${staffGroup}|${item}`)?.published ?? 0, k) &&
    !hidden.has(cellKey(area, [staffGroup, ALL, ALL], frameworkKey(grain, item)));
  /** The stratum's own share when its cell is published, else the nearest published area's. */
  const shareFor = (organisation: string, staffGroup: string, item: string): Share | null => {
    for (const [i, area] of areasOf(organisation).entries()) {
      if (!published(area, staffGroup, item)) continue;
      const sum = sums.get(`${area}|${staffGroup}|${item}`)!;
      const counts = { below: sum.below, respondents: sum.published, scale: scaleOf(area, staffGroup, item) };
      return publishedShare(area, counts, i > 0, area === geographyKey("england"));
    }
    return null;
  };

  const inArea = (s: { organisation: string; icb: string | null; region: string | null }) =>
    (scope.kind === "national" || (scope.kind === "organisation" ? s.organisation : scope.kind === "icb" ? s.icb : s.region) === scope.code) &&
    (plan.filters.region === undefined || s.region === plan.filters.region.toUpperCase()) &&
    (plan.filters.icb === undefined || s.icb === plan.filters.icb.toUpperCase()) &&
    (plan.filters.organisation === undefined || s.organisation === plan.filters.organisation.toUpperCase());
  const selected = strata.filter((s) => s.headcount > 0 && inArea(s));
  const byStaffGroup = new Map<string, typeof selected>();
  for (const s of selected) byStaffGroup.set(s.staffGroup, [...(byStaffGroup.get(s.staffGroup) ?? []), s]);
  const staffGroups = [...byStaffGroup.keys()].sort();
  const names = new Map((await db.query<{ code: string; name: string }>("select code, name from staff_groups")).map((g) => [g.code, g.name]));
  const ranked = rankByLowerBound(
    items.flatMap((item) =>
      staffGroups.map((staffGroup) => {
        const estimates: StratumEstimate[] = byStaffGroup
          .get(staffGroup)!
          .map((s) => ({ headcount: s.headcount, share: shareFor(s.organisation, staffGroup, item.code) }));
        return { item, staffGroup, estimate: estimateStaffBelow(estimates) };
      }),
    ),
  );
  const rows: GapRow[] = ranked.map(({ item, staffGroup, estimate, rank }) => ({
    rank,
    [grain]: item.code,
    [`${grain}_name`]: item.name,
    staff_group: staffGroup,
    staff_group_name: names.get(staffGroup) ?? staffGroup,
    headcount: estimate ? publishedCount(estimate.headcount) : null,
    staff_below: estimate ? publishedCount(estimate.staffBelow) : null,
    staff_below_low: estimate ? publishedCount(estimate.low) : null,
    staff_below_high: estimate ? publishedCount(estimate.high) : null,
    organisations: estimate?.organisations ?? null,
    organisations_borrowed: estimate?.borrowedOrganisations ?? null,
    borrowed: estimate ? estimate.borrowedOrganisations > 0 : null,
    suppressed: estimate === null,
  }));
  const table: GapTable = {
    meta: {
      ...gapMeta(scope, plan, [wave], k, status),
      priorities: {
        grain,
        below: grain === "capability" ? "not meeting the capability" : "below their expected level in the domain (attained level)",
        ranking: "by the lower end of the 95% interval of staff below, then the estimate",
        borrowing:
          "a stratum (organisation × staff group) whose own cell is under k or hidden takes its ICB's, then region's, then England's staff-group rate (borrowed)",
      },
    },
    columns: PRIORITY_COLUMNS.map((c) => c.replace("capability", grain)),
    rows,
  };
  if (cache.size > 100) cache.clear();
  cache.set(key, table);
  return table;
}
