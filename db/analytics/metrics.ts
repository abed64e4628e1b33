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

/** A summed cell's sums as the interval needs them (cells come from SQL with snake_case columns). */
export function cellSums(c: { respondents: number; required: number; met: number; sum_r2: number; sum_u2: number; sum_ru: number }): GapSums {
  return { respondents: c.respondents, required: c.required, met: c.met, sumR2: c.sum_r2, sumU2: c.sum_u2, sumRu: c.sum_ru };
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
  const se = pooledStandardError(s);
  if (se === 0) return wilsonInterval(unmet, required, z);
  const p = unmet / required;
  return { low: Math.max(0, p - z * se), high: Math.min(1, p + z * se) };
}

/**
 * Σ(uᵢ − p̂rᵢ)² over a cell's respondents, p̂ = U/R, from the rollups' sums: evaluated as
 * (R²·Σuᵢ² − 2·U·R·Σrᵢuᵢ + U²·Σrᵢ²) ÷ R² with the bracket in exact integers, so that a cell where
 * every respondent has the same share unmet gives exactly 0, not a rounding residue.
 */
export function pooledDeviation(s: GapSums): number {
  const [R, U] = [BigInt(s.required), BigInt(s.required - s.met)];
  const scaled = R * R * whole(s.sumU2) - 2n * U * R * whole(s.sumRu) + U * U * whole(s.sumR2);
  return scaled > 0n ? Number(scaled) / (s.required * s.required) : 0;
}

/** The pooled SE, √(n/(n−1) · Σ(uᵢ − p̂rᵢ)²) ÷ R; 0 with fewer than two respondents or nothing required. */
function pooledStandardError(s: GapSums): number {
  const n = s.respondents;
  if (n < 2 || s.required <= 0) return 0;
  return Math.sqrt((n / (n - 1)) * pooledDeviation(s)) / s.required;
}

/**
 * The standard error of a cell's gap rate, for comparing waves: the pooled SE above; where that is
 * 0 (or undefined, with one respondent), the Wilson interval's half-width ÷ z, so that a cell at 0%
 * still carries its uncertainty. Null when nothing is required.
 */
export function gapStandardError(s: GapSums, z = Z95): number | null {
  if (s.required <= 0) return null;
  const se = pooledStandardError(s);
  if (se > 0) return se;
  const wilson = wilsonInterval(s.required - s.met, s.required, z)!;
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
