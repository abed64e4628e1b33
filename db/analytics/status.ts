// What every page shows about the data themselves: whether synthetic data are loaded, when the
// data last changed, and which waves exist.
import type { Database, Sql } from "../client";
import { listWaves, type Wave } from "../waves";
import type { Scope } from "./scope";

export interface DataStatus {
  /**
   * Changes whenever a load, withdrawal, headcount, framework, crosswalk or reference-data import,
   * or a wave's change commits: a cache key for figures and pages (tests/integration/data-version.test.ts).
   */
  version: string;
  synthetic: boolean;
  /** When the last file was loaded (ISO, UTC), or null before any load. */
  dataAsAt: string | null;
  waves: Wave[];
}

/** Reads in progress, by database handle, with the handle's change count when each began. */
const reading = new WeakMap<Sql, { changes: number | undefined; read: Promise<DataStatus> }>();
/** The embedded database's last status, valid while its change count stays the same (Database.changes). */
const known = new WeakMap<Sql, { changes: number; status: DataStatus }>();

/**
 * The data status. Every page request asks (the page cache keys on the version), so callers
 * asking while a read is in progress share it; and on the embedded database, which only this
 * process writes, the last status stands until a statement that may write has finished.
 */
export function dataStatus(db: Sql): Promise<DataStatus> {
  const changes = (db as Partial<Database>).changes?.();
  const last = known.get(db);
  if (last && last.changes === changes) return Promise.resolve(last.status);
  const running = reading.get(db);
  if (running && running.changes === changes) return running.read;
  const read = readDataStatus(db).then((status) => {
    if (changes !== undefined) known.set(db, { changes, status });
    return status;
  });
  const entry = { changes, read };
  reading.set(db, entry);
  const done = () => reading.get(db) === entry && reading.delete(db);
  read.then(done, done);
  return read;
}

async function readDataStatus(db: Sql): Promise<DataStatus> {
  const [row] = await db.query<{ synthetic: boolean; data_as_at: string | null; version: string }>(
    `select exists (select 1 from submissions s join batches b on b.id = s.batch_id
                    where s.status = 'current' and b.synthetic) as synthetic,
            to_char(max(loaded_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as data_as_at,
            concat_ws('/', max(id), (select max(ended_at) from submissions), (select max(imported_at) from headcounts),
                      (select string_agg(concat_ws(':', id, reference_date, status, case when respondents_purged_at is not null then 'purged' end), ',' order by id) from waves),
                      (select string_agg(concat_ws(':', id, extract(epoch from imported_at)), ',' order by id) from crosswalks),
                      (select max(id) from frameworks), (select extract(epoch from max(loaded_at)) from reference_loads)) as version
     from batches`,
  );
  return { version: row.version, synthetic: row.synthetic, dataAsAt: row.data_as_at, waves: await listWaves(db) };
}

/** Organisations with at least one respondent in the wave, within the scope. */
export async function organisationsReporting(db: Sql, scope: Scope, waveLabel: string): Promise<number> {
  const params: unknown[] = [waveLabel];
  let condition = "";
  if (scope.kind !== "national") {
    params.push(scope.code);
    condition = `and ${scope.kind === "organisation" ? "ro.organisation_code" : scope.kind === "region" ? "m.region_code" : "m.icb_code"} = $2`;
  }
  const [{ n }] = await db.query<{ n: number }>(
    `select count(distinct ro.organisation_code)::int as n
     from rollups ro join waves w on w.id = ro.wave_id
     join organisation_memberships m on m.organisation_code = ro.organisation_code
       and w.reference_date between m.valid_from and coalesce(m.valid_to, 'infinity'::date)
     where w.label = $1 and ro.grain = 'all' ${condition}`,
    params,
  );
  return n;
}

/** Regions with at least one respondent in the wave (at its reference date): the region pages worth having ready. */
export async function regionsReporting(db: Sql, waveId: number): Promise<string[]> {
  const rows = await db.query<{ code: string }>(
    `select distinct m.region_code as code
     from rollups ro join waves w on w.id = ro.wave_id
     join organisation_memberships m on m.organisation_code = ro.organisation_code
       and w.reference_date between m.valid_from and coalesce(m.valid_to, 'infinity'::date)
     where ro.wave_id = $1 and ro.grain = 'all' and m.region_code is not null
     order by 1`,
    [waveId],
  );
  return rows.map((r) => r.code);
}
