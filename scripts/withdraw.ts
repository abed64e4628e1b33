// npm run withdraw -- --organisation <ODS code> --wave <label>
import { recordEvent } from "../db/access/audit";
import { withdrawSubmission } from "../ingest/withdraw";
import { args, run, UsageError, withDatabase } from "./cli";

const USAGE = "Usage: npm run withdraw -- --organisation <ODS code> --wave <label> [--wait <seconds>]";

await run(async () => {
  const { values } = args({ organisation: { type: "string" }, wave: { type: "string" }, wait: { type: "string" } }, USAGE);
  if (values.help) return void console.log(USAGE);
  if (!values.organisation || !values.wave) throw new UsageError(`--organisation and --wave are required.\n\n${USAGE}`);
  const result = await withDatabase(values.wait, async ({ db }) => {
    const result = await withdrawSubmission(db, values.organisation!, values.wave!);
    await recordEvent(db, { command: "withdraw" }, "withdraw", { detail: { organisation: values.organisation!.toUpperCase(), wave: values.wave, respondents: result.respondents } });
    return result;
  });
  process.stderr.write(
    `Withdrew ${values.organisation.toUpperCase()} from wave ${values.wave}: ${result.respondents} respondents, ${result.rows} rows deleted.\n`,
  );
});
