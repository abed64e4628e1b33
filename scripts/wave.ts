// npm run wave -- list
// npm run wave -- set <label> [--reference-date YYYY-MM-DD|data] [--status open|closed|published]
import { listWaves, setWave, type Wave } from "../ingest/waves";
import { args, run, UsageError, withDatabase } from "./cli";

const USAGE = `Usage: npm run wave -- list
       npm run wave -- set <label> [--reference-date YYYY-MM-DD|data] [--status open|closed|published]

A wave's reference date orders waves and fixes which ICB and region each organisation counts in.
By default it is the median assessment month of the wave's data; --reference-date data restores that.`;

const line = (w: Wave) =>
  [
    w.label,
    w.status,
    w.referenceDate,
    w.referenceDateSource === "set" ? "set" : "from data",
    `${w.windowStart}..${w.windowEnd}`,
    w.frameworkVersion,
    w.publishedAt ?? "",
    w.respondentsPurgedAt ?? "",
  ].join("\t");

await run(async () => {
  const { values, positionals } = args(
    { "reference-date": { type: "string" }, status: { type: "string" }, wait: { type: "string" } },
    USAGE,
    true,
  );
  const [command, label] = positionals;
  if (values.help || !command) return void console.log(USAGE);
  if (command === "list") {
    const waves = await withDatabase(values.wait, ({ db }) => listWaves(db));
    console.log(["label", "status", "reference_date", "source", "window", "framework", "published_at", "respondents_purged_at"].join("\t"));
    for (const w of waves) console.log(line(w));
    return;
  }
  if (command !== "set" || !label) throw new UsageError(USAGE);
  if (values["reference-date"] === undefined && values.status === undefined) {
    throw new UsageError(`Say what to set: --reference-date and/or --status.\n\n${USAGE}`);
  }
  const wave = await withDatabase(values.wait, ({ db }) =>
    db.transaction((tx) => setWave(tx, label, { referenceDate: values["reference-date"], status: values.status })),
  );
  console.log(line(wave));
});
