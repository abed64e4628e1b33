// Small-number disclosure control and published precision, applied in the query layer so every
// output path inherits them.
import type { Env } from "../client";

/** Staff data are more sensitive than patient counts: k = 10 by default, and never lower. */
export const MINIMUM_K = 10;

export function suppressionThreshold(env: Env = process.env): number {
  const raw = env.SUPPRESSION_THRESHOLD?.trim();
  if (!raw) return MINIMUM_K;
  const k = Number(raw);
  if (!Number.isInteger(k) || k < MINIMUM_K) {
    throw new Error(
      `SUPPRESSION_THRESHOLD=${raw} is not allowed: it must be a whole number of at least ${MINIMUM_K} ` +
        "(the threshold can be raised, never lowered).",
    );
  }
  return k;
}

/** A cell is published only when at least k distinct respondents contribute to it. */
export function isSuppressed(respondents: number, k: number): boolean {
  return respondents < k;
}

/**
 * Published counts are rounded to the nearest 5, so that two published totals cannot be
 * subtracted to give an exact small count (docs/metrics.md, "Disclosure control").
 */
export function publishedCount(n: number): number {
  return Math.round(n / 5) * 5;
}

/**
 * Rates below England level are published to 0.1 percentage points (a share to 3 decimal places):
 * finer digits of a small area's rate would give its counts back.
 */
export function publishedRate(rate: number): number {
  return Math.round(rate * 1000) / 1000;
}

export const ROUNDING_RULE =
  "respondents, required and met are rounded to the nearest 5; below England level, gap rates and their intervals are rounded to 0.1 percentage points; all are computed from unrounded counts";
