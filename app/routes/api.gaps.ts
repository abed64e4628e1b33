// GET /api/gaps?by=region,domain&wave=W&organisation=RXX[&format=csv|json|arrow]
// The gaps table as CSV, JSON ({ meta, rows }) or Arrow IPC, chosen by format= or the Accept header.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { QueryError } from "~db/analytics/dimensions";
import { queryGaps } from "~db/analytics/gaps";
import { NATIONAL } from "~db/analytics/scope";
import { getDatabase } from "~/lib/db.server";
import { chooseFormat, problem, readFilters, tableResponse } from "~/lib/table-response.server";

const FILTERS = ["wave", "region", "icb", "organisation", "staff_group", "archetype", "band", "domain", "sub_domain", "capability", "level"] as const;

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const format = chooseFormat(url, request.headers.get("Accept"));
  if (!format) return problem(400, `format=${url.searchParams.get("format")} is not supported: use csv, json or arrow.`);
  const filters = readFilters(url, FILTERS, ["by", "format"]);
  if (filters instanceof Response) return filters;
  const by = (url.searchParams.get("by") ?? "").split(",").map((d) => d.trim()).filter(Boolean);
  try {
    return tableResponse(await queryGaps(getDatabase(), NATIONAL, { by, filters }), format, "gaps.csv");
  } catch (error) {
    if (error instanceof QueryError) return problem(400, error.message);
    throw error;
  }
}
