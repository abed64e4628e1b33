// Reading waves. A wave is bound to one framework version and ordered by its reference date —
// the date at which organisation membership (ICB, region) is read. ingest/waves.ts changes them.
import type { Sql } from "./client";

export const WAVE_STATUSES = ["open", "closed", "published"] as const;

/**
 * Advisory lock class (with hashtext(label)) held by whatever changes a wave's data: loads,
 * withdrawals, crosswalk imports and the retention purge, one at a time per wave.
 */
export const WAVE_LOCK_CLASS = 7_320_417;
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
  /** ISO timestamps, or null: when it was last published, and when its respondent-level rows were purged. */
  publishedAt: string | null;
  respondentsPurgedAt: string | null;
}

const WAVE_SELECT = `
  select w.id, w.label, w.framework_id as "frameworkId", f.version as "frameworkVersion",
    w.reference_date as "referenceDate", w.reference_date_source as "referenceDateSource",
    w.window_start as "windowStart", w.window_end as "windowEnd", w.status,
    to_char(w.published_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "publishedAt",
    to_char(w.respondents_purged_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "respondentsPurgedAt"
  from waves w join frameworks f on f.id = w.framework_id`;

export async function findWave(tx: Sql, label: string): Promise<Wave | undefined> {
  const [wave] = await tx.query<Wave>(`${WAVE_SELECT} where w.label = $1`, [label]);
  return wave;
}

export async function listWaves(tx: Sql): Promise<Wave[]> {
  return tx.query<Wave>(`${WAVE_SELECT} order by w.reference_date, w.label`);
}

