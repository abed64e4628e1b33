// Commissioning priorities (docs/metrics.md, "Commissioning priorities"), pure: how many staff of
// each staff group are below a capability, estimated stratum by stratum (organisation × staff group)
// as headcount × the share of its respondents below it, with an interval from the share's Wilson
// interval at fixed headcount, and ranked by the interval's lower bound.
import { wilsonInterval, Z95 } from "./metrics";
import { publishedRate } from "./suppression";

/** A share to apply to a stratum's headcount, from a published cell, with its 95% interval. */
export interface Share {
  /** Where the share comes from: the stratum's own cell, or the cell it borrows (ICB, region, England). */
  source: string;
  rate: number;
  low: number;
  high: number;
  borrowed: boolean;
}

/**
 * The share of staff below: `scale` (the share of respondents the item applies to, by archetype)
 * × `below` of the `respondents` who were assessed on it, with the Wilson interval of the second
 * factor (the first is a known mix). Below England both factors and the bounds are rounded to 0.1
 * percentage points first, as the cells they come from are published: a public headcount times an
 * exact share would give the cell's counts back.
 */
export function publishedShare(
  source: string,
  { below, respondents, scale }: { below: number; respondents: number; scale: number },
  borrowed: boolean,
  england: boolean,
  z = Z95,
): Share {
  const round = (x: number) => (england ? x : publishedRate(x));
  const wilson = wilsonInterval(below, respondents, z) ?? { low: 0, high: 0 };
  const f = round(scale);
  const q = respondents > 0 ? round(below / respondents) : 0;
  return { source, rate: f * q, low: f * round(wilson.low), high: f * round(wilson.high), borrowed };
}

export interface StratumEstimate {
  headcount: number;
  /** Null when no published cell can give a share: the estimate is withheld. */
  share: Share | null;
}

export interface PriorityEstimate {
  headcount: number;
  staffBelow: number;
  low: number;
  high: number;
  organisations: number;
  borrowedOrganisations: number;
}

/**
 * Sums stratum estimates Nₕ·pₕ into one (capability, staff group) estimate. Each source's share has
 * its interval [l, u] (publishedShare); strata sharing a source share its error in full (one borrowed rate
 * moves all of them together), so a source counts once with M = Σ Nₕ using it. The sources are
 * combined by MOVER (Zou & Donner, 2008): low = E − √Σ(M·(p − l))², high = E + √Σ(M·(u − p))², which
 * for one source is exactly M times its interval. Null when any stratum's share is withheld.
 */
export function estimateStaffBelow(strata: StratumEstimate[], z = Z95): PriorityEstimate | null {
  const bySource = new Map<string, { headcount: number; share: Share }>();
  let headcount = 0;
  let staffBelow = 0;
  let organisations = 0;
  let borrowedOrganisations = 0;
  for (const s of strata) {
    if (s.headcount === 0) continue;
    if (!s.share) return null;
    headcount += s.headcount;
    organisations++;
    if (s.share.borrowed) borrowedOrganisations++;
    staffBelow += s.headcount * s.share.rate;
    const source = bySource.get(s.share.source) ?? { headcount: 0, share: s.share };
    source.headcount += s.headcount;
    bySource.set(s.share.source, source);
  }
  let down = 0;
  let up = 0;
  for (const { headcount: m, share } of bySource.values()) {
    down += (m * (share.rate - share.low)) ** 2;
    up += (m * (share.high - share.rate)) ** 2;
  }
  return {
    headcount,
    staffBelow,
    low: Math.max(0, staffBelow - Math.sqrt(down)),
    high: Math.min(headcount, staffBelow + Math.sqrt(up)),
    organisations,
    borrowedOrganisations,
  };
}

/** Ranks by the lower 95% bound, then the estimate (both descending); ties keep their order. */
export function rankByLowerBound<T extends { estimate: PriorityEstimate | null }>(items: T[]): (T & { rank: number | null })[] {
  const ranked = items
    .map((item, i) => ({ item, i }))
    .filter((x) => x.item.estimate !== null)
    .sort((a, b) => b.item.estimate!.low - a.item.estimate!.low || b.item.estimate!.staffBelow - a.item.estimate!.staffBelow || a.i - b.i)
    .map((x, r) => ({ ...x.item, rank: r + 1 }));
  return [...ranked, ...items.filter((item) => item.estimate === null).map((item) => ({ ...item, rank: null }))];
}
