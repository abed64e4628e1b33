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
  bases = new WeakMap();
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

/** Per organisation × staff group × item, from every organisation's data, in the framework's order. */
async function itemCounts(db: Sql, grain: PriorityGrain, wave: { id: number; label: string }): Promise<ItemCounts[]> {
  // Names travel once per item, not on each of the (nationally hundreds of thousands of) rows.
  const names = new Map(
    (
      await db.query<{ code: string; name: string }>(
        grain === "capability"
          ? "select c.code, c.title as name from capabilities c join waves w on w.framework_id = c.framework_id where w.id = $1"
          : "select n.code, n.title as name from framework_nodes n join waves w on w.framework_id = n.framework_id where w.id = $1",
        [wave.id],
      )
    ).map((r) => [r.code, r.name]),
  );
  if (grain === "capability") return capabilityCounts(db, wave.id, names);
  const rows = await db.query<Omit<ItemCounts, "itemName">>(
    `select a.organisation_code as organisation, a.staff_group_code as "staffGroup", a.domain_code as item,
            sum(a.below_expected)::int as below,
            sum(a.attained_0 + a.attained_1 + a.attained_2 + a.attained_3 + a.attained_4)::int as published
     from attainment_rollups a join waves w on w.id = a.wave_id
     join framework_nodes n on n.framework_id = w.framework_id and n.code = a.domain_code
     where a.wave_id = $1 group by 1, 2, 3, n.sort_order order by n.sort_order`,
    [wave.id],
  );
  return rows.map((r) => ({ ...r, itemName: names.get(r.item) ?? r.item }));
}

/**
 * Per organisation × staff group × capability, summed from the capability arrays (position i is
 * the capability with sort_order i + 1). Every respondent rates a capability at most once, so its
 * respondents are its required ratings. Summed here rather than by unnesting in SQL: nationally
 * that is millions of rows through a hash aggregate that spills to disk, four times slower.
 */
async function capabilityCounts(db: Sql, waveId: number, names: Map<string, string>): Promise<ItemCounts[]> {
  const codes = await db.query<{ code: string }>(
    "select c.code from capabilities c join waves w on w.framework_id = c.framework_id where w.id = $1 order by c.sort_order",
    [waveId],
  );
  const rows = await db.query<{ organisation: string; staffGroup: string; required: number[]; met: number[] }>(
    `select organisation_code as organisation, staff_group_code as "staffGroup", required, met from capability_rollups where wave_id = $1`,
    [waveId],
  );
  const sums = new Map<string, { organisation: string; staffGroup: string; required: Float64Array; met: Float64Array }>();
  for (const r of rows) {
    const key = `${r.organisation}|${r.staffGroup}`;
    let sum = sums.get(key);
    if (!sum) sums.set(key, (sum = { organisation: r.organisation, staffGroup: r.staffGroup, required: new Float64Array(codes.length), met: new Float64Array(codes.length) }));
    for (let i = 0; i < Math.min(codes.length, r.required.length); i++) {
      sum.required[i] += r.required[i];
      sum.met[i] += r.met[i];
    }
  }
  // In the framework's order, as the list's items are.
  const out: ItemCounts[] = [];
  codes.forEach(({ code }, i) => {
    for (const sum of sums.values()) {
      if (sum.required[i] > 0) out.push({ organisation: sum.organisation, staffGroup: sum.staffGroup, item: code, itemName: names.get(code) ?? code, below: sum.required[i] - sum.met[i], published: sum.required[i] });
    }
  });
  return out;
}

