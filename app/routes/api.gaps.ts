// GET /api/gaps?by=region,domain&wave=W&organisation=RXX[&compare_to=W0[&unmatched=true]][&provisional=true][&attainment=true][&format=csv|json|arrow]
// The gaps table as CSV, JSON ({ meta, rows }) or Arrow IPC, chosen by format= or the Accept header;
// with compare_to, the change since that earlier wave (docs/metrics.md, "Trends"); with attainment,
// attained levels per domain cell ("Attained level").
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
  const filters = readFilters(url, FILTERS, ["by", "format", "compare_to", "unmatched", "provisional", "attainment"]);
  if (filters instanceof Response) return filters;
  const by = (url.searchParams.get("by") ?? "").split(",").map((d) => d.trim()).filter(Boolean);
  const unmatched = url.searchParams.get("unmatched");
  if (unmatched !== null && unmatched !== "true" && unmatched !== "false") return problem(400, `unmatched=${unmatched}: use true or false.`);
  const compareTo = url.searchParams.get("compare_to") ?? undefined;
  const provisional = url.searchParams.get("provisional");
  if (provisional !== null && provisional !== "true" && provisional !== "false") return problem(400, `provisional=${provisional}: use true or false.`);
  const attainment = url.searchParams.get("attainment");
  if (attainment !== null && attainment !== "true" && attainment !== "false") return problem(400, `attainment=${attainment}: use true or false.`);
  if (unmatched !== null && !compareTo) return problem(400, "unmatched applies to a comparison: give compare_to as well.");
  try {
    return tableResponse(await queryGaps(getDatabase(), NATIONAL, { by, filters, compareTo, unmatched: unmatched === "true", provisional: provisional === "true", attainment: attainment === "true" }), format, "gaps.csv");
  } catch (error) {
    if (error instanceof QueryError) return problem(400, error.message);
    throw error;
  }
}
