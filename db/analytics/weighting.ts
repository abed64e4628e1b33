// Post-stratified weighting (docs/metrics.md, "Coverage and weighting"). Pure: a wave's post-strata
// (organisation × staff group, with headcount and respondents) in, each cell's weights and weighted
// gap rate out. Weights are worked out per cell, from the strata of the cell's own population, so an
// organisation's weighted rate reflects its own staff mix and nothing from elsewhere.
import { type GapSums, type Interval, wilsonInterval, Z95 } from "./metrics";

/** One post-stratum: an organisation's staff group in a wave, with its region at the wave's reference date. */
export interface Stratum {
  organisation: string;
  staffGroup: string;
  region: string | null;
  icb: string | null;
  /** Staff in post (all bands), from the headcount import; 0 when the headcount lists none. */
  headcount: number;
  /** Everyone in the wave's current submissions for this organisation and staff group. */
  respondents: number;
}

/** The wave's strata, indexed for the two collapse steps. */
export interface Population {
  strata: Stratum[];
  /** Per organisation: its respondents and the staff groups that have any. */
  organisations: Map<string, { respondents: number; staffGroups: string[] }>;
  /** Per region and staff group: its respondents and the organisations that have any. */
  regionStaffGroups: Map<string, { respondents: number; organisations: string[] }>;
}

export function population(strata: Stratum[]): Population {
  const organisations = new Map<string, { respondents: number; staffGroups: string[] }>();
  const regionStaffGroups = new Map<string, { respondents: number; organisations: string[] }>();
  for (const s of strata) {
    if (s.respondents === 0) continue;
    const o = organisations.get(s.organisation) ?? { respondents: 0, staffGroups: [] };
    o.respondents += s.respondents;
    o.staffGroups.push(s.staffGroup);
    organisations.set(s.organisation, o);
    if (s.region === null) continue;
    const key = `${s.region}|${s.staffGroup}`;
    const r = regionStaffGroups.get(key) ?? { respondents: 0, organisations: [] };
    r.respondents += s.respondents;
    r.organisations.push(s.organisation);
    regionStaffGroups.set(key, r);
  }
  return { strata, organisations, regionStaffGroups };
}

export const groupKey = (organisation: string, staffGroup: string) => `${organisation}|${staffGroup}`;

export interface CellWeights {
  /** The weight each respondent of an (organisation, staff group) group carries in the cell (groupKey). */
  weights: Map<string, number>;
  /** Staff in post in the cell's strata. */
  headcount: number;
  /** Staff in post in strata with respondents of their own. */
  covered: number;
  /** Staff in post in strata nobody in the organisation, or the region's staff group, answered for: outside the estimate. */
  uncovered: number;
  /** Respondents in the cell's strata that have a headcount: the response rate's numerator. */
  respondents: number;
}

/**
 * The weights of one cell, from the strata of its population. Each stratum h with headcount Nₕ and
 * nₕ respondents spreads Nₕ over respondents:
 * - its own: Nₕ/nₕ each;
 * - none of its own (an empty post-stratum): the organisation's all-staff cell, N/nₒ each to every
 *   respondent of the organisation;
 * - nobody in the organisation answered: the regional staff-group rate, N/n₍ᵣ,ₛ₎ each to every
 *   respondent of that staff group in the organisation's region;
 * - else it is uncovered.
 * Respondents in a staff group the headcount does not list carry no weight of their own.
 */
