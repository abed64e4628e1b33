// Retention (docs/information-governance.md): a published wave's respondent-level rows — each
// respondent's pseudonym, staff group, archetype, band and month, and their ratings — are deleted
// a set number of months after publication, while every aggregate the figures are read from
// (rollups, respondent counts, submissions, headcounts, disclosure patterns) is kept, so every
// published figure stays as it was. Audit events older than their own period, and sessions past
// their timeouts, go in the same run.
import { recordEvent } from "./access/audit";
import { endExpiredSessions, type SessionLimits } from "./access/sessions";
import type { Database, Sql } from "./client";
import { InputError } from "./problems";
import { refreshStatistics } from "./statistics";
import { WAVE_LOCK_CLASS } from "./waves";

export const DEFAULT_RETENTION_MONTHS = 24;
export const DEFAULT_AUDIT_RETENTION_MONTHS = 24;

/**
 * A whole number of months from a flag or variable (`name` says which, for the message);
 * `fallback` when unset. Throws an Error whose message names the setting.
 */
export function parseMonths(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value.trim() === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} ${value}: expected a whole number of months (0 or more).`);
  return n;
}

export interface PurgeOptions {
  /** Published more than this many months ago. */
  olderThanMonths: number;
  /** Audit events older than this many months are deleted. */
  auditMonths: number;
  /** Only this wave (it must still be published and old enough). */
  waveLabel?: string;
  dryRun: boolean;
  /** Sessions past either timeout are deleted (a session read after its timeout is already refused). */
  sessions?: SessionLimits;
}

export interface WavePurge {
  wave: string;
  /** ISO timestamp of publication. */
  publishedAt: string;
  respondents: number;
  ratings: number;
}

export interface PurgeResult {
  /** Waves whose respondent-level rows were (or, in a dry run, would be) deleted. */
  waves: WavePurge[];
  /** Waves asked for with --wave whose rows had already gone: label and date. */
  alreadyPurged: { wave: string; purgedAt: string }[];
  /** Audit events older than the cut-off deleted (or that would be). */
  auditEvents: number;
  /** The audit cut-off: events before it go. */
  auditBefore: string;
  /** Expired sessions deleted (none in a dry run). */
  expiredSessions: number;
}

interface WaveRow {
  id: number;
  label: string;
  status: string;
  publishedAt: string | null;
  purgedAt: string | null;
  oldEnough: boolean;
  eligibleOn: string | null;
}

const WAVE_ROWS = `
  select id, label, status,
    to_char(published_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "publishedAt",
    to_char(respondents_purged_at at time zone 'UTC', 'YYYY-MM-DD') as "purgedAt",
    coalesce(published_at < now() - make_interval(months => $1::int), false) as "oldEnough",
    to_char((published_at + make_interval(months => $1::int)) at time zone 'UTC', 'YYYY-MM-DD') as "eligibleOn"
  from waves`;

/** The waves to purge: every published, not yet purged wave published more than N months ago, or the one asked for. */
async function wavesToPurge(db: Sql, options: PurgeOptions): Promise<{ due: WaveRow[]; alreadyPurged: WaveRow[] }> {
  const months = options.olderThanMonths;
  if (options.waveLabel === undefined) {
    const due = await db.query<WaveRow>(
      `${WAVE_ROWS} where status = 'published' and respondents_purged_at is null
         and published_at < now() - make_interval(months => $1::int)
       order by reference_date, label`,
      [months],
    );
    return { due, alreadyPurged: [] };
  }
  const [wave] = await db.query<WaveRow>(`${WAVE_ROWS} where label = $2`, [months, options.waveLabel]);
  if (!wave) throw new InputError(`There is no wave ${options.waveLabel}; \`npm run wave -- list\` shows the loaded waves.`);
  if (wave.purgedAt) return { due: [], alreadyPurged: [wave] };
  // No exceptions, --wave included: before publication the figures may still change and need the
  // rows, and the retention period is what the information-governance document promises.
  if (wave.status !== "published") {
    throw new InputError(
      `Not purged: wave ${wave.label} is ${wave.status}. Respondent-level rows are deleted only from a published wave, ` +
        `${months} months after publication: until then its figures may still change and are worked out from them.`,
    );
  }
  if (!wave.oldEnough) {
    throw new InputError(
      `Not purged: wave ${wave.label} was published on ${wave.publishedAt!.slice(0, 10)}, not more than ${months} months ago; ` +
        `its respondent-level rows are kept until ${wave.eligibleOn} under the retention period (RETENTION_MONTHS, --older-than-months). ` +
        "There are no early exceptions: to withdraw one organisation's data, use `npm run withdraw`.",
    );
  }
  return { due: [wave], alreadyPurged: [] };
}

