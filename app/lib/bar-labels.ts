// What a bar of a one-dimension chart holds and the text it shows, shared by the chart
// (app/charts/bars.server.ts) and the tables beside it, so both say the same thing.
import { formatCount, formatPercent } from "./format";

export type BarState = "value" | "suppressed" | "no-data";

export interface RateBar {
  code: string;
  name: string;
  state: BarState;
  /** Only for state "value" (null there too when nothing was required). */
  rate: number | null;
  low: number | null;
  high: number | null;
  respondents: number | null;
}

export interface CountBar {
  code: string;
  name: string;
  state: BarState;
  count: number | null;
}

/** What a bar's text says: the figure, or why there is none. */
export function rateLabel(b: RateBar): string {
  if (b.state === "suppressed") return "suppressed";
  if (b.state === "no-data" || b.rate === null) return "no data";
  return formatPercent(b.rate);
}

export function countLabel(b: CountBar): string {
  if (b.state === "suppressed") return "suppressed";
  if (b.state === "no-data" || b.count === null) return "no data";
  return formatCount(b.count);
}
