// npm run headcount:import -- <file.csv> --wave <label>
import { importHeadcount } from "../ingest/headcount";
import { args, run, UsageError, withDatabase } from "./cli";

const USAGE = `Usage: npm run headcount:import -- <file.csv> --wave <label> [--wait <seconds>]

Imports staff in post by organisation × ESR staff group (× band) for a wave, replacing the wave's
headcount: columns organisation_code, staff_group, headcount and optionally band (docs/formats.md).`;

await run(async () => {
  const { values, positionals } = args({ wave: { type: "string" }, wait: { type: "string" } }, USAGE, true);
  if (values.help) return void console.log(USAGE);
  if (positionals.length !== 1 || !values.wave) throw new UsageError(`Give one file and --wave.\n\n${USAGE}`);
  const result = await withDatabase(values.wait, ({ db }) => importHeadcount(db, positionals[0], values.wave!));
  process.stderr.write(`Imported the headcount of wave ${values.wave}: ${result.rows} rows, ${result.organisations} organisations, ${result.staff.toLocaleString("en-GB")} staff.\n`);
});