/** Respondents and ratings a wave holds. */
async function countRows(db: Sql, waveId: number): Promise<{ respondents: number; ratings: number }> {
  const [row] = await db.query<{ respondents: number; ratings: number }>(
    `select (select count(*) from respondents where wave_id = $1)::int as respondents,
            (select count(*) from ratings where respondent_id in (select id from respondents where wave_id = $1))::int as ratings`,
    [waveId],
  );
  return row;
}

/** Deletes one wave's respondent-level rows in one transaction, marks the wave, records the event; null if it no longer qualifies. */
async function purgeWave(db: Database, wave: WaveRow, months: number): Promise<WavePurge | null> {
  return db.transaction(async (tx) => {
    // One writer per wave: a withdrawal or crosswalk import waits, and is waited for.
    await tx.query("select pg_advisory_xact_lock($1, hashtext($2))", [WAVE_LOCK_CLASS, wave.label]);
    const [still] = await tx.query<WaveRow>(`${WAVE_ROWS} where id = $2 and status = 'published' and respondents_purged_at is null`, [months, wave.id]);
    if (!still?.oldEnough) return null;
    const counts = await countRows(tx, wave.id);
    // Ratings first: they carry no foreign key to their respondents.
    await tx.query("delete from ratings where respondent_id in (select id from respondents where wave_id = $1)", [wave.id]);
    await tx.query("delete from respondents where wave_id = $1", [wave.id]);
    await tx.query("update waves set respondents_purged_at = now() where id = $1", [wave.id]);
    const done = { wave: wave.label, publishedAt: still.publishedAt!, ...counts };
    await recordEvent(tx, { command: "purge" }, "purge", {
      detail: { wave: done.wave, published_at: done.publishedAt, respondents: done.respondents, ratings: done.ratings, older_than_months: months },
    });
    return done;
  });
}

/** Deletes audit events older than the cut-off, in a transaction allowed to (migration 0014's trigger). */
async function purgeAuditEvents(db: Database, months: number, dryRun: boolean): Promise<{ count: number; before: string }> {
  const [{ before }] = await db.query<{ before: string }>(
    `select to_char((now() - make_interval(months => $1::int)) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as before`,
    [months],
  );
  if (dryRun) {
    const [{ n }] = await db.query<{ n: number }>("select count(*)::int as n from audit_events where at < $1::timestamptz", [before]);
    return { count: n, before };
  }
  const count = await db.transaction(async (tx) => {
    await tx.query("select set_config('capgap.audit_purge', 'on', true)");
    const deleted = await tx.query<{ id: number }>("delete from audit_events where at < $1::timestamptz returning id", [before]);
    if (deleted.length) {
      await recordEvent(tx, { command: "purge" }, "purge", { detail: { audit_events: deleted.length, before, older_than_months: months } });
    }
    return deleted.length;
  });
  return { count, before };
}

/** `npm run purge`: what was deleted (or, with dryRun, what would be). */
export async function purgeRespondentData(db: Database, options: PurgeOptions): Promise<PurgeResult> {
  const { due, alreadyPurged } = await wavesToPurge(db, options);
  const waves: WavePurge[] = [];
  for (const wave of due) {
    if (options.dryRun) {
      waves.push({ wave: wave.label, publishedAt: wave.publishedAt!, ...(await countRows(db, wave.id)) });
    } else {
      const done = await purgeWave(db, wave, options.olderThanMonths);
      if (done) waves.push(done);
    }
  }
  const audit = await purgeAuditEvents(db, options.auditMonths, options.dryRun);
  if (!options.dryRun && waves.length) await refreshStatistics(db);
  const expiredSessions = !options.dryRun && options.sessions ? await endExpiredSessions(db, options.sessions) : 0;
  return {
    expiredSessions,
    waves,
    alreadyPurged: alreadyPurged.map((w) => ({ wave: w.label, purgedAt: w.purgedAt! })),
    auditEvents: audit.count,
    auditBefore: audit.before,
  };
}