export function cellWeights(cellStrata: Stratum[], pop: Population): CellWeights {
  const weights = new Map<string, number>();
  const add = (organisation: string, staffGroup: string, w: number) => {
    const key = groupKey(organisation, staffGroup);
    weights.set(key, (weights.get(key) ?? 0) + w);
  };
  let headcount = 0;
  let covered = 0;
  let uncovered = 0;
  let respondents = 0;
  for (const h of cellStrata) {
    // Response rates compare like with like: respondents only of strata the headcount lists.
    if (h.headcount === 0) continue;
    headcount += h.headcount;
    respondents += h.respondents;
    if (h.respondents > 0) {
      add(h.organisation, h.staffGroup, h.headcount / h.respondents);
      covered += h.headcount;
      continue;
    }
    const organisation = pop.organisations.get(h.organisation);
    if (organisation) {
      for (const s of organisation.staffGroups) add(h.organisation, s, h.headcount / organisation.respondents);
      continue;
    }
    const region = h.region === null ? undefined : pop.regionStaffGroups.get(`${h.region}|${h.staffGroup}`);
    if (region) {
      for (const o of region.organisations) add(o, h.staffGroup, h.headcount / region.respondents);
      continue;
    }
    uncovered += h.headcount;
  }
  return { weights, headcount, covered, uncovered, respondents };
}

export interface WeightedGap {
  rate: number;
  interval: Interval;
  /** Kish's effective sample size (Σw)²/Σw² over the cell's weighted respondents. */
  effectiveSampleSize: number;
}

/**
 * The weighted gap rate of a cell: p̂w = Σwᵢuᵢ / Σwᵢrᵢ over respondents i (required rᵢ, unmet uᵢ
 * in the cell, weight wᵢ from cellWeights), from the per-group sums (`sumsOf`, keyed by groupKey;
 * weights are constant within a group). Interval:
 * - pooled, SE² = n/(n−1) · Σwᵢ²(uᵢ − p̂w·rᵢ)² / (Σwᵢrᵢ)², p̂w ± z·SE clipped to [0, 1];
 * - Wilson on p̂w with Kish's effective count of required ratings R·ESS/n, for a single-capability
 *   cell (every rᵢ = 1), and where SE = 0 or n < 2.
 * With equal weights both equal the unweighted interval. Null when no weighted respondent has a
 * required rating in the cell.
 */
export function weightedGap(weights: Map<string, number>, sumsOf: (key: string) => GapSums | undefined, z = Z95): WeightedGap | null {
  let n = 0;
  let sumW = 0;
  let sumW2 = 0;
  let wu = 0;
  let wr = 0;
  let required = 0;
  let sumR2 = 0;
  const used: [number, GapSums][] = [];
  for (const [key, w] of weights) {
    const s = sumsOf(key);
    if (!s || w <= 0 || s.respondents === 0) continue;
    used.push([w, s]);
    n += s.respondents;
    sumW += w * s.respondents;
    sumW2 += w * w * s.respondents;
    wu += w * (s.required - s.met);
    wr += w * s.required;
    required += s.required;
    sumR2 += s.sumR2;
  }
  if (wr <= 0) return null;
  const p = wu / wr;
  const effectiveSampleSize = (sumW * sumW) / sumW2;
  let deviation = 0;
  let scale = 0;
  for (const [w, s] of used) {
    deviation += w * w * (s.sumU2 - 2 * p * s.sumRu + p * p * s.sumR2);
    scale += w * w * s.sumR2;
  }
  // Below rounding noise of the sums, every respondent has the same share unmet: SE is 0.
  const se = n >= 2 && deviation > scale * 1e-12 ? Math.sqrt((n / (n - 1)) * deviation) / wr : 0;
  if (sumR2 === required || se === 0) {
    const effectiveRequired = (required * effectiveSampleSize) / n;
    return { rate: p, interval: wilsonInterval(p * effectiveRequired, effectiveRequired, z)!, effectiveSampleSize };
  }
  return { rate: p, interval: { low: Math.max(0, p - z * se), high: Math.min(1, p + z * se) }, effectiveSampleSize };
}

/** The response-rate threshold below which a cell is flagged low_response (LOW_RESPONSE_THRESHOLD, default 20%). */
export function lowResponseThreshold(env: Record<string, string | undefined> = process.env): number {
  const raw = env.LOW_RESPONSE_THRESHOLD?.trim();
  if (!raw) return 0.2;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value >= 1) {
    throw new Error(`LOW_RESPONSE_THRESHOLD=${raw} is not allowed: give a share between 0 and 1, e.g. 0.2 for 20%.`);
  }
  return value;
}
