// The gap-rate colour scale. Fixed bands (not fitted to each page's data) so a colour means the
// same gap on every page. Sequential yellow–orange–red (ColorBrewer YlOrRd, colour-blind safe);
// the two darkest steps are chosen so white labels on them reach WCAG AA contrast.
/** Upper bounds of each band but the last, as rates (0..1). */
export const GAP_THRESHOLDS = [0.2, 0.3, 0.4, 0.5, 0.6] as const;
export const GAP_PALETTE = ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#e31a1c", "#b10026"] as const;
/** Bands whose colour needs white text (index into GAP_PALETTE). */
const DARK_BANDS = new Set([4, 5]);

export const TEXT_DARK = "#212b32";
export const TEXT_LIGHT = "#ffffff";
export const NO_DATA_FILL = "#ffffff";
export const OUTLINE = "#768692";
export const HATCH_BACKGROUND = "#f0f4f5";
export const HATCH_LINE = "#768692";

/** Index of the band a rate falls in (a rate equal to a threshold goes in the band above). */
export function gapBand(rate: number): number {
  let band = 0;
  while (band < GAP_THRESHOLDS.length && rate >= GAP_THRESHOLDS[band]) band += 1;
  return band;
}

export function labelColour(rate: number): string {
  return DARK_BANDS.has(gapBand(rate)) ? TEXT_LIGHT : TEXT_DARK;
}

/** Plot colour scale options for gap rates. */
export function gapColourScale() {
  return {
    type: "threshold" as const,
    domain: [...GAP_THRESHOLDS],
    range: [...GAP_PALETTE],
    label: "Gap rate",
    tickFormat: (d: number) => `${Math.round(d * 100)}%`,
  };
}

/** Band descriptions in words, for the key's accessible label. */
export function bandDescriptions(): string[] {
  const pct = (r: number) => `${Math.round(r * 100)}%`;
  return GAP_PALETTE.map((_, i) => {
    if (i === 0) return `under ${pct(GAP_THRESHOLDS[0])}`;
    if (i === GAP_THRESHOLDS.length) return `${pct(GAP_THRESHOLDS[i - 1])} or more`;
    return `${pct(GAP_THRESHOLDS[i - 1])} to under ${pct(GAP_THRESHOLDS[i])}`;
  });
}

/** SVG <pattern> markup for suppressed cells: grey diagonal hatching. */
export function hatchPattern(id: string): string {
  return (
    `<pattern id="${id}" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">` +
    `<rect width="6" height="6" fill="${HATCH_BACKGROUND}"></rect>` +
    `<line x1="0" y1="0" x2="0" y2="6" stroke="${HATCH_LINE}" stroke-width="1.5"></line></pattern>`
  );
}
