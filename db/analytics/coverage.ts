// Coverage and weighted figures for a gaps table (docs/metrics.md, "Coverage and weighting"): each
// cell's headcount, response rate and post-stratified weighted gap rate, read from the wave's
// headcount import and the rollups. Weights come from every organisation's data (a stratum may
// borrow its region's staff-group rate), whoever is asking; a suppressed cell publishes none of it.
import type { Sql } from "../client";
import type { GapPlan } from "./dimensions";
import type { CellReader, GapRow, RawCell, WaveRef } from "./gaps";
import type { Scope } from "./scope";
import { cellSums } from "./metrics";
import { publishedCount, publishedRate } from "./suppression";
import { cellWeights, groupKey, lowResponseThreshold, population, type Population, type Stratum, weightedGap } from "./weighting";

/** Added after the other columns when weighted figures are asked for. */
export const COVERAGE_COLUMNS = [
  "headcount",
  "headcount_covered",
  "response_rate",
  "low_response",
  "weighted_gap_rate",
  "weighted_ci_low",
  "weighted_ci_high",
  "effective_sample_size",
] as const;

export interface Coverage {
  /** Waves of the table with a headcount import: the others have no coverage or weighted figures. */
  headcount_waves: string[];
  low_response_threshold: number;
  label: string;
}

/**
 * A wave's post-strata: headcount (summed over bands) beside its respondents, placed at the
 * reference date. Respondents come from the kept counts, not the respondents table, so the figures
 * stand after the retention purge.
 */
export async function strataOf(db: Sql, waveId: number): Promise<Stratum[]> {
  return db.query<Stratum>(
    `with n as (
       select organisation_code, staff_group_code, sum(respondents)::int as respondents
       from respondent_counts where wave_id = $1 group by 1, 2),
     h as (
       select organisation_code, staff_group_code, sum(headcount)::int as headcount
       from headcounts where wave_id = $1 group by 1, 2)
     select coalesce(h.organisation_code, n.organisation_code) as organisation,
            coalesce(h.staff_group_code, n.staff_group_code) as "staffGroup",
            m.region_code as region, m.icb_code as icb,
            coalesce(h.headcount, 0) as headcount, coalesce(n.respondents, 0) as respondents
     from h full join n on n.organisation_code = h.organisation_code and n.staff_group_code = h.staff_group_code
     join waves w on w.id = $1
     left join organisation_memberships m on m.organisation_code = coalesce(h.organisation_code, n.organisation_code)
       and w.reference_date between m.valid_from and coalesce(m.valid_to, 'infinity'::date)
     order by 1, 2`,
    [waveId],
  );
}

const NULLS = Object.fromEntries(COVERAGE_COLUMNS.map((c) => [c, null]));

/**
 * Adds COVERAGE_COLUMNS to the rows of a table (cells: the rows' exact sums, in the same order).
 * `national` reads cells over all organisations: the weights' sources.
 */
