// What the table APIs share: choosing CSV, JSON or Arrow (format= or the Accept header), or the
// CSV's metadata (format=metadata), reading single-value filters from the query string, and
// answering with the table or a JSON problem.
import { type Filters } from "~db/analytics/dimensions";
import { CONTENT_TYPES, encode, type Format, FORMATS } from "~db/analytics/formats";
import { isCachedPage } from "./page-cache.server";
import type { GapTable } from "~db/analytics/gaps";

/** A table encoding, or the metadata a CSV leaves out (the same as JSON's `meta`). */
export type ResponseFormat = Format | "metadata";

export function chooseFormat(url: URL, accept: string | null): ResponseFormat | null {
  const asked = url.searchParams.get("format");
  if (asked === "metadata") return "metadata";
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

/** The message for an unsupported format= value. */
export const FORMAT_HELP = "use csv, json, arrow or metadata";

/**
 * The table in `format`. A CSV is a header line and rows only, so its metadata is a separate
 * document: `<name>-metadata.json`, linked from the CSV response (Link: rel="describedby").
 */
export function tableResponse(table: GapTable, format: ResponseFormat, filename: string, url?: URL): Response {
  const headers: Record<string, string> = { "Cache-Control": NO_STORE };
  if (format === "metadata") {
    return new Response(JSON.stringify(table.meta, null, 2), {
      headers: { ...headers, "Content-Type": CONTENT_TYPES.json, "Content-Disposition": `inline; filename="${metadataFilename(filename)}"` },
    });
  }
  if (format === "csv") {
    headers["Content-Disposition"] = `inline; filename="${filename}"`;
    if (url) headers.Link = `<${metadataAddress(url)}>; rel="describedby"; type="application/json"`;
  }
  const body = encoded(table, format);
  return new Response(typeof body === "string" ? body : (body as Uint8Array<ArrayBuffer>), {
    headers: { ...headers, "Content-Type": CONTENT_TYPES[format] },
  });
}

/** Encodings of tables the page cache holds (the same object for every hit): encoded once per format. */
const encodings = new WeakMap<GapTable, Map<string, ReturnType<typeof encode>>>();

function encoded(table: GapTable, format: Exclude<ResponseFormat, "metadata">): ReturnType<typeof encode> {
  if (!isCachedPage(table)) return encode(table, format);
  const byFormat = encodings.get(table) ?? encodings.set(table, new Map()).get(table)!;
  let body = byFormat.get(format);
  if (body === undefined) byFormat.set(format, (body = encode(table, format)));
  return body;
}

export function metadataFilename(csvFilename: string): string {
  return csvFilename.replace(/\.csv$/, "") + "-metadata.json";
}

/** The same request with format=metadata, as a path and query (relative to the server). */
function metadataAddress(url: URL): string {
  const params = new URLSearchParams(url.searchParams);
  params.set("format", "metadata");
  return `${url.pathname}?${params}`;
}
