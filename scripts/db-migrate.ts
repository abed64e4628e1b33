// npm run db:migrate — the one command that changes the schema when NODE_ENV=production.
// Migrates under an advisory lock, then loads the reference data and the bundled framework.
import { openPreparedDatabase } from "../db/setup";
import { args, run, waitSeconds } from "./cli";

await run(async () => {
  const { values } = args({ wait: { type: "string" } }, "Usage: npm run db:migrate [-- --wait <seconds>]");
  const opened = await openPreparedDatabase({ as: "owner", migrateInProduction: true, waitSeconds: waitSeconds(values.wait) });
  process.stderr.write(`Database ${opened.db.location} is up to date.\n`);
  await opened.close();
});
