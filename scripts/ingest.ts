// npm run ingest -- <files or folders> --wave <label> [--framework <version>] [--synthetic] [--dry-run] [--report <rejects.csv>] [--wait <s>]
import { pseudonymKey } from "../ingest/pseudonym";
import { expandInputs, isMarkedSynthetic } from "../ingest/files";
import { ingestFiles } from "../ingest/ingest";
import { ProblemReport } from "../ingest/report";
import { args, run, UsageError, withDatabase } from "./cli";

const USAGE = `Usage: npm run ingest -- <file.csv or folder> … --wave <label> [--framework <version>] [--synthetic]
       [--dry-run] [--report <rejects.csv>] [--wait <seconds>]

Loads trust exports (layout v1, docs/formats.md). Each file is all-or-nothing: any invalid row rejects it.
--dry-run validates and reports without loading or recording anything.
--report writes every problem (file, row, column, problem) to a CSV file, not only the first 20 per file.
Exit code 0 when every file loaded (or was already loaded), 1 when any file was rejected, 2 for usage or configuration errors.`;

await run(async () => {
  const { values, positionals } = args(
    {
      wave: { type: "string" },
      framework: { type: "string" },
      synthetic: { type: "boolean" },
      "dry-run": { type: "boolean" },
      report: { type: "string" },
      wait: { type: "string" },
    },
    USAGE,
    true,
  );
  if (values.help) return void console.log(USAGE);
  if (!values.wave) throw new UsageError(`--wave is required.\n\n${USAGE}`);
  if (positionals.length === 0) throw new UsageError(`Name at least one file or folder.\n\n${USAGE}`);
  const files = expandInputs(positionals);
  const key = pseudonymKey();
  const report = values.report ? new ProblemReport(values.report) : null;
  const outcomes = await withDatabase(values.wait, ({ db }) =>
    ingestFiles(db, files, {
      waveLabel: values.wave!,
      frameworkVersion: values.framework,
      synthetic: (file) => Boolean(values.synthetic) || isMarkedSynthetic(file),
      key,
      dryRun: values["dry-run"],
      onProblem: report ? (p) => report.add(p) : undefined,
    }),
  ).finally(() => report?.close());
  const count = (status: string) => outcomes.filter((o) => o.status === status).length;
  const rejected = count("rejected");
  process.stderr.write(
    values["dry-run"]
      ? `Dry run: ${count("valid")} valid, ${count("already-loaded")} already loaded, ${rejected} rejected; nothing was loaded.\n`
      : `${count("loaded")} loaded, ${count("already-loaded")} already loaded, ${rejected} rejected.\n`,
  );
  if (report) process.stderr.write(`Problems written to ${values.report}.\n`);
  return rejected > 0 ? 1 : 0;
});
