// npm run generate -- --out <dir> [--trusts N] [--respondents M] [--waves W] [--seed S]
// npm run generate -- --demo        (loads the demo dataset into an empty database)
import { loadDemo, writeExports } from "../ingest/demo";
import { DEMO_OPTIONS, defaultWaves } from "../ingest/synthetic/generate";
import { demoOptions } from "../ingest/synthetic/demo-options";
import { loadSyntheticInputs } from "../ingest/synthetic/inputs";
import { pseudonymKey } from "../ingest/pseudonym";
import { args, run, UsageError, withDatabase } from "./cli";

const USAGE = `Usage: npm run generate -- --out <dir> [--trusts N] [--respondents M] [--waves W] [--seed S]
       npm run generate -- --demo [--wait <seconds>]

Writes synthetic trust exports (layout v1), one CSV per trust per wave, as <dir>/<wave>/<ODS code>.csv,
with a ${"SYNTHETIC.json"} marker so that loading them flags the data synthetic. Deterministic for a seed.
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
  const byWave = writeExports(values.out, options);
  for (const [wave, files] of byWave) {
    process.stderr.write(`${wave}: ${files.length} files in ${values.out}/${wave}\n`);
    console.log(`npm run ingest -- ${values.out}/${wave} --wave ${wave}`);
  }
});
