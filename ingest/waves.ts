// Waves: created by the first load that names one, bound to one framework version, ordered by
// their reference date — the date at which organisation membership (ICB, region) is read.
import type { Sql } from "../db/client";
import { InputError } from "../db/problems";
import { findWave, type Wave, WAVE_STATUSES } from "../db/waves";

export { findWave, listWaves, type Wave } from "../db/waves";

export function checkWaveLabel(label: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/.test(label)) {
    throw new InputError(
      `"${label}" is not a usable wave label: use up to 40 letters, digits, dots, dashes or underscores, e.g. 2026-summer.`,
    );
  }
}

/** A file's assessment dates: respondents per assessment month (YYYY-MM-01), and the first and last day. */
export interface WaveDates {
  months: Map<string, number>;
  first: string | null;
  last: string | null;
}

/**
 * The median month of respondents, as PostgreSQL's percentile_disc(0.5) picks it (what
 * refreshWave computes over the whole wave): the first month by which half of them are counted.
 */
export function medianMonth(months: Map<string, number>): string | null {
  const sorted = [...months].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const total = sorted.reduce((n, [, count]) => n + count, 0);
  let seen = 0;
  for (const [month, count] of sorted) {
    seen += count;
    if (seen >= total / 2) return month;
  }
  return null;
}

/** Creates the wave for a first load, with its dates taken from the file's respondents. */
export async function createWave(tx: Sql, label: string, frameworkId: number, dates: WaveDates): Promise<number> {
  const [{ id }] = await tx.query<{ id: number }>(
    `insert into waves (label, framework_id, reference_date, window_start, window_end)
     values ($1, $2, $3, $4, $5) returning id`,
    [label, frameworkId, medianMonth(dates.months), dates.first, dates.last],
  );
  return id;
}

/**
 * After a load or withdrawal: widen the window to cover the new rows and move a data-derived
 * reference date to the median assessment month of the wave's current respondents. The caller
 * then checks every organisation is open on that date (organisationsNotInWave).
 */
export async function refreshWave(tx: Sql, waveId: number, dates?: WaveDates): Promise<void> {
  if (dates?.first && dates.last) {
    await tx.query(
      "update waves set window_start = least(window_start, $2::date), window_end = greatest(window_end, $3::date) where id = $1",
      [waveId, dates.first, dates.last],
    );
  }
  // percentile_disc(0.5) over the wave's current respondents, from their months' counts.
  await tx.query(
    `update waves set reference_date = coalesce(m.median, reference_date)
     from (select month as median from (
             select sm.month, sum(sum(sm.respondents)) over (order by sm.month) as seen, sum(sum(sm.respondents)) over () as total
             from submission_months sm join submissions s on s.id = sm.submission_id
             where s.wave_id = $1 and s.status = 'current' group by sm.month) c
           where seen >= total / 2.0 order by month limit 1) m
     where id = $1 and reference_date_source = 'data'`,
    [waveId],
  );
}

/** Organisations with current data in the wave that are not open, or in no ICB, on its reference date. */
export async function organisationsNotInWave(tx: Sql, waveId: number): Promise<{ code: string; reason: string }[]> {
  return tx.query<{ code: string; reason: string }>(
    `select s.organisation_code as code, case
         when o.opened_on > w.reference_date then 'is not open until ' || o.opened_on
         when o.closed_on < w.reference_date then 'closed on ' || o.closed_on
         else 'belongs to no ICB' end as reason
     from submissions s
     join waves w on w.id = s.wave_id
     join organisations o on o.code = s.organisation_code
     where s.wave_id = $1 and s.status = 'current' and (
       o.opened_on > w.reference_date or o.closed_on < w.reference_date
       or not exists (select 1 from organisation_memberships m where m.organisation_code = o.code
                      and w.reference_date between m.valid_from and coalesce(m.valid_to, 'infinity'::date)))
     order by 1`,
    [waveId],
  );
}

export interface WaveChanges {
  /** An ISO date, or "data" to go back to the median assessment month. */
  referenceDate?: string;
  status?: string;
}

/** `npm run wave -- set`: fix a wave's reference date or move its status along. */
export async function setWave(tx: Sql, label: string, changes: WaveChanges): Promise<Wave> {
  const wave = await findWave(tx, label);
  if (!wave) throw new InputError(`There is no wave ${label}; \`npm run wave -- list\` shows the loaded waves.`);
  if (changes.status !== undefined && !(WAVE_STATUSES as readonly string[]).includes(changes.status)) {
    throw new InputError(`--status ${changes.status}: use open, closed or published.`);
  }
  if (changes.referenceDate === "data") {
    await tx.query("update waves set reference_date_source = 'data' where id = $1", [wave.id]);
    await refreshWave(tx, wave.id);
  } else if (changes.referenceDate !== undefined) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(changes.referenceDate) || Number.isNaN(Date.parse(changes.referenceDate))) {
      throw new InputError(`--reference-date ${changes.referenceDate}: expected YYYY-MM-DD, or "data".`);
    }
    await tx.query("update waves set reference_date = $2, reference_date_source = 'set' where id = $1", [
      wave.id,
      changes.referenceDate,
    ]);
  }
  if (changes.status !== undefined && changes.status !== "published" && wave.respondentsPurgedAt) {
    // Nothing could be loaded or corrected from the data any more, and the figures must stay as published.
    throw new InputError(
      `Not changed: wave ${label}'s respondent-level rows were deleted on ${wave.respondentsPurgedAt.slice(0, 10)} ` +
        "under the retention policy (`npm run purge`), so it stays published; its figures are kept from the aggregates.",
    );
  }
  if (changes.status !== undefined) {
    // Retention counts from publication: publishing again keeps the first date; leaving published clears it.
    await tx.query(
      `update waves set status = $2,
         published_at = case when $2 = 'published' then coalesce(published_at, now()) end
       where id = $1`,
      [wave.id, changes.status],
    );
  }
  const outside = await organisationsNotInWave(tx, wave.id);
  if (outside.length) {
    throw new InputError(
      `Not changed: on that reference date ${outside.map((o) => `${o.code} ${o.reason}`).join(", ")}; ` +
        "every organisation in a wave must be open and in an ICB on its reference date.",
    );
  }
  return (await findWave(tx, label))!;
}
