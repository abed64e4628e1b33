// Complementary suppression, stored (decision 017): each wave's pattern is worked out once on the
// full national data, whoever is asking, and kept with the k and data version it was worked out
// for. Every published table reads it; a pattern older than the wave's data (a load or withdrawal
// since) or for another k is worked out again before anything is published.
import type { Sql } from "../client";
import { Cube, type CubeStructure } from "./cube";

/** The wave's data version: changes with every committed load, supersession or withdrawal, and with its reference date. */
async function dataVersion(db: Sql, waveId: number): Promise<string> {
  const [row] = await db.query<{ version: string }>(
    `select concat_ws('/', w.reference_date, count(s.id), max(s.id), max(s.ended_at)) as version
     from waves w left join submissions s on s.wave_id = w.id where w.id = $1 group by w.id, w.reference_date`,
    [waveId],
  );
  return row?.version ?? "";
}

/** Patterns already read, by database handle, wave, k and version. */
const memory = new WeakMap<Sql, Map<string, Set<string>>>();

/** The cells of each wave hidden to protect others (beyond those under k), as cell keys. */
export async function hiddenCells(db: Sql, waveIds: number[], k: number): Promise<Map<number, Set<string>>> {
  const out = new Map<number, Set<string>>();
  const known = memory.get(db) ?? memory.set(db, new Map()).get(db)!;
  for (const waveId of waveIds) {
    const version = await dataVersion(db, waveId);
    const id = JSON.stringify([waveId, k, version]);
    let hidden = known.get(id);
    if (!hidden) {
      const [stored] = await db.query<{ hidden: string[] }>(
        "select hidden from disclosure_patterns where wave_id = $1 and k = $2 and data_version = $3",
        [waveId, k, version],
      );
      hidden = new Set(stored ? stored.hidden : await workOut(db, waveId, k, version));
      if (known.size > 50) known.clear();
      known.set(id, hidden);
    }
    out.set(waveId, hidden);
  }
  return out;
}

/**
 * Makes sure every wave's pattern is current (the server calls it at start, so that the first page
 * does not wait for it). Returns the number of waves.
 */
export async function prepareDisclosure(db: Sql, k: number): Promise<number> {
  const waves = await db.query<{ id: number }>("select id from waves");
  await hiddenCells(db, waves.map((w) => w.id), k);
  return waves.length;
}

/** Works out a wave's pattern from its rollups and stores it (one statement: whole or not at all). */
export async function workOut(db: Sql, waveId: number, k: number, version = ""): Promise<string[]> {
  const structure = await structureOf(db, waveId);
  const cube = new Cube(structure);
  // A grain at a time from the tables themselves (the rollup_cells view unpacks capability arrays
  // through a join: several times slower for a whole national wave).
  for (const grain of ["all", "domain", "sub_domain", "level", "domain_level"]) {
    const rows = await db.query<{ o: string; s: string; a: string; b: string; key: string; n: number }>(
      `select organisation_code as o, staff_group_code as s, archetype_code as a, coalesce(band_code, '') as b, grain_key as key, respondents as n
       from rollups where wave_id = $1 and grain = $2`,
      [waveId, grain],
    );
    for (const r of rows) cube.addRollup(r.o, [r.s, r.a, r.b], grain, r.key, r.n);
  }
  // Capability arrays: element i is the capability at sort_order i + 1; respondents = required.
  const codeAt = new Map(structure.capabilities.map((c) => [c.position, c.code]));
  const arrays = await db.query<{ o: string; s: string; a: string; b: string; required: number[] }>(
    `select organisation_code as o, staff_group_code as s, archetype_code as a, coalesce(band_code, '') as b, required
     from capability_rollups where wave_id = $1`,
    [waveId],
  );
  for (const r of arrays) {
    r.required.forEach((n, i) => {
      const code = codeAt.get(i + 1);
      if (n > 0 && code !== undefined) cube.addRollup(r.o, [r.s, r.a, r.b], "capability", code, n);
    });
  }
  const hidden = cube.complementary(k).map((cell) => cube.keyOf(cell));
  await db.query(
    `insert into disclosure_patterns (wave_id, k, data_version, hidden, computed_at) values ($1, $2, $3, $4::text[], now())
     on conflict (wave_id) do update set k = excluded.k, data_version = excluded.data_version, hidden = excluded.hidden, computed_at = excluded.computed_at`,
    [waveId, k, version || (await dataVersion(db, waveId)), hidden],
  );
  return hidden;
}

/** The cube's structure, each capability with its position in the capability rollup arrays (sort_order). */
type WaveStructure = Omit<CubeStructure, "capabilities"> & { capabilities: (CubeStructure["capabilities"][number] & { position: number })[] };

async function structureOf(db: Sql, waveId: number): Promise<WaveStructure> {
  const organisations = await db.query<{ code: string; icb: string; region: string }>(
    `select distinct ro.organisation_code as code, m.icb_code as icb, m.region_code as region
     from rollups ro join waves w on w.id = ro.wave_id
     join organisation_memberships m on m.organisation_code = ro.organisation_code
       and w.reference_date between m.valid_from and coalesce(m.valid_to, 'infinity'::date)
     where ro.wave_id = $1 and ro.grain = 'all' order by 1`,
    [waveId],
  );
  const people = await db.query<{ s: string; a: string; b: string }>(
    "select distinct staff_group_code as s, archetype_code as a, coalesce(band_code, '') as b from rollups where wave_id = $1 and grain = 'all'",
    [waveId],
  );
  const nodes = await db.query<{ code: string; type: string; domain: string }>(
    `select n.code, n.node_type as type, n.domain_code as domain from framework_nodes n join waves w on w.framework_id = n.framework_id
     where w.id = $1 and n.node_type in ('domain', 'sub_domain') order by n.sort_order`,
    [waveId],
  );
  const capabilities = await db.query<{ code: string; domain: string; sub_domain: string | null; level: number; position: number }>(
    `select c.code, c.domain_code as domain, c.level, c.sort_order as position,
       (select cn.node_code from capability_nodes cn where cn.capability_id = c.id and cn.node_type = 'sub_domain') as sub_domain
     from capabilities c join waves w on w.framework_id = c.framework_id where w.id = $1 order by c.sort_order`,
    [waveId],
  );
  const distinct = (values: string[]) => [...new Set(values)].sort();
  return {
    organisations,
    staffGroups: distinct(people.map((p) => p.s)),
    archetypes: distinct(people.map((p) => p.a)),
    bands: distinct(people.map((p) => p.b)),
    domains: nodes.filter((n) => n.type === "domain").map((n) => n.code),
    subDomains: nodes.filter((n) => n.type === "sub_domain").map((n) => ({ code: n.code, domain: n.domain })),
    capabilities: capabilities.map((c) => ({ code: c.code, domain: c.domain, subDomain: c.sub_domain, level: Number(c.level), position: Number(c.position) })),
  };
}
