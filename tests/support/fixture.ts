// The shared test fixture: about 8 trusts in 3 regions (London, South East, East of England,
// including trusts whose ICB changed on 1 April 2026 and one that moved region), 2 waves and about
// 1,500 respondents with their headcount, generated as real CSV files and loaded through the real
// ingest and headcount import.
import path from "node:path";
import type { Database } from "../../db/client";
import { prepareDatabase } from "../../db/setup";
import { headcountFile, writeExports } from "../../ingest/demo";
import { importHeadcount } from "../../ingest/headcount";
import { ingestFiles } from "../../ingest/ingest";
import { defaultWaves, type GenerateOptions } from "../../ingest/synthetic/generate";
import { loadSyntheticInputs } from "../../ingest/synthetic/inputs";

/** RPG moves from London to the South East; RAL and RKE, RA2 and RDU, RGT and RDE change ICB. */
export const FIXTURE_ORGANISATIONS = ["RAL", "RKE", "RPG", "RA2", "RDU", "RGT", "RM1", "RDE"];
export const FIXTURE_WAVES = defaultWaves(2);
/** A fixed key, so tests can compute pseudonyms. */
export const TEST_KEY = Buffer.alloc(32, 7);

export function fixtureOptions(): GenerateOptions {
  const inputs = loadSyntheticInputs();
  return {
    seed: 424242,
    trusts: FIXTURE_ORGANISATIONS.length,
    respondentsPerWave: 750,
    waves: FIXTURE_WAVES,
    inputs: { ...inputs, organisations: inputs.organisations.filter((o) => FIXTURE_ORGANISATIONS.includes(o.code)) },
  };
}

/** Writes the fixture's CSV files under `dir`; returns the files of each wave. */
export function writeFixtureFiles(dir: string): Record<string, string[]> {
  return Object.fromEntries(writeExports(dir, fixtureOptions()));
}

export async function loadFixture(db: Database, files: Record<string, string[]>): Promise<void> {
  await prepareDatabase(db);
  for (const [wave, waveFiles] of Object.entries(files)) {
    const outcomes = await ingestFiles(db, waveFiles, { waveLabel: wave, key: TEST_KEY, synthetic: true, log: () => {} });
    const bad = outcomes.find((o) => o.status !== "loaded");
    if (bad) throw new Error(`fixture file ${path.basename(bad.file)} did not load: ${JSON.stringify(bad.problems)}`);
    // writeExports puts the wave's synthetic headcount beside the wave's folder.
    await importHeadcount(db, headcountFile(path.dirname(path.dirname(waveFiles[0])), wave), wave);
  }
}
