// What the table APIs share: choosing CSV, JSON or Arrow (format= or the Accept header), reading
// single-value filters from the query string, and answering with the table or a JSON problem.
import { type Filters } from "~db/analytics/dimensions";
import { CONTENT_TYPES, encode, type Format, FORMATS } from "~db/analytics/formats";
import type { GapTable } from "~db/analytics/gaps";

export function chooseFormat(url: URL, accept: string | null): Format | null {
  const asked = url.searchParams.get("format");
  if (asked) return (FORMATS as string[]).includes(asked) ? (asked as Format) : null;
  if (accept?.includes("text/csv")) return "csv";
  if (accept?.includes("application/vnd.apache.arrow")) return "arrow";
  return "json";
}

/** Figures and problems alike are for the caller only, never kept by a browser or proxy. */
export const NO_STORE = "private, no-store";

export const problem = (status: number, error: string) =>
  new Response(JSON.stringify({ error }), { status, headers: { "Content-Type": CONTENT_TYPES.json, "Cache-Control": NO_STORE } });

/** The filters among the query parameters, or a 400 naming any parameter that is neither a filter nor one of `also`. */
export function readFilters(url: URL, filters: readonly string[], also: string[]): Filters | Response {
  const unknown = [...url.searchParams.keys()].filter((k) => !also.includes(k) && !filters.includes(k));
  if (unknown.length) return problem(400, `Unknown parameter ${unknown.join(", ")}: use ${[...also, ...filters].join(", ")}.`);
  const out: Filters = {};
  for (const f of filters) {
    const value = url.searchParams.get(f);
    if (value !== null) out[f as keyof Filters] = value;
  }
  return out;
}

export function tableResponse(table: GapTable, format: Format, filename: string): Response {
  const body = encode(table, format);
  return new Response(typeof body === "string" ? body : (body as Uint8Array<ArrayBuffer>), {
    headers: {
      "Content-Type": CONTENT_TYPES[format],
      "Cache-Control": NO_STORE,
      ...(format === "csv" ? { "Content-Disposition": `inline; filename="${filename}"` } : {}),
    },
  });
}
