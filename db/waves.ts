// Reading waves. A wave is bound to one framework version and ordered by its reference date —
// the date at which organisation membership (ICB, region) is read. ingest/waves.ts changes them.
import type { Sql } from "./client";

export const WAVE_STATUSES = ["open", "closed", "published"] as const;
export type WaveStatus = (typeof WAVE_STATUSES)[number];

export interface Wave {
  id: number;
  label: string;
  frameworkId: number;
  frameworkVersion: string;
  referenceDate: string;
  referenceDateSource: "data" | "set";
  windowStart: string;
  windowEnd: string;
  status: WaveStatus;
}

const WAVE_SELECT = `
  select w.id, w.label, w.framework_id as "frameworkId", f.version as "frameworkVersion",
    w.reference_date as "referenceDate", w.reference_date_source as "referenceDateSource",
    w.window_start as "windowStart", w.window_end as "windowEnd", w.status
  from waves w join frameworks f on f.id = w.framework_id`;

export async function findWave(tx: Sql, label: string): Promise<Wave | undefined> {
  const [wave] = await tx.query<Wave>(`${WAVE_SELECT} where w.label = $1`, [label]);
  return wave;
}

export async function listWaves(tx: Sql): Promise<Wave[]> {
  return tx.query<Wave>(`${WAVE_SELECT} order by w.reference_date, w.label`);
}

