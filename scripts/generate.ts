// npm run generate -- --out <dir> [--trusts N] [--respondents M] [--waves W] [--seed S] [shape options]
// npm run generate -- --demo        (loads the demo dataset into an empty database)
import { headcountFile, loadDemo, writeExports } from "../ingest/demo";
import { DEMO_OPTIONS, defaultWaves } from "../ingest/synthetic/generate";
import { demoOptions } from "../ingest/synthetic/demo-options";
import { loadSyntheticInputs } from "../ingest/synthetic/inputs";
import { loadProfile, NO_PROFILE } from "../ingest/profile";
import { pseudonymKey } from "../ingest/pseudonym";
import { DELIMITERS, type Encoding, ENCODINGS, type ExportShape } from "../ingest/synthetic/shapes";
import { args, run, UsageError, withDatabase } from "./cli";

const USAGE = `Usage: npm run generate -- --out <dir> [--trusts N] [--respondents M] [--waves W] [--seed S]
         [--layout long|wide] [--profile <name>] [--encoding ${ENCODINGS.join("|")}]
         [--delimiter comma|semicolon|tab] [--format csv|arrow|arrow-stream]
       npm run generate -- --demo [--wait <seconds>]

Writes synthetic trust exports, one file per trust per wave, as <dir>/<wave>/<ODS code>.<ext>,
with a ${"SYNTHETIC.json"} marker so that loading them flags the data synthetic, and each wave's
headcount by organisation × staff group as <dir>/headcount/<wave>.csv. Deterministic for a seed.
By default the long layout in UTF-8 CSV; the shape options write what source systems write: the wide
layout, a mapping profile's columns and labels (ingest/profiles/), Excel's encodings and delimiters
(UTF-16 LE is written tab-separated as .txt, like Excel's "Unicode text"), or Arrow IPC.
--respondents is the number of respondents per wave across all trusts (default ${DEMO_OPTIONS.respondentsPerWave}).
--demo generates the demo dataset and loads it, but only into a database holding no submissions.`;

function count(value: string | undefined, fallback: number, name: string, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`--${name} ${value}: expected a whole number from 1 to ${max}.`);
  return n;
}

await run(async () => {
  const { values } = args(
    {
      out: { type: "string" },
      demo: { type: "boolean" },
      trusts: { type: "string" },
      respondents: { type: "string" },
      waves: { type: "string" },
      seed: { type: "string" },
      wait: { type: "string" },
      layout: { type: "string" },
      profile: { type: "string" },
      encoding: { type: "string" },
      delimiter: { type: "string" },
      format: { type: "string" },
    },
    USAGE,
  );
  if (values.help) return void console.log(USAGE);
  if (values.demo) {
    const key = pseudonymKey();
    await withDatabase(values.wait, ({ db }) => loadDemo(db, key, demoOptions()));
    return;
  }
  if (!values.out) throw new UsageError(`--out <dir> or --demo is required.\n\n${USAGE}`);
  const options = {
    seed: count(values.seed, DEMO_OPTIONS.seed, "seed", 2 ** 31),
    trusts: count(values.trusts, DEMO_OPTIONS.trusts, "trusts", 202),
    respondentsPerWave: count(values.respondents, DEMO_OPTIONS.respondentsPerWave, "respondents", 2_000_000),
    waves: defaultWaves(count(values.waves, 2, "waves", 4)),
    inputs: loadSyntheticInputs(),
  };
  const shape = exportShape(values);
  const byWave = writeExports(values.out, options, shape);
  const profile = shape.profile.name ? ` --profile ${values.profile}` : "";
  for (const [wave, files] of byWave) {
    process.stderr.write(`${wave}: ${files.length} files in ${values.out}/${wave}\n`);
    console.log(`npm run ingest -- ${values.out}/${wave} --wave ${wave}${profile}`);
    console.log(`npm run headcount:import -- ${headcountFile(values.out, wave)} --wave ${wave}`);
  }
});

function exportShape(values: { layout?: string; profile?: string; encoding?: string; delimiter?: string; format?: string }): ExportShape {
  const profile = values.profile ? loadProfile(values.profile) : NO_PROFILE;
  const layout = values.layout ?? profile.layout ?? "long";
  if (layout !== "long" && layout !== "wide") throw new UsageError(`--layout ${layout}: expected long or wide`);
  const encoding = (values.encoding ?? "utf-8") as Encoding;
  if (!ENCODINGS.includes(encoding)) throw new UsageError(`--encoding ${encoding}: expected ${ENCODINGS.join(", ")}`);
  const delimiterName = values.delimiter ?? (encoding === "utf-16le" ? "tab" : "comma");
  if (!(delimiterName in DELIMITERS)) throw new UsageError(`--delimiter ${delimiterName}: expected comma, semicolon or tab`);
  const format = values.format ?? "csv";
  if (format !== "csv" && format !== "arrow" && format !== "arrow-stream") throw new UsageError(`--format ${format}: expected csv, arrow or arrow-stream`);
  return { layout, profile, encoding, delimiter: DELIMITERS[delimiterName as keyof typeof DELIMITERS], format };
}
