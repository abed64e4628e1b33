// Attained levels in the gaps table (docs/metrics.md, "Attained level"; decision 019): per
// published cell at the domain grain, respondents by attained level, the incomplete, and the share
// below the archetype's expected level with its interval. Summed from attainment_rollups across the
// person axis exactly as the gap measures are summed from rollups, and published under the same
// disclosure control: a cell suppressed or hidden by the complementary pattern withholds every
// attained-level field with the rest.
import type { Sql } from "../client";
import { type GapPlan, type PersonDimension, QueryError } from "./dimensions";
import { normalise } from "./gap-sql";
import type { GapRow, RawCell } from "./gaps";
import { wilsonInterval } from "./metrics";
import type { Scope } from "./scope";
import { isSuppressed, publishedCount, publishedRate } from "./suppression";

/** The attained levels: 0 (not even the lowest applicable level met) to 4. */
export const ATTAINED_LEVELS = [0, 1, 2, 3, 4] as const;

/** Columns added to a gap table asked for attained levels (`attainment`), after every other column. */
export const ATTAINMENT_COLUMNS = [
  "placed",
  "incomplete",
  ...ATTAINED_LEVELS.map((l) => `attained_${l}`),
  ...ATTAINED_LEVELS.map((l) => `attained_${l}_share`),
  "expected_level",
  "below_expected",
  "below_expected_share",
  "below_expected_ci_low",
  "below_expected_ci_high",
] as const;

/** A cell's exact attained-level sums (never published as such). */
export interface AttainmentSums {
  /** Respondents at attained level 0..4: those placed. */
  attained: number[];
  incomplete: number;
  belowExpected: number;
  /** The lowest and highest expected level of the cell's rows: one archetype, or several with the same one, when equal. */
  expectedMin: number | null;
  expectedMax: number | null;
}

/** Attained levels are per respondent and domain: a table must be at the domain grain. */
export function checkAttainmentPlan(plan: GapPlan): void {
  if (plan.rollupGrain !== "domain") {
    throw new QueryError(
      "Attained levels are per domain: group by domain (or filter to one domain), with no other framework grouping or filter. " +
        "A level attained in one domain says nothing about another, so they are not added up across domains.",
    );
  }
}

const PERSON_CODE: Record<Exclude<PersonDimension, "wave">, string> = {
  region: "m.region_code",
  icb: "m.icb_code",
  organisation: "a.organisation_code",
  staff_group: "a.staff_group_code",
  archetype: "a.archetype_code",
  band: "a.band_code",
};

/**
 * The SQL of a plan's attained-level cells: attainment_rollups summed across the person axis per
 * (wave, grouped person dimensions, domain), within the scope and filters, as gapSql sums rollups.
 * Pure: a plan in, text and params out.
 */
export function attainmentSql(plan: GapPlan, scope: Scope, waveIds: number[]): { text: string; params: unknown[] } {
  const params: unknown[] = [waveIds];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const person = plan.person.filter((d): d is Exclude<PersonDimension, "wave"> => d !== "wave");
  const where = ["a.wave_id = any($1::int[])"];
  if (scope.kind === "region") where.push(`m.region_code = ${param(scope.code)}`);
  if (scope.kind === "icb") where.push(`m.icb_code = ${param(scope.code)}`);
  if (scope.kind === "organisation") where.push(`a.organisation_code = ${param(scope.code)}`);
  const filters = Object.entries(plan.filters).filter(([d]) => d !== "wave");
  for (const [dim, value] of filters) {
    const p = param(normalise(dim as PersonDimension, value!));
    if (dim === "staff_group") where.push(`upper(a.staff_group_code) = upper(${p})`);
    else if (dim in PERSON_CODE) where.push(`${PERSON_CODE[dim as keyof typeof PERSON_CODE]} = ${p}`);
    else if (dim === "domain") where.push(`a.domain_code = ${p}`);
    else throw new QueryError(`Attained levels cannot be filtered by ${dim}.`); // checkAttainmentPlan refuses these first
  }
  const needsMembership =
    scope.kind === "region" || scope.kind === "icb" || [...person, ...filters.map(([d]) => d)].some((d) => d === "region" || d === "icb");
  const keys = ["w.label as wave", ...person.map((d) => `${PERSON_CODE[d]} as ${d}`), "a.domain_code as domain"];
  const text = `
    select ${keys.join(", ")},
           ${ATTAINED_LEVELS.map((l) => `sum(a.attained_${l})::int as attained_${l}`).join(", ")},
           sum(a.incomplete)::int as incomplete, sum(a.below_expected)::int as below_expected,
           min(a.expected_level)::int as expected_min, max(a.expected_level)::int as expected_max
    from attainment_rollups a
    join waves w on w.id = a.wave_id
    ${needsMembership ? `join organisation_memberships m on m.organisation_code = a.organisation_code
       and w.reference_date between m.valid_from and coalesce(m.valid_to, 'infinity'::date)` : ""}
    where ${where.join(" and ")}
    group by ${keys.map((_, i) => i + 1).join(", ")}`;
  return { text, params };
}

