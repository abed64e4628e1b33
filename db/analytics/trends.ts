// Change between two waves (docs/metrics.md, "Trends"): each cell's gap rate in an earlier wave and
// the change since, with its interval and a flag. By default both waves are read over the same
// organisations — those that reported in both — so a change is not an artefact of who answered.
import type { CrosswalkSummary } from "./crosswalk";
import type { Dimension } from "./dimensions";
import type { Cell, GapRow, RawCell } from "./gaps";
import { cellSums, type ChangeFlag, gapChange, gapRate, gapStandardError } from "./metrics";
import { isSuppressed, publishedRate } from "./suppression";

/** Columns added to a gap table compared with another wave, after the other columns. */
export const CHANGE_COLUMNS = ["compare_gap_rate", "change", "change_ci_low", "change_ci_high", "change_flag"] as const;

export interface Comparison {
  wave: string;
  compare_to: string;
  /** True: both waves over the organisations that reported in both; false: each over all its own. */
  matched: boolean;
  /** Organisations in the comparison, and those that reported in only one of the two waves (left out when matched). */
  organisations_compared: number;
  organisations_left_out: number;
  /** Waves still open: their figures may change. */
  provisional_waves: string[];
  /** The waves are on different framework versions: compared through a crosswalk, a break in the series. */
  series_break: boolean;
  /** Across framework versions: the crosswalk's capabilities compared and excluded (docs/metrics.md). */
  crosswalk?: CrosswalkSummary;
  label: string;
}

/** Which organisations a comparison covers, from those that reported in each wave. */
export function compareOrganisations(now: string[], then: string[], matched: boolean): { compared: string[]; leftOut: number } {
  const earlier = new Set(then);
  const both = now.filter((o) => earlier.has(o));
  const either = new Set([...now, ...then]);
  return matched ? { compared: both, leftOut: either.size - both.length } : { compared: [...either], leftOut: 0 };
}

/**
 * Sets the change columns of each published row. `now` and `then` are the compared cells (over
 * the compared organisations) of the row's wave and the earlier one. A row suppressed, withheld
 * (hidden in the earlier wave's pattern), or whose compared cell in either wave is under k
 * respondents, gets none of them.
 */
export function addChangeColumns(
  rows: GapRow[],
  dims: Dimension[],
  now: RawCell[],
  then: RawCell[],
  k: number,
  england: boolean,
  withheld: boolean[] = [],
): void {
  const keyOf = (c: Record<string, Cell>) => dims.map((d) => String(c[d] ?? "")).join("\x1f");
  const later = new Map(now.map((c) => [keyOf(c), c]));
  const earlier = new Map(then.map((c) => [keyOf(c), c]));
  const publish = (value: number) => (england ? value : publishedRate(value));
  rows.forEach((row, i) => {
    for (const c of CHANGE_COLUMNS) row[c] = null;
    const a = later.get(keyOf(row));
    const b = earlier.get(keyOf(row));
    if (row.suppressed || withheld[i] || !a || !b || isSuppressed(a.respondents, k) || isSuppressed(b.respondents, k)) return;
    const [rateA, rateB] = [gapRate(a.required, a.met), gapRate(b.required, b.met)];
    const [seA, seB] = [gapStandardError(cellSums(a)), gapStandardError(cellSums(b))];
    if (rateA === null || rateB === null || seA === null || seB === null) return;
    const change = gapChange({ rate: rateA, se: seA }, { rate: rateB, se: seB });
    row.compare_gap_rate = publish(rateB);
    row.change = publish(change.change);
    row.change_ci_low = publish(change.low);
    row.change_ci_high = publish(change.high);
    row.change_flag = change.flag satisfies ChangeFlag;
  });
}
