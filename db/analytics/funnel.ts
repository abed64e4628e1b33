// Funnel plot data (docs/metrics.md, "Funnel plots"): each organisation's gap rate against its
// respondents, with control limits around England's rate that narrow as respondents grow. The
// limits and the overdispersion factor come from every organisation's data, whoever is asking.
import { type Filters, GEOGRAPHY, publishedPlan, QueryError } from "./dimensions";
import type { CellReader, GapRow, RawCell } from "./gaps";
import { cellSums, pooledDeviation, Z95 } from "./metrics";
import { isSuppressed, publishedCount, publishedRate } from "./suppression";

/** The normal quantile of a two-sided 99.8% limit. */
export const Z998 = 3.090232;

export interface FunnelBasis {
  /** England's gap rate, U ÷ R over every respondent. */
  p0: number;
  /** Per-respondent spread: σ₁² = Σ(uᵢ − p₀rᵢ)² / ((N − 1)·r̄²), r̄ = R ÷ N. */
  sigma1: number;
}

/** p₀ and σ₁ from England's sums (N respondents, R required, M met, Σr², Σu², Σru); null without two respondents. */
export function funnelBasis(s: { respondents: number; required: number; met: number; sumR2: number; sumU2: number; sumRu: number }): FunnelBasis | null {
  const n = s.respondents;
  if (n < 2 || s.required <= 0) return null;
  const meanRequired = s.required / n;
  return { p0: (s.required - s.met) / s.required, sigma1: Math.sqrt(pooledDeviation(s) / ((n - 1) * meanRequired * meanRequired)) };
}

/** The limits at n respondents: p₀ ± z·√φ·σ₁/√n, clipped to [0, 1]. */
export function funnelLimits(basis: FunnelBasis, n: number, z: number, phi = 1): { low: number; high: number } {
  const half = (z * Math.sqrt(phi) * basis.sigma1) / Math.sqrt(n);
  return { low: Math.max(0, basis.p0 - half), high: Math.min(1, basis.p0 + half) };
}

/** An organisation's z-score against the funnel: (y − p₀) ÷ (σ₁/√n). */
export function funnelZ(basis: FunnelBasis, rate: number, n: number): number {
  return basis.sigma1 > 0 ? (rate - basis.p0) / (basis.sigma1 / Math.sqrt(n)) : 0;
}

/**
 * Spiegelhalter's multiplicative overdispersion factor: φ̂ = mean of the squared z-scores after
 * winsorising them at their 10th and 90th percentiles (so a few outliers do not inflate it). It
 * is applied when J·φ̂ exceeds the 95th percentile of χ² with J − 1 degrees of freedom, that is when
 * the organisations vary more than chance alone allows; otherwise φ = 1.
 */
export function overdispersion(zs: number[]): { phi: number; applied: boolean } {
  const j = zs.length;
  if (j < 3) return { phi: 1, applied: false };
  // The lowest and highest 10% (rounded down) are pulled in to the nearest value inside them.
  const sorted = [...zs].sort((a, b) => a - b);
  const m = Math.floor(0.1 * j);
  const [low, high] = [sorted[m], sorted[j - 1 - m]];
  const phi = zs.reduce((sum, z) => sum + Math.min(high, Math.max(low, z)) ** 2, 0) / j;
  const applied = j * phi > chiSquare95(j - 1);
  return { phi: applied ? phi : 1, applied };
}

/** The 95th percentile of χ² with k degrees of freedom (Wilson–Hilferty; within 0.5% for k ≥ 2). */
export function chiSquare95(k: number): number {
  const z = 1.644854;
  return k * (1 - 2 / (9 * k) + z * Math.sqrt(2 / (9 * k))) ** 3;
}

export type FunnelFlag = "above 99.8% limit" | "above 95% limit" | "within limits" | "below 95% limit" | "below 99.8% limit";

export function funnelFlag(rate: number, at95: { low: number; high: number }, at998: { low: number; high: number }): FunnelFlag {
  if (rate > at998.high) return "above 99.8% limit";
  if (rate > at95.high) return "above 95% limit";
  if (rate < at998.low) return "below 99.8% limit";
  if (rate < at95.low) return "below 95% limit";
  return "within limits";
}

export const FUNNEL_COLUMNS = [
  "organisation",
  "organisation_name",
  "respondents",
  "gap_rate",
  "suppressed",
  "limit95_low",
  "limit95_high",
  "limit998_low",
  "limit998_high",
  "funnel_flag",
] as const;

/**
 * The funnel of one cell (the filters: a wave, and optionally a staff group, archetype, band,
 * domain, sub-domain, capability or level), one row per organisation in scope. The basis and φ
 * use every organisation in England; a suppressed organisation's row keeps only its codes.
 */
export async function funnelRows(
  scopeCells: CellReader,
  nationalCells: CellReader,
  filters: Filters,
  k: number,
  hidden: (cell: RawCell) => boolean = () => false,
): Promise<{ rows: GapRow[]; basis: FunnelBasis | null; phi: number; overdispersed: boolean; organisations: number }> {
  const geography = GEOGRAPHY.filter((d) => filters[d] !== undefined);
  if (geography.length) throw new QueryError(`A funnel compares every organisation: it cannot be filtered by ${geography.join(", ")}.`);
  publishedPlan(["organisation"], filters); // refuses what the gaps query refuses
  const [england] = await nationalCells({ by: [], filters });
  const basis = england
    ? funnelBasis(cellSums(england))
    : null;
  const all = (await nationalCells({ by: ["organisation"], filters })).filter((c) => c.required > 0);
  const { phi, applied } = basis ? overdispersion(all.map((c) => funnelZ(basis, (c.required - c.met) / c.required, c.respondents))) : { phi: 1, applied: false };
  const rows = (await scopeCells({ by: ["organisation"], filters })).map((c): GapRow => {
    const codes = { organisation: c.organisation, organisation_name: c.organisation_name };
    const suppressed = isSuppressed(c.respondents, k) || hidden(c);
    if (suppressed || !basis || c.required <= 0) {
      return { ...codes, respondents: null, gap_rate: null, suppressed, limit95_low: null, limit95_high: null, limit998_low: null, limit998_high: null, funnel_flag: null };
    }
    const rate = (c.required - c.met) / c.required;
    const at95 = funnelLimits(basis, c.respondents, Z95, phi);
    const at998 = funnelLimits(basis, c.respondents, Z998, phi);
    return {
      ...codes,
      respondents: publishedCount(c.respondents),
      gap_rate: publishedRate(rate),
      suppressed: false,
      limit95_low: publishedRate(at95.low),
      limit95_high: publishedRate(at95.high),
      limit998_low: publishedRate(at998.low),
      limit998_high: publishedRate(at998.high),
      funnel_flag: funnelFlag(rate, at95, at998),
    };
  });
  return { rows, basis, phi, overdispersed: applied, organisations: all.length };
}
