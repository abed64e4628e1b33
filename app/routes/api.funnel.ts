// GET /api/funnel?wave=W&domain=5[&staff_group=…][&format=csv|json|arrow|metadata]
// Funnel plot data for one cell: every organisation's gap rate and respondents with its 95% and
// 99.8% limits (docs/metrics.md, "Funnel plots"); meta.funnel holds England's rate, σ₁ and φ.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { QueryError } from "~db/analytics/dimensions";
import { queryFunnel } from "~db/analytics/gaps";
import { getDatabase } from "~/lib/db.server";
import { outsideScope } from "~/lib/places.server";
import { requireViewer } from "~/lib/viewer.server";
import { cachedPage } from "~/lib/page-cache.server";
import { chooseFormat, FORMAT_HELP, problem, readFilters, tableResponse } from "~/lib/table-response.server";

const FILTERS = ["wave", "staff_group", "archetype", "band", "domain", "sub_domain", "capability", "level"] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  // The Scope is the signed-in account's: no parameter can widen it (the query layer keeps every row inside it).
  const { scope } = requireViewer(request, context);
  const url = new URL(request.url);
  const format = chooseFormat(url, request.headers.get("Accept"));
  if (!format) return problem(400, `format=${url.searchParams.get("format")} is not supported: ${FORMAT_HELP}.`);
  const filters = readFilters(url, FILTERS, ["format"]);
  if (filters instanceof Response) return filters;
  const outside = await outsideScope(getDatabase(), scope, filters);
  if (outside) return problem(403, outside);
  try {
    // Kept like a page: the limits and every organisation's interval cost tens of milliseconds of CPU.
    const table = await cachedPage({ route: "routes/api.funnel", request, context, scope }, () => queryFunnel(getDatabase(), scope, filters));
    return tableResponse(table, format, "funnel.csv", url);
  } catch (error) {
    if (error instanceof QueryError) return problem(400, error.message);
    throw error;
  }
}
