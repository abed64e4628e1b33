// The choices a page's filter form offers: the reference lists, and the domains of the framework
// version the shown wave was assessed against.
import type { Sql } from "~db/client";
import type { Wave } from "~db/waves";

export interface Option {
  code: string;
  name: string;
}

export interface FilterOptions {
  archetypes: Option[];
  staffGroups: Option[];
  bands: Option[];
  domains: Option[];
  levels: Option[];
}

export async function filterOptions(db: Sql, wave: Wave | null): Promise<FilterOptions> {
  const [archetypes, staffGroups, bands, domains] = await Promise.all([
    db.query<Option>("select code, name from archetypes order by sort_order"),
    db.query<Option>("select code, name from staff_groups order by sort_order"),
    db.query<Option>("select code, name from bands order by sort_order"),
    wave
      ? db.query<Option>(
          "select code, title as name from framework_nodes where framework_id = $1 and node_type = 'domain' order by sort_order",
          [wave.frameworkId],
        )
      : Promise.resolve([]),
  ]);
  const levels = [1, 2, 3, 4].map((n) => ({ code: String(n), name: `Level ${n}` }));
  return { archetypes, staffGroups, bands, domains, levels };
}
