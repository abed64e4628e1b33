// The commissioning-priority list (docs/metrics.md, "Commissioning priorities"): for each
// capability × staff group, how many staff in the area are estimated to be below it, ranked by the
// lower 95% bound, so that training goes where the need is surely large, not where a small sample
// happened to look bad. Every share comes from a published cell: a stratum whose own cell is under k
// or hidden borrows its ICB's, region's or England's staff-group rate, and says so.
import type { Sql } from "../client";
import { ALL, cellKey, frameworkKey, geographyKey } from "./cube";
import { strataOf } from "./coverage";
import { planGaps, QueryError, type Filters } from "./dimensions";
import { hiddenCells } from "./disclosure";
import { gapMeta, type GapRow, type GapTable, queryCells, resolveWaves } from "./gaps";
import { estimateStaffBelow, rankByLowerBound, type Share, type StratumEstimate } from "./priority-estimates";
import { describeScope, NATIONAL, type Scope } from "./scope";
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

/** The priority list for `scope`, within an optional region, ICB or organisation, for one wave. */
export async function queryPriorities(db: Sql, scope: Scope, filters: Filters, k = suppressionThreshold()): Promise<GapTable> {
  const unknown = Object.keys(filters).filter((f) => !(PRIORITY_FILTERS as readonly string[]).includes(f));
  if (unknown.length) throw new QueryError(`A priority list is filtered by ${PRIORITY_FILTERS.join(", ")} only, not ${unknown.join(", ")}.`);
  const plan = planGaps(["staff_group", "capability"], filters);
  const status = await dataStatus(db);
  const key = JSON.stringify([describeScope(scope), plan.filters, k, status.version]);
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
  const { cells } = await queryCells(db, NATIONAL, { by: ["organisation", "staff_group", "capability"], filters: { wave: wave.label } });
  const hidden = (await hiddenCells(db, [wave.id], k)).get(wave.id)!;

  const placeOf = new Map(strata.map((s) => [s.organisation, { icb: s.icb, region: s.region }]));
  // Unmet and rating respondents per area × staff group × capability; all respondents per area × staff group.
  const unmet = new Map<string, number>();
  const rated = new Map<string, number>();
  const answered = new Map<string, number>();
  const names = new Map((await db.query<{ code: string; name: string }>("select code, name from staff_groups")).map((g) => [`s:${g.code}`, g.name]));
  const capabilities: { code: string; name: string }[] = [];
  const areasOf = (organisation: string) => {
    const place = placeOf.get(organisation);
    return [geographyKey("organisation", organisation), ...(place?.icb ? [geographyKey("icb", place.icb)] : []), ...(place?.region ? [geographyKey("region", place.region)] : []), geographyKey("england")];
  };
  for (const c of cells) {
    const code = String(c.capability);
    if (!names.has(`c:${code}`)) capabilities.push({ code, name: String(c.capability_name) });
    names.set(`c:${code}`, String(c.capability_name));
    for (const area of areasOf(String(c.organisation))) {
      const k3 = `${area}|${c.staff_group}|${code}`;
      unmet.set(k3, (unmet.get(k3) ?? 0) + c.required - c.met);
      rated.set(k3, (rated.get(k3) ?? 0) + c.respondents);
    }
  }
  for (const s of strata) for (const area of areasOf(s.organisation)) answered.set(`${area}|${s.staffGroup}`, (answered.get(`${area}|${s.staffGroup}`) ?? 0) + s.respondents);

  const published = (area: string, staffGroup: string, capability: string) =>
    !isSuppressed(rated.get(`${area}|${staffGroup}|${capability}`) ?? 0, k) &&
    !hidden.has(cellKey(area, [staffGroup, ALL, ALL], frameworkKey("capability", capability)));
  /** The stratum's own share when its cell is published, else the nearest published area's. */
  const shareFor = (organisation: string, staffGroup: string, capability: string): Share | null => {
    for (const [i, area] of areasOf(organisation).entries()) {
      if (!published(area, staffGroup, capability)) continue;
      return { source: area, below: unmet.get(`${area}|${staffGroup}|${capability}`) ?? 0, respondents: answered.get(`${area}|${staffGroup}`) ?? 0, borrowed: i > 0 };
    }
    return null;
  };

  const inArea = (s: { organisation: string; icb: string | null; region: string | null }) =>
    (scope.kind === "national" || (scope.kind === "organisation" ? s.organisation : scope.kind === "icb" ? s.icb : s.region) === scope.code) &&
    (plan.filters.region === undefined || s.region === plan.filters.region.toUpperCase()) &&
    (plan.filters.icb === undefined || s.icb === plan.filters.icb.toUpperCase()) &&
    (plan.filters.organisation === undefined || s.organisation === plan.filters.organisation.toUpperCase());
  const selected = strata.filter((s) => s.headcount > 0 && inArea(s));
  const staffGroups = [...new Set(selected.map((s) => s.staffGroup))].sort();
  const items = capabilities.flatMap((c) =>
    staffGroups.map((staffGroup) => {
      const estimates: StratumEstimate[] = selected
        .filter((s) => s.staffGroup === staffGroup)
        .map((s) => ({ headcount: s.headcount, share: shareFor(s.organisation, staffGroup, c.code) }));
      return { capability: c, staffGroup, estimate: estimateStaffBelow(estimates) };
    }),
  );
  const rows: GapRow[] = rankByLowerBound(items).map(({ capability, staffGroup, estimate, rank }) => ({
    rank,
    capability: capability.code,
    capability_name: capability.name,
    staff_group: staffGroup,
    staff_group_name: names.get(`s:${staffGroup}`) ?? staffGroup,
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
        ranking: "by the lower end of the 95% interval of staff below, then the estimate",
        borrowing:
          "a stratum (organisation × staff group) whose own cell is under k or hidden takes its ICB's, then region's, then England's staff-group rate (borrowed)",
      },
    },
    columns: [...PRIORITY_COLUMNS],
    rows,
  };
  if (cache.size > 100) cache.clear();
  cache.set(key, table);
  return table;
}
