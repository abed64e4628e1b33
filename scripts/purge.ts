// npm run purge -- [--older-than-months N] [--dry-run] [--wave <label>]
import { sessionLimits } from "../db/access/sessions";
import { DEFAULT_AUDIT_RETENTION_MONTHS, DEFAULT_RETENTION_MONTHS, parseMonths, purgeRespondentData } from "../db/retention";
import { args, run, UsageError, withDatabase } from "./cli";

const USAGE = `Usage: npm run purge -- [--older-than-months N] [--dry-run] [--wave <label>] [--wait <seconds>]

Deletes the respondent-level rows (respondents and their ratings) of every published wave published
more than N months ago (default RETENTION_MONTHS, ${DEFAULT_RETENTION_MONTHS}); the aggregates every figure is read
from are kept, so published figures do not change. --wave limits it to one wave, which must be
published and old enough. Audit events older than AUDIT_RETENTION_MONTHS (${DEFAULT_AUDIT_RETENTION_MONTHS}) and expired
sessions are deleted too.
--dry-run prints what would be deleted. Exit code 0: done; 1: refused; 2: usage or configuration.`;

const count = (n: number) => n.toLocaleString("en-GB");

await run(async () => {
  const { values } = args(
    { "older-than-months": { type: "string" }, "dry-run": { type: "boolean" }, wave: { type: "string" }, wait: { type: "string" } },
    USAGE,
  );
  if (values.help) return void console.log(USAGE);
  let olderThanMonths: number;
  let auditMonths: number;
  try {
    olderThanMonths =
      values["older-than-months"] !== undefined
        ? parseMonths(values["older-than-months"], "--older-than-months", DEFAULT_RETENTION_MONTHS)
        : parseMonths(process.env.RETENTION_MONTHS, "RETENTION_MONTHS", DEFAULT_RETENTION_MONTHS);
    auditMonths = parseMonths(process.env.AUDIT_RETENTION_MONTHS, "AUDIT_RETENTION_MONTHS", DEFAULT_AUDIT_RETENTION_MONTHS);
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${USAGE}`);
  }
  const dryRun = values["dry-run"] ?? false;
  const result = await withDatabase(values.wait, ({ db }) =>
    purgeRespondentData(db, { olderThanMonths, auditMonths, waveLabel: values.wave, dryRun, sessions: sessionLimits() }),
  );
  const verb = dryRun ? "Would delete" : "Deleted";
  for (const w of result.waves) {
    console.log(
      `${verb} wave ${w.wave} (published ${w.publishedAt.slice(0, 10)}): ${count(w.respondents)} respondents and ${count(w.ratings)} ratings; its aggregates are kept.`,
    );
  }
  for (const w of result.alreadyPurged) console.log(`Wave ${w.wave}'s respondent-level rows were already deleted on ${w.purgedAt}; nothing to delete.`);
  if (!result.waves.length && !result.alreadyPurged.length) {
    console.log(`No published wave's respondent-level rows are due: none was published more than ${olderThanMonths} months ago and still holds them.`);
  }
  console.log(`${verb} ${count(result.auditEvents)} audit events from before ${result.auditBefore.slice(0, 10)} (AUDIT_RETENTION_MONTHS ${auditMonths}).`);
  if (!dryRun) console.log(`Deleted ${count(result.expiredSessions)} expired sessions.`);
  if (dryRun) console.log("Dry run: nothing was deleted.");
});
