// npm run crosswalk:import -- [<file.csv>] --from <version> --to <version>
import { importCrosswalk } from "../ingest/crosswalk";
import { args, run, UsageError, withDatabase } from "./cli";

const USAGE = `Usage: npm run crosswalk:import -- [<file.csv>] --from <earlier version> --to <later version> [--wait <seconds>]

Imports the crosswalk between two framework versions, replacing any earlier one between them:
capabilities with the same code, level and badges are paired by default, and the file's rows
(columns from_code, to_code; docs/formats.md) pair the capabilities it names instead. Only 1:1
pairs are compared; the rest are counted as excluded. Waves on the two versions can then be
compared (npm run gaps -- --compare-to). Everything is checked first; on any problem nothing changes.`;

await run(async () => {
  const { values, positionals } = args({ from: { type: "string" }, to: { type: "string" }, wait: { type: "string" } }, USAGE, true);
  if (values.help) return void console.log(USAGE);
  if (positionals.length > 1 || !values.from || !values.to) throw new UsageError(`Give --from and --to, and at most one file.\n\n${USAGE}`);
  const result = await withDatabase(values.wait, ({ db }) => importCrosswalk(db, positionals[0] ?? null, values.from!, values.to!));
  const s = result.summary;
  process.stderr.write(
    `Imported the crosswalk from ${s.from_version} to ${s.to_version}: ${result.pairs} pairs (${result.filePairs} from the file), ` +
      `${s.capabilities_compared} compared 1:1. Excluded: ${s.from_version} ${s.earlier_not_one_to_one} not 1:1 and ${s.earlier_unpaired} unpaired; ` +
      `${s.to_version} ${s.later_not_one_to_one} not 1:1 and ${s.later_unpaired} unpaired. Crosswalked rollups built for ${result.waves} wave(s).\n`,
  );
});
