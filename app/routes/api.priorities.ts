// GET /api/priorities?wave=W[&grain=capability|domain][&region=Y56|&icb=QWE|&organisation=RXX][&format=csv|json|arrow|metadata]
// The commissioning-priority list: staff estimated below each capability, by staff group, ranked by
// the lower end of the interval (docs/metrics.md, "Commissioning priorities").
import type { LoaderFunctionArgs } from "@remix-run/node";
import { QueryError } from "~db/analytics/dimensions";
import { PRIORITY_FILTERS, type PriorityGrain, queryPriorities } from "~db/analytics/priorities";
import { getDatabase } from "~/lib/db.server";
import { cachedPage } from "~/lib/page-cache.server";
import { outsideScope } from "~/lib/places.server";
import { requireViewer } from "~/lib/viewer.server";
import { chooseFormat, FORMAT_HELP, problem, readFilters, tableResponse } from "~/lib/table-response.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  // The Scope is the signed-in account's: no parameter can widen it (the query layer keeps every row inside it).
  const { scope } = requireViewer(request, context);
  const url = new URL(request.url);
  const format = chooseFormat(url, request.headers.get("Accept"));
  if (!format) return problem(400, `format=${url.searchParams.get("format")} is not supported: ${FORMAT_HELP}.`);
  const filters = readFilters(url, PRIORITY_FILTERS, ["format", "grain"]);
  if (filters instanceof Response) return filters;
  const outside = await outsideScope(getDatabase(), scope, filters);
  if (outside) return problem(403, outside);
  const grain = (url.searchParams.get("grain") ?? "capability") as PriorityGrain;
  try {
    return tableResponse(
      // Kept like a page, so a hit is its encoded bytes (app/lib/page-cache.server.ts).
      await cachedPage({ route: "routes/api.priorities", request, context, scope }, () => queryPriorities(getDatabase(), scope, filters, undefined, grain)), format, "priorities.csv", url);
  } catch (error) {
    if (error instanceof QueryError) return problem(400, error.message);
    throw error;
  }
}
