// npm run priorities -- [--grain capability|domain] [--wave W] [--region Y56 | --icb QWE | --organisation RXX] [--format csv|json|arrow]
import { encode, type Format, FORMATS } from "../db/analytics/formats";
import { PRIORITY_FILTERS, type PriorityGrain, queryPriorities } from "../db/analytics/priorities";
import { NATIONAL } from "../db/analytics/scope";
import type { Filters } from "../db/analytics/dimensions";
import { args, run, UsageError, withDatabase } from "./cli";

const USAGE = `Usage: npm run priorities -- [--grain capability|domain] [--wave <label>] [--region <code>] [--icb <code>]
         [--organisation <code>] [--format csv|json|arrow]

The commissioning-priority list: for each capability × staff group in the area, the estimated
number of staff below it (headcount × share of respondents not meeting it), with its 95% interval,
or with --grain domain, for each domain × staff group the staff below their expected level,
ranked by the interval's lower end. Needs the wave's headcount (npm run headcount:import). Strata
too small to publish borrow their ICB's, region's or England's rate and are flagged borrowed.
Without --wave the latest wave. See docs/metrics.md, "Commissioning priorities".`;

await run(async () => {
  const { values } = args(
    { ...Object.fromEntries(PRIORITY_FILTERS.map((f) => [f, { type: "string" as const }])), format: { type: "string" }, wait: { type: "string" }, grain: { type: "string" } },
    USAGE,
  );
  if (values.help) return void console.log(USAGE);
  const format = (values.format ?? "csv") as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format ${values.format}: use csv, json or arrow.`);
  const filters: Filters = {};
  for (const f of PRIORITY_FILTERS) {
    const v = (values as Record<string, string | undefined>)[f];
    if (v !== undefined) filters[f] = v;
  }
  const table = await withDatabase(values.wait, ({ db }) => queryPriorities(db, NATIONAL, filters, undefined, (values.grain ?? "capability") as PriorityGrain));
  const out = encode(table, format);
  process.stdout.write(typeof out === "string" ? out : Buffer.from(out));
  if (format === "csv") process.stderr.write(`${table.rows.length} rows; wave ${table.meta.waves.join(", ")}; ranked ${table.meta.priorities!.ranking}${table.meta.synthetic ? "; SYNTHETIC demo data" : ""}\n`);
});