/** Respondents of the wave by organisation × staff group × archetype (kept counts: they outlive the retention purge). */
function archetypeCounts(db: Sql, waveId: number) {
  return db.query<{ organisation: string; staffGroup: string; archetype: string; respondents: number }>(
    `select organisation_code as organisation, staff_group_code as "staffGroup", archetype_code as archetype, sum(respondents)::int as respondents
     from respondent_counts where wave_id = $1 group by 1, 2, 3`,
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

/**
 * What every area's list is estimated from, for one wave, grain and k at one data version: each
 * area's sums by staff group and item, who answered, and which cells are hidden. It is the same
 * whoever asks and for whichever area (shares are read from every organisation's cells, and
 * borrowing crosses the scope), so it is built once and shared: a second area's list costs only
 * its own strata.
 */
interface PriorityBasis {
  wave: { id: number; label: string };
  strata: Awaited<ReturnType<typeof strataOf>>;
  items: { code: string; name: string }[];
  names: Map<string, string>;
  /** The stratum's own share when its cell is published, else the nearest published area's. */
  shareFor(organisation: string, staffGroup: string, item: number): Share | null;
}

/** Bases by database handle, then grain, wave, k and data version; a few at most. */
let bases = new WeakMap<Sql, Map<string, Promise<PriorityBasis>>>();

/** Numbers for strings, in the order first seen. */
class Index {
  readonly codes: string[] = [];
  private ids = new Map<string, number>();
  of(code: string): number {
    let id = this.ids.get(code);
    if (id === undefined) this.ids.set(code, (id = this.codes.push(code) - 1));
    return id;
  }
  get(code: string): number | undefined {
    return this.ids.get(code);
  }
}

async function buildBasis(db: Sql, grain: PriorityGrain, wave: { id: number; label: string }, k: number): Promise<PriorityBasis> {
  const strata = await strataOf(db, wave.id);
  if (!strata.some((s) => s.headcount > 0)) {
    throw new QueryError(`Wave ${wave.label} has no headcount: import it first (npm run headcount:import -- <file.csv> --wave ${wave.label}).`);
  }
  const counts = await itemCounts(db, grain, wave);
  const hidden = (await hiddenCells(db, [wave.id], k)).get(wave.id)!;

  // Areas (organisation, ICB, region, England), staff groups and items as numbers: the sums are
  // flat arrays, not maps of joined strings (hundreds of thousands of cells nationally).
  const areas = new Index();
  const staffGroups = new Index();
  const itemIndex = new Index();
  const items: { code: string; name: string }[] = [];
  const placeOf = new Map(strata.map((s) => [s.organisation, { icb: s.icb, region: s.region }]));
  const areasOfMemo = new Map<string, number[]>();
  const areasOf = (organisation: string) => {
    let found = areasOfMemo.get(organisation);
    if (!found) {
      const place = placeOf.get(organisation);
      const keys = [geographyKey("organisation", organisation), ...(place?.icb ? [geographyKey("icb", place.icb)] : []), ...(place?.region ? [geographyKey("region", place.region)] : []), geographyKey("england")];
      areasOfMemo.set(organisation, (found = keys.map((a) => areas.of(a))));
    }
    return found;
  };
  for (const c of counts) {
    areasOf(c.organisation);
    staffGroups.of(c.staffGroup);
    if (itemIndex.get(c.item) === undefined) items.push({ code: c.item, name: c.itemName });
    itemIndex.of(c.item);
  }
  for (const s of strata) areasOf(s.organisation), staffGroups.of(s.staffGroup);
  const G = staffGroups.codes.length;
  const I = items.length;
  const cell = (area: number, staffGroup: number, item: number) => (area * G + staffGroup) * I + item;
  const below = new Float64Array(areas.codes.length * G * I);
  const assessed = new Float64Array(areas.codes.length * G * I);
  for (const c of counts) {
    const g = staffGroups.of(c.staffGroup);
    const i = itemIndex.of(c.item);
    for (const area of areasOf(c.organisation)) {
      below[cell(area, g, i)] += c.below;
      assessed[cell(area, g, i)] += c.published;
    }
  }
  // Everyone who answered, per area × staff group, and per area × staff group × archetype.
  const answered = new Map<string, number>();
  const add = (key: string, n: number) => answered.set(key, (answered.get(key) ?? 0) + n);
  for (const r of await archetypeCounts(db, wave.id)) {
    for (const area of areasOf(r.organisation)) {
      add(`${area}|${r.staffGroup}`, r.respondents);
      add(`${area}|${r.staffGroup}|${r.archetype}`, r.respondents);
    }
  }
  const applies = await archetypesOf(db, grain, wave.id);
  /** The share of an area's staff group whose archetype the item applies to (it is required of them). */
  const scaleOf = (area: number, staffGroup: string, item: string) => {
    const all = answered.get(`${area}|${staffGroup}`) ?? 0;
    const required = [...(applies.get(item) ?? [])].reduce((n, a) => n + (answered.get(`${area}|${staffGroup}|${a}`) ?? 0), 0);
    return all > 0 ? required / all : 0;
  };
  const england = areas.of(geographyKey("england"));
  const names = new Map((await db.query<{ code: string; name: string }>("select code, name from staff_groups")).map((g) => [g.code, g.name]));

  return {
    wave,
    strata,
    items,
    names,
    shareFor(organisation, staffGroup, item) {
      const g = staffGroups.get(staffGroup);
      if (g === undefined) return null;
      const code = items[item].code;
      for (const [i, area] of areasOf(organisation).entries()) {
        const at = cell(area, g, item);
        if (isSuppressed(assessed[at], k) || hidden.has(cellKey(areas.codes[area], [staffGroup, ALL, ALL], frameworkKey(grain, code)))) continue;
        const counts = { below: below[at], respondents: assessed[at], scale: scaleOf(area, staffGroup, code) };
        return publishedShare(areas.codes[area], counts, i > 0, area === england);
      }
      return null;
    },
  };
}

/** The basis for `grain`, `wave` and `k` at data `version`: built on first use and shared after. */
function priorityBasis(db: Sql, grain: PriorityGrain, wave: { id: number; label: string }, k: number, version: string): Promise<PriorityBasis> {
  const cache = bases.get(db) ?? bases.set(db, new Map()).get(db)!;
  const key = JSON.stringify([grain, wave.id, k, version]);
  let basis = cache.get(key);
  if (!basis) {
    if (cache.size >= 8) cache.clear();
    basis = buildBasis(db, grain, wave, k);
    cache.set(key, basis);
    // A failure (no headcount yet) is not kept: asked again, it is tried again.
    basis.catch(() => cache.get(key) === basis && cache.delete(key));
  }
  return basis;
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
  const { strata, items, names, shareFor } = await priorityBasis(db, grain, wave, k, status.version);

  const inArea = (s: { organisation: string; icb: string | null; region: string | null }) =>
    (scope.kind === "national" || (scope.kind === "organisation" ? s.organisation : scope.kind === "icb" ? s.icb : s.region) === scope.code) &&
    (plan.filters.region === undefined || s.region === plan.filters.region.toUpperCase()) &&
    (plan.filters.icb === undefined || s.icb === plan.filters.icb.toUpperCase()) &&
    (plan.filters.organisation === undefined || s.organisation === plan.filters.organisation.toUpperCase());
  const selected = strata.filter((s) => s.headcount > 0 && inArea(s));
  const byStaffGroup = new Map<string, typeof selected>();
  for (const s of selected) byStaffGroup.set(s.staffGroup, [...(byStaffGroup.get(s.staffGroup) ?? []), s]);
  const staffGroups = [...byStaffGroup.keys()].sort();
  const ranked = rankByLowerBound(
    items.flatMap((item, i) =>
      staffGroups.map((staffGroup) => {
        const estimates: StratumEstimate[] = byStaffGroup.get(staffGroup)!.map((s) => ({ headcount: s.headcount, share: shareFor(s.organisation, staffGroup, i) }));
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
