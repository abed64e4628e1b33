// The query planner's statistics on the tables the figures are summed from. A bulk load changes
// them wholesale, and the embedded database (PGlite) has no autovacuum to notice: without fresh
// statistics the planner guessed one row where there were hundreds and unpacked every
// capability's arrays once per capability (a filtered capability table took 35 s, not 1 s).
// PostgreSQL would analyze eventually; doing it at once keeps the first page after a load fast.
import type { Sql } from "./client";

export const ANALYZED_TABLES = ["rollups", "capability_rollups", "attainment_rollups", "respondents", "respondent_counts", "submissions", "headcounts"] as const;

export async function refreshStatistics(db: Sql): Promise<void> {
  await db.query(`analyze ${ANALYZED_TABLES.join(", ")}`);
}

/** Analyzes once if the tables hold rows the planner has never seen (a database loaded before this was done). */
export async function refreshStatisticsIfMissing(db: Sql): Promise<boolean> {
  const [row] = await db.query<{ missing: boolean }>(
    `select exists (select 1 from capability_rollups) and not exists (select 1 from pg_stats where tablename = 'capability_rollups') as missing`,
  );
  if (row?.missing) await refreshStatistics(db);
  return Boolean(row?.missing);
}
