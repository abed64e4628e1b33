// Gap metrics (docs/metrics.md). Pure functions of counts.

/** Share of required ratings not met: (required − met) ÷ required; null when nothing is required. */
export function gapRate(required: number, met: number): number | null {
  return required > 0 ? (required - met) / required : null;
}
