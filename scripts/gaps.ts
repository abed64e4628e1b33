// npm run gaps -- --by region,domain [--wave W] [--organisation RXX …] [--compare-to W0 [--unmatched]] [--weighted] [--attainment] [--format csv|json|arrow]
import { queryGaps } from "../db/analytics/gaps";
import { encode, type Format, FORMATS } from "../db/analytics/formats";
import { NATIONAL } from "../db/analytics/scope";
import type { Filters } from "../db/analytics/dimensions";
import { args, run, UsageError, withDatabase } from "./cli";

const FILTERS = ["wave", "region", "icb", "organisation", "staff-group", "archetype", "band", "domain", "sub-domain", "capability", "level"] as const;
const USAGE = `Usage: npm run gaps -- --by <dims> [--${FILTERS.join(" <v>] [--")} <v>]
         [--compare-to <earlier wave> [--unmatched]] [--provisional] [--weighted] [--attainment] [--format csv|json|arrow]

--by: comma-separated person dimensions (wave, region, icb, organisation, staff_group, archetype, band)
      and at most one framework grouping (domain, sub_domain, capability, level, or domain,level).
Without --wave (and without wave in --by) the latest wave is shown. Cells with fewer than k respondents are suppressed.
--compare-to adds the change since an earlier wave, over the organisations that reported in both
(--unmatched: each wave over all its organisations); waves on different framework versions are
compared through their crosswalk (npm run crosswalk:import). Grouped by wave, a series holds closed
and published waves; --provisional adds the open ones, labelled. --weighted adds headcount, response
rate (flagged below LOW_RESPONSE_THRESHOLD, default 0.2) and the gap rate weighted to the imported
headcount, with its interval and effective sample size. --attainment adds attained levels (tables
by domain only). See docs/metrics.md.`;

await run(async () => {
  const options = Object.fromEntries(FILTERS.map((f) => [f, { type: "string" as const }]));
  const { values } = args(
    { ...options, by: { type: "string" }, format: { type: "string" }, wait: { type: "string" }, "compare-to": { type: "string" }, unmatched: { type: "boolean" }, provisional: { type: "boolean" }, weighted: { type: "boolean" }, attainment: { type: "boolean" } },
    USAGE,
  );
  if (values.help) return void console.log(USAGE);
  const format = (values.format ?? "csv") as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format ${values.format}: use csv, json or arrow.`);
  const by = (values.by ?? "").split(",").map((d) => d.trim()).filter(Boolean);
  const filters: Filters = {};
  for (const f of FILTERS) {
    const v = (values as Record<string, string | undefined>)[f];
    if (v !== undefined) filters[f.replace("-", "_") as keyof Filters] = v;
  }
  if (values.unmatched && !values["compare-to"]) throw new UsageError("--unmatched applies to a comparison: give --compare-to as well.");
  const request = { by, filters, compareTo: values["compare-to"], unmatched: values.unmatched, provisional: values.provisional, weighted: values.weighted, attainment: values.attainment };
  const table = await withDatabase(values.wait, ({ db }) => queryGaps(db, NATIONAL, request));
  const out = encode(table, format);
  process.stdout.write(typeof out === "string" ? out : Buffer.from(out));
  if (format === "csv") {
    const comparison = table.meta.comparison ? `; ${table.meta.comparison.label}` : "";
    const coverage = table.meta.coverage ? `; ${table.meta.coverage.label}` : "";
    process.stderr.write(`${table.rows.length} rows; wave ${table.meta.waves.join(", ") || "(none)"}${comparison}${coverage}; ${table.meta.suppression.rule}${table.meta.synthetic ? "; SYNTHETIC demo data" : ""}\n`);
  }
});
