// One gap table, three encodings: CSV (header + rows; metadata travels separately), JSON
// ({ meta, rows }) and Arrow IPC (metadata in the schema). Pure.
import { Bool, Float64, Int32, Table, tableToIPC, Utf8, vectorFromArray } from "apache-arrow";
import type { Cell, GapTable } from "./gaps";

export type Format = "csv" | "json" | "arrow";
export const FORMATS: Format[] = ["csv", "json", "arrow"];
export const CONTENT_TYPES: Record<Format, string> = {
  csv: "text/csv; charset=utf-8",
  json: "application/json; charset=utf-8",
  arrow: "application/vnd.apache.arrow.stream",
};

/** Text that a spreadsheet would run as a formula is prefixed with ' ; numbers are left alone. */
export function csvCell(value: Cell): string {
  if (value === null) return "";
  if (typeof value !== "string") return String(value);
  let text = value;
  if (/^\s*[=+\-@]|^[\t\r]/.test(text) && !/^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(table: GapTable): string {
  const lines = [table.columns.join(",")];
  for (const row of table.rows) lines.push(table.columns.map((c) => csvCell(row[c] ?? null)).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

export function toJson(table: GapTable): string {
  return JSON.stringify({ meta: table.meta, rows: table.rows });
}

// Typed by name, not by the values, so a column keeps its Arrow type in a table where it is all null.
const INTEGER_COLUMNS = new Set([
  "respondents", "required", "met", "level", "headcount", "headcount_covered", "effective_sample_size",
  "rank", "staff_below", "staff_below_low", "staff_below_high", "organisations", "organisations_borrowed",
  "placed", "incomplete", "attained_0", "attained_1", "attained_2", "attained_3", "attained_4", "expected_level", "below_expected",
]);
const FLOAT_COLUMNS = new Set([
  "gap_rate", "ci_low", "ci_high", "peer_rate", "region_peer_rate", "limit95_low", "limit95_high", "limit998_low", "limit998_high",
  "compare_gap_rate", "change", "change_ci_low", "change_ci_high", "response_rate", "weighted_gap_rate", "weighted_ci_low", "weighted_ci_high",
  "attained_0_share", "attained_1_share", "attained_2_share", "attained_3_share", "attained_4_share",
  "below_expected_share", "below_expected_ci_low", "below_expected_ci_high",
]);
const BOOLEAN_COLUMNS = new Set(["suppressed", "provisional", "series_break", "low_response", "borrowed"]);

export function toArrow(table: GapTable): Uint8Array {
  const vectors = Object.fromEntries(
    table.columns.map((c) => {
      const values = table.rows.map((r) => r[c] ?? null);
      if (BOOLEAN_COLUMNS.has(c)) return [c, vectorFromArray(values as (boolean | null)[], new Bool())];
      if (FLOAT_COLUMNS.has(c)) return [c, vectorFromArray(values as (number | null)[], new Float64())];
      if (INTEGER_COLUMNS.has(c)) return [c, vectorFromArray(values as (number | null)[], new Int32())];
      return [c, vectorFromArray(values.map((v) => (v === null ? null : String(v))), new Utf8())];
    }),
  );
  const arrow = new Table(vectors);
  // Schema metadata values are strings: objects and arrays travel as JSON.
  for (const [key, value] of Object.entries(table.meta)) {
    arrow.schema.metadata.set(key, typeof value === "string" ? value : JSON.stringify(value));
  }
  return tableToIPC(arrow, "stream");
}

export function encode(table: GapTable, format: Format): string | Uint8Array {
  return format === "csv" ? toCsv(table) : format === "json" ? toJson(table) : toArrow(table);
}
