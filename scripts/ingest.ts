// npm run ingest -- <files or folders> --wave <label> [--framework <version>] [--synthetic] [--wait <s>]
import { pseudonymKey } from "../ingest/pseudonym";
import { expandInputs, isMarkedSynthetic } from "../ingest/files";
import { ingestFiles } from "../ingest/ingest";
import { args, run, UsageError, withDatabase } from "./cli";

const USAGE = `Usage: npm run ingest -- <file.csv or folder> … --wave <label> [--framework <version>] [--synthetic] [--wait <seconds>]

Loads trust exports (layout v1, docs/formats.md). Each file is all-or-nothing: any invalid row rejects it.
Exit code 0 when every file loaded (or was already loaded), 1 when any file was rejected, 2 for usage or configuration errors.`;

await run(async () => {
  const { values, positionals } = args(
    { wave: { type: "string" }, framework: { type: "string" }, synthetic: { type: "boolean" }, wait: { type: "string" } },
    USAGE,
    true,
  );
  if (values.help) return void console.log(USAGE);
  if (!values.wave) throw new UsageError(`--wave is required.\n\n${USAGE}`);
  if (positionals.length === 0) throw new UsageError(`Name at least one file or folder.\n\n${USAGE}`);
  const files = expandInputs(positionals);
  const key = pseudonymKey();
  const outcomes = await withDatabase(values.wait, ({ db }) =>
    ingestFiles(db, files, {
      waveLabel: values.wave!,
      frameworkVersion: values.framework,
      synthetic: (file) => Boolean(values.synthetic) || isMarkedSynthetic(file),
      key,
    }),
  );
  const rejected = outcomes.filter((o) => o.status === "rejected").length;
  const loaded = outcomes.filter((o) => o.status === "loaded").length;
  process.stderr.write(`${loaded} loaded, ${outcomes.length - loaded - rejected} already loaded, ${rejected} rejected.\n`);
  return rejected > 0 ? 1 : 0;
});