export async function addCoverageColumns(
  db: Sql,
  scope: Scope,
  plan: GapPlan,
  rows: GapRow[],
  cells: RawCell[],
  waves: WaveRef[],
  national: CellReader,
  england: boolean,
): Promise<Coverage> {
  const threshold = lowResponseThreshold();
  const withHeadcount = new Set(
    (await db.query<{ wave_id: number }>("select distinct wave_id from headcounts where wave_id = any($1::int[])", [waves.map((w) => w.id)])).map((r) => r.wave_id),
  );
  const series = plan.person.includes("wave");
  const waveOf = (r: RawCell) => (series ? waves.find((w) => w.label === String(r.wave)) : waves[0]);
  const populations = new Map<string, Population>();
  for (const w of waves) if (withHeadcount.has(w.id)) populations.set(w.label, population(await strataOf(db, w.id)));

  // The sources: each cell's sums per organisation × staff group, over all organisations.
  const staffDims = plan.person.filter((d) => d === "archetype" || d === "band");
  const sourceFilters = Object.fromEntries(
    Object.entries(plan.filters).filter(([d]) => !["region", "icb", "organisation", "staff_group", "wave"].includes(d)),
  );
  const sums = new Map<string, RawCell>();
  const restOf = (r: RawCell, wave: string) => [wave, r._grain_key ?? "", ...staffDims.map((d) => r[d] ?? "")].join("|");
  for (const w of waves) {
    if (!populations.has(w.label)) continue;
    const source = await national({ by: [...plan.framework, ...staffDims, "organisation", "staff_group"], filters: { ...sourceFilters, wave: w.label } });
    for (const c of source) sums.set(`${restOf(c, w.label)}|${groupKey(String(c.organisation), String(c.staff_group))}`, c);
  }

  // Whose staff a cell covers: its geography (grouped, filtered or the scope) and staff group.
  const geography = (r: RawCell) => {
    const pick = (d: "region" | "icb" | "organisation") =>
      plan.person.includes(d) ? String(r[d]) : plan.filters[d] !== undefined ? String(r[`_${d}`] ?? plan.filters[d]).toUpperCase() : scope.kind === d ? scope.code : null;
    return { region: pick("region"), icb: pick("icb"), organisation: pick("organisation") };
  };
  const staffGroupOf = (r: RawCell) =>
    plan.person.includes("staff_group") ? String(r.staff_group) : plan.filters.staff_group !== undefined ? String(r._staff_group ?? "") : null;
  // Headcount is by organisation × staff group: a cell split by archetype or band has none.
  const hasHeadcount = !["archetype", "band"].some((d) => plan.person.includes(d as never) || plan.filters[d as "band"] !== undefined);

  const weightsByPopulation = new Map<string, ReturnType<typeof cellWeights>>();
  rows.forEach((row, i) => {
    const r = cells[i];
    const wave = waveOf(r);
    const pop = wave && populations.get(wave.label);
    if (row.suppressed !== false || !pop || !wave) return Object.assign(row, NULLS);
    const g = geography(r);
    const staffGroup = staffGroupOf(r);
    const populationKey = JSON.stringify([wave.label, g, staffGroup]);
    let cw = weightsByPopulation.get(populationKey);
    if (!cw) {
      const inCell = pop.strata.filter(
        (s) =>
          (g.region === null || s.region === g.region) &&
          (g.icb === null || s.icb === g.icb) &&
          (g.organisation === null || s.organisation === g.organisation) &&
          (staffGroup === null || s.staffGroup.toUpperCase() === staffGroup.toUpperCase()),
      );
      cw = cellWeights(inCell, pop);
      weightsByPopulation.set(populationKey, cw);
    }
    const rest = restOf(r, wave.label);
    const weighted = weightedGap(cw.weights, (key) => {
      const cell = sums.get(`${rest}|${key}`);
      return cell && cellSums(cell);
    });
    const rate = (value: number | null | undefined) => (value == null ? null : england ? value : publishedRate(value));
    // From the rounded counts, at England too: with the public headcount an exact rate gives the count back.
    const responseRate = hasHeadcount && cw.headcount > 0 ? publishedRate(publishedCount(cw.respondents) / Math.max(5, publishedCount(cw.headcount))) : null;
    Object.assign(row, {
      headcount: hasHeadcount ? publishedCount(cw.headcount) : null,
      headcount_covered: hasHeadcount ? publishedCount(cw.covered) : null,
      response_rate: responseRate,
      low_response: responseRate === null ? null : responseRate < threshold,
      weighted_gap_rate: rate(weighted?.rate),
      weighted_ci_low: rate(weighted?.interval.low),
      weighted_ci_high: rate(weighted?.interval.high),
      effective_sample_size: weighted ? publishedCount(weighted.effectiveSampleSize) : null,
    });
  });
  const headcountWaves = waves.filter((w) => withHeadcount.has(w.id)).map((w) => w.label);
  return {
    headcount_waves: headcountWaves,
    low_response_threshold: threshold,
    label:
      headcountWaves.length === 0
        ? "no headcount is imported for this wave: coverage and weighted figures need `npm run headcount:import`"
        : `weighted by headcount ÷ respondents in each organisation × staff group; response rates below ${Math.round(threshold * 1000) / 10}% are flagged low_response`,
  };
}
