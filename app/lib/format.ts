// Number, date and label formatting shared by pages and charts: en-GB, and the same output on
// the server and in the browser (fixed time zone), so hydration never disagrees.

const percent1 = new Intl.NumberFormat("en-GB", { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 });
const count = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 0 });
const dateTime = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/London",
  day: "numeric",
  month: "long",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});
const dateOnly = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/London", day: "numeric", month: "long", year: "numeric" });

/** 0.4023 → "40.2%". */
export function formatPercent(rate: number): string {
  return percent1.format(rate);
}

/** A change as a share, in percentage points with its sign: −0.0213 → "−2.1 points" ("−2.1" without the unit). */
export function formatPoints(change: number, unit = true): string {
  const text = Math.abs(change * 100).toFixed(1);
  // A change that rounds to zero has no direction to show.
  const sign = text === "0.0" ? "" : change < 0 ? "\u2212" : "+";
  return `${sign}${text}${unit ? " points" : ""}`;
}

/** 10234 → "10,234". */
export function formatCount(n: number): string {
  return count.format(n);
}

/** ISO instant → "22 November 2026 at 03:02" in UK time. */
export function formatDateTime(iso: string): string {
  const parts = Object.fromEntries(dateTime.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return `${parts.day} ${parts.month} ${parts.year} at ${parts.hour}:${parts.minute}`;
}

/** ISO date (YYYY-MM-DD) → "1 April 2026". */
export function formatDate(isoDate: string): string {
  return dateOnly.format(new Date(`${isoDate.slice(0, 10)}T12:00:00Z`));
}

/** A label cut at a word boundary to at most `max` characters, with an ellipsis when cut. */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.–-]+$/, "")}…`;
}

/** "2026-summer" → "Summer 2026"; other labels are shown as they are. */
export function waveName(label: string): string {
  const m = /^(\d{4})-(spring|summer|autumn|winter)$/i.exec(label);
  return m ? `${m[2][0].toUpperCase()}${m[2].slice(1).toLowerCase()} ${m[1]}` : label;
}
