// Attained level (docs/metrics.md, "Attained level"). Pure functions of one respondent's counts in
// one domain, per level 1..4; the load calls them once per respondent and domain (ingest/rollup-builder.ts).

/** A respondent missing a required rating in the domain: counted, not placed in the distribution. */
export const INCOMPLETE = -1;

/**
 * The expected level of an archetype in a domain: the highest level with a capability badged for
 * it there; 0 when none is (the domain's distribution leaves such respondents out).
 * `badged[l - 1]` = capabilities of the domain at level l badged for the archetype.
 */
export function expectedLevel(badged: ArrayLike<number>): number {
  for (let l = badged.length; l >= 1; l--) if (badged[l - 1] > 0) return l;
  return 0;
}

/**
 * The highest level L such that every required capability at levels ≤ L is met, levels with
 * nothing badged skipped (so L is 0 or a level with a badged capability); INCOMPLETE when a
 * required capability at or below the expected level has no rating. Each argument holds one count
 * per level (element l − 1 for level l): capabilities badged for the archetype, those rated, and
 * those rated at or above the met threshold. No allocation: it runs once per respondent and domain
 * in the load.
 */
export function attainedLevel(badged: ArrayLike<number>, rated: ArrayLike<number>, met: ArrayLike<number>): number {
  let attained = 0;
  let short = false;
  for (let l = 1; l <= badged.length; l++) {
    const n = badged[l - 1];
    if (n === 0) continue; // nothing required at this level for the archetype: skipped
    if (rated[l - 1] < n) return INCOMPLETE; // every badged level is at or below the expected level
    if (met[l - 1] < n) short = true;
    else if (!short) attained = l;
  }
  return attained;
}
