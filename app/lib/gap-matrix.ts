// A gap table with one person dimension (rows) and one framework dimension (columns) reshaped
// into a complete grid, so charts and tables show every combination and can tell a suppressed
// cell (published as "too few respondents") from a combination with no data at all.
import type { GapRow } from "~db/analytics/gaps";

export type CellState = "value" | "suppressed" | "no-data";

export interface MatrixCell {
  column: string;
  state: CellState;
  /** Only for state "value". */
  gapRate: number | null;
  respondents: number | null;
}

export interface MatrixRow {
  code: string;
  name: string;
  href?: string;
  cells: MatrixCell[];
}

export interface MatrixColumn {
  code: string;
  name: string;
}

export interface GapMatrix {
  /** What a row is, singular, e.g. "Region". */
  rowNoun: string;
  /** What a column is, singular, e.g. "Domain". */
  columnNoun: string;
  columns: MatrixColumn[];
  rows: MatrixRow[];
}

export interface MatrixSpec {
  rowDimension: string;
  columnDimension: string;
  rowNoun: string;
  columnNoun: string;
  /** Link for a row, e.g. to the region's page. */
  href?: (code: string) => string;
}

const text = (v: unknown) => (v === null || v === undefined ? "" : String(v));

/** Reshapes rows (in the query's order) into a grid; rows and columns keep first-seen order. */
export function toGapMatrix(rows: GapRow[], spec: MatrixSpec): GapMatrix {
  const columns = new Map<string, MatrixColumn>();
  const people = new Map<string, { code: string; name: string }>();
  const cells = new Map<string, GapRow>();
  for (const r of rows) {
    const rowCode = text(r[spec.rowDimension]);
    const colCode = text(r[spec.columnDimension]);
    if (!people.has(rowCode)) people.set(rowCode, { code: rowCode, name: text(r[`${spec.rowDimension}_name`]) || rowCode });
    if (!columns.has(colCode)) columns.set(colCode, { code: colCode, name: text(r[`${spec.columnDimension}_name`]) || colCode });
    cells.set(`${rowCode}\u0000${colCode}`, r);
  }
  const cols = [...columns.values()].sort((a, b) => a.code.localeCompare(b.code, "en-GB", { numeric: true }));
  return {
    rowNoun: spec.rowNoun,
    columnNoun: spec.columnNoun,
    columns: cols,
    rows: [...people.values()].map((p) => ({
      ...p,
      href: spec.href?.(p.code),
      cells: cols.map((c) => toCell(c.code, cells.get(`${p.code}\u0000${c.code}`))),
    })),
  };
}

function toCell(column: string, r: GapRow | undefined): MatrixCell {
  if (!r) return { column, state: "no-data", gapRate: null, respondents: null };
  if (r.suppressed === true) return { column, state: "suppressed", gapRate: null, respondents: null };
  // Published but nothing required at this grain: there is no rate to show.
  if (typeof r.gap_rate !== "number") {
    return { column, state: "no-data", gapRate: null, respondents: typeof r.respondents === "number" ? r.respondents : null };
  }
  return { column, state: "value", gapRate: r.gap_rate, respondents: typeof r.respondents === "number" ? r.respondents : null };
}

/** True when there is no cell at all to draw (a grid of only suppressed cells is still drawn). */
export function isEmptyMatrix(m: GapMatrix): boolean {
  return m.rows.length === 0 || m.columns.length === 0;
}
