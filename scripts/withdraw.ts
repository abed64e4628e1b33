// npm run withdraw -- --organisation <ODS code> --wave <label>
import { withdrawSubmission } from "../ingest/withdraw";
import { args, run, UsageError, withDatabase } from "./cli";

const USAGE = "Usage: npm run withdraw -- --organisation <ODS code> --wave <label> [--wait <seconds>]";

await run(async () => {
  const { values } = args({ organisation: { type: "string" }, wave: { type: "string" }, wait: { type: "string" } }, USAGE);
  if (values.help) return void console.log(USAGE);
  if (!values.organisation || !values.wave) throw new UsageError(`--organisation and --wave are required.\n\n${USAGE}`);
  const result = await withDatabase(values.wait, ({ db }) => withdrawSubmission(db, values.organisation!, values.wave!));
  process.stderr.write(
    `Withdrew ${values.organisation.toUpperCase()} from wave ${values.wave}: ${result.respondents} respondents, ${result.rows} rows deleted.\n`,
  );
});
