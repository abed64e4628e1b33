// GET /api/gaps?by=region,domain&wave=W&organisation=RXX[&format=csv|json|arrow]
// The gaps table as CSV, JSON ({ meta, rows }) or Arrow IPC, chosen by format= or the Accept header.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { QueryError, type Filters } from "~db/analytics/dimensions";
import { CONTENT_TYPES, encode, type Format, FORMATS } from "~db/analytics/formats";
import { queryGaps } from "~db/analytics/gaps";
import { NATIONAL } from "~db/analytics/scope";
import { getDatabase } from "~/lib/db.server";

const FILTERS = ["wave", "region", "icb", "organisation", "staff_group", "archetype", "band", "domain", "sub_domain", "capability", "level"] as const;

function chooseFormat(url: URL, accept: string | null): Format | null {
  const asked = url.searchParams.get("format");
  if (asked) return (FORMATS as string[]).includes(asked) ? (asked as Format) : null;
  if (accept?.includes("text/csv")) return "csv";
  if (accept?.includes("application/vnd.apache.arrow")) return "arrow";
  return "json";
}

const problem = (status: number, error: string) =>
  new Response(JSON.stringify({ error }), { status, headers: { "Content-Type": CONTENT_TYPES.json } });

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const format = chooseFormat(url, request.headers.get("Accept"));
  if (!format) return problem(400, `format=${url.searchParams.get("format")} is not supported: use csv, json or arrow.`);
  const unknown = [...url.searchParams.keys()].filter((k) => k !== "by" && k !== "format" && !(FILTERS as readonly string[]).includes(k));
  if (unknown.length) return problem(400, `Unknown parameter ${unknown.join(", ")}: use by, format and ${FILTERS.join(", ")}.`);
  const filters: Filters = {};
  for (const f of FILTERS) {
    const value = url.searchParams.get(f);
    if (value !== null) filters[f] = value;
  }
  const by = (url.searchParams.get("by") ?? "").split(",").map((d) => d.trim()).filter(Boolean);
  try {
    const table = await queryGaps(getDatabase(), NATIONAL, { by, filters });
    const body = encode(table, format);
    return new Response(typeof body === "string" ? body : (body as Uint8Array<ArrayBuffer>), {
      headers: {
        "Content-Type": CONTENT_TYPES[format],
        "Cache-Control": "no-store",
        ...(format === "csv" ? { "Content-Disposition": 'inline; filename="gaps.csv"' } : {}),
      },
    });
  } catch (error) {
    if (error instanceof QueryError) return problem(400, error.message);
    throw error;
  }
}
