// The framework's facts about each capability statement of a wave's framework version: its Domain,
// Level and archetype badges. Reference data, not figures: a table by capability carries only the
// code and statement, and the page shows where each sits in the framework beside its gap rate.
import type { Sql } from "~db/client";
import type { CapabilityFacts } from "./organisation-figures";

export async function capabilityFacts(db: Sql, frameworkId: number): Promise<Map<string, CapabilityFacts>> {
  const rows = await db.query<{ code: string; title: string; domain: string; domain_name: string; level: number; archetypes: string; illustrative: boolean; sort_order: number }>(
    `select c.code, c.title, c.domain_code as domain, d.title as domain_name, c.level, c.archetypes, c.illustrative, c.sort_order
     from capabilities c join framework_nodes d on d.framework_id = c.framework_id and d.code = c.domain_code
     where c.framework_id = $1
     order by c.sort_order`,
    [frameworkId],
  );
  return new Map(
    rows.map((r) => [
      r.code,
      {
        code: r.code,
        title: r.title,
        domain: r.domain,
        domainName: r.domain_name,
        level: Number(r.level),
        archetypes: r.archetypes,
        illustrative: r.illustrative,
        sortOrder: Number(r.sort_order),
      },
    ]),
  );
}
