// GET /api/gaps?by=region,domain&wave=W&organisation=RXX[&compare_to=W0[&unmatched=true]][&provisional=true][&weighted=true][&attainment=true][&format=csv|json|arrow|metadata]
// The gaps table as CSV, JSON ({ meta, rows }) or Arrow IPC, chosen by format= or the Accept header;
// with compare_to, the change since that earlier wave (docs/metrics.md, "Trends"); with weighted,
// coverage and the post-stratified weighted gap rate ("Coverage and weighting"); with attainment,
// attained levels per domain cell ("Attained level").
import type { LoaderFunctionArgs } from "@remix-run/node";
import { QueryError } from "~db/analytics/dimensions";
import { queryGaps } from "~db/analytics/gaps";
import { getDatabase } from "~/lib/db.server";
import { cachedPage } from "~/lib/page-cache.server";
import { outsideScope } from "~/lib/places.server";
import { requireViewer } from "~/lib/viewer.server";
import { chooseFormat, FORMAT_HELP, problem, readFilters, tableResponse } from "~/lib/table-response.server";

const FILTERS = ["wave", "region", "icb", "organisation", "staff_group", "archetype", "band", "domain", "sub_domain", "capability", "level"] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  // The Scope is the signed-in account's: no parameter can widen it (the query layer keeps every row inside it).
  const { scope } = requireViewer(request, context);
  const url = new URL(request.url);
  const format = chooseFormat(url, request.headers.get("Accept"));
  if (!format) return problem(400, `format=${url.searchParams.get("format")} is not supported: ${FORMAT_HELP}.`);
  const filters = readFilters(url, FILTERS, ["by", "format", "compare_to", "unmatched", "provisional", "weighted", "attainment"]);
  if (filters instanceof Response) return filters;
  const outside = await outsideScope(getDatabase(), scope, filters);
  if (outside) return problem(403, outside);
  const by = (url.searchParams.get("by") ?? "").split(",").map((d) => d.trim()).filter(Boolean);
  const flags: Record<string, boolean> = {};
  for (const name of ["unmatched", "provisional", "weighted", "attainment"]) {
    const value = url.searchParams.get(name);
    if (value !== null && value !== "true" && value !== "false") return problem(400, `${name}=${value}: use true or false.`);
    flags[name] = value === "true";
  }
  const compareTo = url.searchParams.get("compare_to") ?? undefined;
  if (url.searchParams.has("unmatched") && !compareTo) return problem(400, "unmatched applies to a comparison: give compare_to as well.");
  try {
    return tableResponse(
      // Kept like a page, so a hit is its encoded bytes (app/lib/page-cache.server.ts).
      await cachedPage({ route: "routes/api.gaps", request, context, scope }, () => queryGaps(getDatabase(), scope, { by, filters, compareTo, ...flags })), format, "gaps.csv", url);
  } catch (error) {
    if (error instanceof QueryError) return problem(400, error.message);
    throw error;
  }
}
