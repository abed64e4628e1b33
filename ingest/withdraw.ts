// Withdrawing a submission deletes its respondents and ratings, rebuilds that organisation's
// rollups for the wave, and keeps the submission row (status 'withdrawn') as the record of it.
import type { Database } from "../db/client";
import { InputError } from "../db/problems";
import { refreshStatistics } from "../db/statistics";
import { refreshCrosswalkRollups } from "./crosswalk-rollups";
import { deleteSubmissionData, WAVE_LOCK_CLASS } from "./load";
import { deleteRollups } from "./rollups";
import { findWave, refreshWave } from "./waves";

export async function withdrawSubmission(
  db: Database,
  organisationCode: string,
  waveLabel: string,
): Promise<{ respondents: number; rows: number }> {
  const organisation = organisationCode.trim().toUpperCase();
  const withdrawn = await db.transaction(async (tx) => {
    const wave = await findWave(tx, waveLabel);
    if (!wave) throw new InputError(`There is no wave ${waveLabel}; \`npm run wave -- list\` shows the loaded waves.`);
    // As a load does: one writer per wave, so a crosswalk import or a load never sees half of it.
    await tx.query("select pg_advisory_xact_lock($1, hashtext($2))", [WAVE_LOCK_CLASS, wave.label]);
    const [current] = await tx.query<{ id: number; respondents: number; rows: number }>(
      `update submissions set status = 'withdrawn', ended_at = now()
       where wave_id = $1 and organisation_code = $2 and status = 'current' returning id, respondents, rows`,
      [wave.id, organisation],
    );
    if (!current) {
      throw new InputError(`${organisation} has no current submission in wave ${waveLabel}; nothing was withdrawn.`);
    }
    await deleteSubmissionData(tx, [current.id]);
    await deleteRollups(tx, wave.id, [organisation]);
    await refreshCrosswalkRollups(tx, wave.id, [organisation]);
    await refreshWave(tx, wave.id);
    return { respondents: current.respondents, rows: current.rows };
  });
  await refreshStatistics(db);
  return withdrawn;
}