/** A cell's key for matching: the wave when grouped by it, the grouped person dimensions, the domain. */
function keyOf(plan: GapPlan, r: Record<string, unknown>, domain: unknown): string {
  return JSON.stringify([...plan.person.map((d) => (r[d] == null ? null : String(r[d]))), String(domain)]);
}

/**
 * The exact attained-level sums of each gap cell (`cells`, from queryCells with the same plan,
 * scope and waves), in the same order; a cell nobody was placed or incomplete in gets zeros.
 */
export async function attainmentCells(
  db: Sql,
  scope: Scope,
  plan: GapPlan,
  waveIds: number[],
  cells: RawCell[],
): Promise<AttainmentSums[]> {
  checkAttainmentPlan(plan);
  const { text, params } = attainmentSql(plan, scope, waveIds);
  const rows = waveIds.length ? await db.query<Record<string, number | string | null>>(text, params) : [];
  const byKey = new Map(rows.map((r) => [keyOf(plan, r, r.domain), r]));
  return cells.map((cell) => {
    // At the domain grain a cell's grain key is its domain, grouped or filtered.
    const r = byKey.get(keyOf(plan, cell, cell._grain_key ?? plan.filters.domain));
    return {
      attained: ATTAINED_LEVELS.map((l) => Number(r?.[`attained_${l}`] ?? 0)),
      incomplete: Number(r?.incomplete ?? 0),
      belowExpected: Number(r?.below_expected ?? 0),
      expectedMin: r?.expected_min == null ? null : Number(r.expected_min),
      expectedMax: r?.expected_max == null ? null : Number(r.expected_max),
    };
  });
}

/**
 * A published row's attained-level fields (ATTAINMENT_COLUMNS). A suppressed row (under k, or
 * hidden by the complementary pattern) withholds all of them. Shares are over the placed
 * respondents, so with fewer than k placed the distribution, the share below expected and its
 * interval are withheld too (a share over a handful of people is their individual levels); the
 * placed and incomplete counts are still published, rounded. Counts to the nearest 5; below England
 * level, shares and interval to 0.1 percentage points, from the exact counts.
 */
export function publishAttainment(row: GapRow, s: AttainmentSums, k: number, england: boolean): GapRow {
  const out: GapRow = Object.fromEntries(ATTAINMENT_COLUMNS.map((c) => [c, null]));
  if (row.suppressed !== false) return out;
  const placed = s.attained.reduce((a, b) => a + b, 0);
  out.placed = publishedCount(placed);
  out.incomplete = publishedCount(s.incomplete);
  out.expected_level = s.expectedMin !== null && s.expectedMin === s.expectedMax ? s.expectedMin : null;
  if (isSuppressed(placed, k)) return out;
  const rate = (value: number) => (england ? value : publishedRate(value));
  ATTAINED_LEVELS.forEach((l) => {
    out[`attained_${l}`] = publishedCount(s.attained[l]);
    out[`attained_${l}_share`] = rate(s.attained[l] / placed);
  });
  // Respondents are independent of each other, and each is below expected or not: Wilson.
  const ci = wilsonInterval(s.belowExpected, placed)!;
  out.below_expected = publishedCount(s.belowExpected);
  out.below_expected_share = rate(s.belowExpected / placed);
  out.below_expected_ci_low = rate(ci.low);
  out.below_expected_ci_high = rate(ci.high);
  return out;
}

/** Adds the attained-level columns to a gap table's rows (row i published from cell i). */
export async function addAttainmentColumns(
  db: Sql,
  scope: Scope,
  plan: GapPlan,
  waveIds: number[],
  rows: GapRow[],
  cells: RawCell[],
  k: number,
  england: boolean,
): Promise<void> {
  const sums = await attainmentCells(db, scope, plan, waveIds, cells);
  rows.forEach((row, i) => Object.assign(row, publishAttainment(row, sums[i], k, england)));
}
