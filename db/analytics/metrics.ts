// Gap metrics (docs/metrics.md). Pure functions of counts.

/** The normal quantile of every 95% interval the product publishes. */
export const Z95 = 1.959964;

/** Share of required ratings not met: (required − met) ÷ required; null when nothing is required. */
export function gapRate(required: number, met: number): number | null {
  return required > 0 ? (required - met) / required : null;
}

export interface Interval {
  low: number;
  high: number;
}

/** Wilson score interval for `x` of `n` (95% by default); null when n = 0. */
export function wilsonInterval(x: number, n: number, z = Z95): Interval | null {
  if (n <= 0) return null;
  const p = x / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * What a cell's interval needs, all summed across the person axis from the rollups: respondents
 * n, required R and met ratings, and per-respondent sums Σrᵢ², Σuᵢ², Σrᵢuᵢ (rᵢ required, uᵢ
 * unmet ratings of respondent i in the cell; every counted respondent has rᵢ ≥ 1).
 */
export interface GapSums {
  respondents: number;
  required: number;
  met: number;
  sumR2: number;
  sumU2: number;
  sumRu: number;
}

/**
 * The 95% interval of a cell's gap rate (docs/metrics.md, "Uncertainty"); null when nothing is
 * required.
 * - Single-capability cell (every respondent has one required rating, so Σrᵢ² = R): Wilson on
 *   (unmet, required).
 * - Otherwise pooled: p̂ = U/R, SE² = n/(n−1) · Σ(uᵢ − p̂rᵢ)² / R², p̂ ± z·SE clipped to [0, 1].
 *   When SE = 0 (every respondent has the same share unmet), or with a single respondent (n/(n−1)
 *   is undefined), Wilson on (U, R).
 */
export function gapInterval(s: GapSums, z = Z95): Interval | null {
  const { respondents: n, required } = s;
  if (required <= 0) return null;
  const unmet = required - s.met;
  if (s.sumR2 === required || n < 2) return wilsonInterval(unmet, required, z);
  // R²·Σ(uᵢ − p̂rᵢ)² = R²·Σuᵢ² − 2·U·R·Σrᵢuᵢ + U²·Σrᵢ², in exact integers: a cell where every
  // respondent has the same share unmet must give exactly 0, not a rounding residue.
  const [R, U] = [BigInt(required), BigInt(unmet)];
  const scaled = R * R * whole(s.sumU2) - 2n * U * R * whole(s.sumRu) + U * U * whole(s.sumR2);
  if (scaled <= 0n) return wilsonInterval(unmet, required, z);
  const p = unmet / required;
  const se = Math.sqrt((n / (n - 1)) * Number(scaled)) / (required * required);
  return { low: Math.max(0, p - z * se), high: Math.min(1, p + z * se) };
}

/**
 * The standard error of a cell's gap rate, for comparing waves: the pooled SE above; where that is
 * 0 (or undefined, with one respondent), the Wilson interval's half-width ÷ z, so that a cell at 0%
 * still carries its uncertainty. Null when nothing is required.
 */
export function gapStandardError(s: GapSums, z = Z95): number | null {
  const { respondents: n, required } = s;
  if (required <= 0) return null;
  const unmet = required - s.met;
  const [R, U] = [BigInt(required), BigInt(unmet)];
  const scaled = n >= 2 ? R * R * whole(s.sumU2) - 2n * U * R * whole(s.sumRu) + U * U * whole(s.sumR2) : 0n;
  if (scaled > 0n) return Math.sqrt((n / (n - 1)) * Number(scaled)) / (required * required);
  const wilson = wilsonInterval(unmet, required, z)!;
  return (wilson.high - wilson.low) / 2 / z;
}

export type ChangeFlag = "improved" | "no significant change" | "worse";

/**
 * The change in gap rate from an earlier wave to a later one, rate(later) − rate(earlier), with
 * its 95% interval, SE = √(SE₁² + SE₂²) (the waves treated as independent samples: conservative
 * when the same people answer both). A fall in the gap is an improvement; the flag says so only
 * when the interval excludes 0.
 */
export function gapChange(
  later: { rate: number; se: number },
  earlier: { rate: number; se: number },
  z = Z95,
): { change: number; low: number; high: number; flag: ChangeFlag } {
  const change = later.rate - earlier.rate;
  const half = z * Math.sqrt(later.se ** 2 + earlier.se ** 2);
  const [low, high] = [change - half, change + half];
  return { change, low, high, flag: high < 0 ? "improved" : low > 0 ? "worse" : "no significant change" };
}

/** The sums arrive as doubles from SQL; they are whole numbers. */
function whole(value: number): bigint {
  return BigInt(Math.round(value));
}
