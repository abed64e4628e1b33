// Small-number disclosure control, applied in the query layer so every output path inherits it.
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
