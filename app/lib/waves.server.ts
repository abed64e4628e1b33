// Which Wave a page shows: the one named in ?wave=, else the latest by reference date.
import type { Sql } from "~db/client";
import { listWaves, type Wave } from "~db/waves";
import { waveName } from "./format";
import { badRequest } from "./http.server";
import { withWaveLabel } from "./links";

export interface WaveOption {
  label: string;
  name: string;
}

export interface WaveChoice {
  /** Null when no wave is loaded yet. */
  wave: Wave | null;
  options: WaveOption[];
}

export async function chooseWave(db: Sql, requested: string | null): Promise<WaveChoice> {
  const waves = await listWaves(db);
  const options = waves.map((w) => ({ label: w.label, name: waveName(w.label) }));
  const wanted = requested?.trim();
  if (!wanted) return { wave: waves[waves.length - 1] ?? null, options };
  const wave = waves.find((w) => w.label === wanted);
  if (!wave) {
    throw badRequest(
      `There is no survey wave called “${wanted}”. ` +
        (waves.length ? `Choose one of: ${options.map((o) => o.label).join(", ")}.` : "No waves are loaded yet."),
    );
  }
  return { wave, options };
}

/** A link to `path` that keeps the chosen wave. */
export function withWave(path: string, wave: Wave | null): string {
  return withWaveLabel(path, wave?.label);
}
