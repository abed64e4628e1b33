// Framework facts the pages need beside the figures.
import type { Sql } from "../client";

/** Codes of the capabilities whose text is illustrative (not the official wording) in a wave's framework. */
export async function illustrativeCapabilities(db: Sql, waveLabel: string): Promise<Set<string>> {
  const rows = await db.query<{ code: string }>(
    `select c.code from capabilities c join waves w on w.framework_id = c.framework_id
     where w.label = $1 and c.illustrative`,
    [waveLabel],
  );
  return new Set(rows.map((r) => r.code));
}
