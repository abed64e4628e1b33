// Complementary suppression, attacked through the query layer: every table of the published cube
// for the fixture's latest wave is read as a user would read it, and along every hierarchy no
// hidden cell may be worked out by subtracting visible cells from a visible total, or by adding
// visible parts; no visible cell may have fewer than k respondents.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryCells, queryGaps } from "../../db/analytics/gaps";
import { NATIONAL } from "../../db/analytics/scope";
import { openFixture, TARGETS, type TestDatabase } from "../support/databases";
import { FIXTURE_WAVES } from "../support/fixture";

const LATEST = FIXTURE_WAVES[FIXTURE_WAVES.length - 1].label;
const K = 10;
const GEOGRAPHY = [null, "region", "icb", "organisation"] as const;
const STAFF = ["staff_group", "archetype", "band"] as const;
const STAFF_SETS = [[], ["staff_group"], ["archetype"], ["band"], ["staff_group", "archetype"], ["staff_group", "band"], ["archetype", "band"]] as const;
const GRAINS = [[], ["domain"], ["sub_domain"], ["capability"], ["level"], ["domain", "level"]] as const;

type Published = { hidden: boolean; respondents: number };

// One database: the pattern and the queries are the same SQL on both, and every table is read.
describe.each(TARGETS.slice(-1))("complementary suppression on %s", (target) => {
  let t: TestDatabase;
  /** Every published cell of the wave by key: geography|staff group|archetype|band|grain|key. */
  const cells = new Map<string, Published>();
  beforeAll(async () => {
    t = await openFixture(target);
    for (const geography of GEOGRAPHY) {
      for (const staff of STAFF_SETS) {
        for (const framework of GRAINS) {
          const by = [...(geography ? [geography] : []), ...staff, ...framework];
          const request = { by, filters: { wave: LATEST } };
          const table = await queryGaps(t.db, NATIONAL, request, K);
          const exact = (await queryCells(t.db, NATIONAL, request)).cells;
          table.rows.forEach((row, i) => {
            const place = geography ? `${geography}|${row[geography]}` : "england|";
            const people = STAFF.map((d) => ((staff as readonly string[]).includes(d) ? String(row[d] ?? "") : "*")).join("|");
            const grain = framework.length === 2 ? "domain_level" : (framework[0] ?? "all");
            const key = framework.length === 2 ? `${row.domain}:${row.level}` : framework.length ? String(row[framework[0]]) : "";
            cells.set(`${place}|${people}|${grain}|${key}`, { hidden: row.suppressed === true, respondents: exact[i].respondents });
          });
        }
      }
    }
  }, 300_000);
  afterAll(() => t.close());

  /** Parent and child keys along every hierarchy, built from the reference data and the framework, independently of the query layer. */
  async function relations(): Promise<[string, string[]][]> {
    const out: [string, string[]][] = [];
    const [wave] = await t.db.query<{ reference_date: string }>("select reference_date::text from waves where label = $1", [LATEST]);
    const members = await t.db.query<{ organisation: string; icb: string; region: string }>(
      `select organisation_code as organisation, icb_code as icb, region_code as region from organisation_memberships
       where $1::date between valid_from and coalesce(valid_to, 'infinity'::date)`,
      [wave.reference_date],
    );
    const caps = await t.db.query<{ code: string; domain: string; level: number; sub_domain: string | null }>(
      `select c.code, c.domain_code as domain, c.level, (select node_code from capability_nodes cn where cn.capability_id = c.id and cn.node_type = 'sub_domain') as sub_domain
       from capabilities c join waves w on w.framework_id = c.framework_id where w.label = $1`,
      [LATEST],
    );
    const subs = await t.db.query<{ code: string; domain: string }>(
      "select n.code, n.domain_code as domain from framework_nodes n join waves w on w.framework_id = n.framework_id where w.label = $1 and n.node_type = 'sub_domain'",
      [LATEST],
    );
    const geoGroups = new Map<string, string[][]>();
    const group = (parent: string, kind: string, child: string) => {
      const groups = geoGroups.get(parent) ?? geoGroups.set(parent, []).get(parent)!;
      const existing = groups.find((g) => g[0].startsWith(kind));
      if (!existing) groups.push([child]);
      else if (!existing.includes(child)) existing.push(child);
    };
    for (const m of members) {
      group("england|", "region|", `region|${m.region}`);
      group(`region|${m.region}`, "icb|", `icb|${m.icb}`);
      group(`region|${m.region}`, "organisation|", `organisation|${m.organisation}`);
      group(`icb|${m.icb}`, "organisation|", `organisation|${m.organisation}`);
    }
    const frameGroups = new Map<string, string[][]>();
    const frame = (parent: string, children: string[]) => (frameGroups.get(parent) ?? frameGroups.set(parent, []).get(parent)!).push(children);
    const domains = [...new Set(caps.map((c) => c.domain))];
    const levels = [...new Set(caps.map((c) => c.level))];
    frame("all|", domains.map((d) => `domain|${d}`));
    frame("all|", levels.map((l) => `level|${l}`));
    for (const d of domains) {
      frame(`domain|${d}`, [...subs.filter((x) => x.domain === d).map((x) => `sub_domain|${x.code}`), ...caps.filter((c) => c.domain === d && !c.sub_domain).map((c) => `capability|${c.code}`)]);
      frame(`domain|${d}`, levels.map((l) => `domain_level|${d}:${l}`));
      for (const l of levels) frame(`domain_level|${d}:${l}`, caps.filter((c) => c.domain === d && c.level === l).map((c) => `capability|${c.code}`));
    }
    for (const x of subs) frame(`sub_domain|${x.code}`, caps.filter((c) => c.sub_domain === x.code).map((c) => `capability|${c.code}`));
    for (const l of levels) frame(`level|${l}`, domains.map((d) => `domain_level|${d}:${l}`));
    const split = [...cells.keys()].map((k) => k.split("|"));
    const staffValues = STAFF.map((_, i) => [...new Set(split.map((k) => k[2 + i]).filter((v) => v !== "*"))]);

    // Every published cell as a parent, along each hierarchy it heads.
    for (const k of split) {
      const [place, person, fw] = [`${k[0]}|${k[1]}`, k.slice(2, 5), `${k[5]}|${k[6]}`];
      const parent = k.join("|");
      for (const children of geoGroups.get(place) ?? []) out.push([parent, children.map((c) => `${c}|${person.join("|")}|${fw}`)]);
      if (person.filter((v) => v !== "*").length < 2) {
        person.forEach((v, i) => {
          if (v === "*") out.push([parent, staffValues[i].map((value) => `${place}|${person.map((x, j) => (j === i ? value : x)).join("|")}|${fw}`)]);
        });
      }
      for (const children of frameGroups.get(fw) ?? []) out.push([parent, children.map((c) => `${place}|${person.join("|")}|${c}`)]);
    }
    return out;
  }

  it("leaves no visible cell under k and no hidden cell recoverable along any hierarchy", async () => {
    expect(cells.size).toBeGreaterThan(1000);
    const hidden = [...cells.values()].filter((c) => c.hidden).length;
    const primary = [...cells.values()].filter((c) => c.respondents < K).length;
    expect(hidden).toBeGreaterThan(primary); // complementary cells were hidden too
    for (const [key, cell] of cells) if (!cell.hidden) expect(cell.respondents, key).toBeGreaterThanOrEqual(K);
    let groups = 0;
    for (const [parentKey, childKeys] of await relations()) {
      const parent = cells.get(parentKey);
      const children = childKeys.map((k) => cells.get(k)).filter((c): c is Published => c !== undefined);
      if (!parent || children.length === 0) continue;
      groups++;
      const hiddenChildren = children.filter((c) => c.hidden).length;
      if (!parent.hidden) expect(hiddenChildren, `${parentKey}: one hidden child is its total less the visible others`).not.toBe(1);
      if (parent.hidden) expect(hiddenChildren, `${parentKey}: hidden, but the sum of its visible children`).toBeGreaterThan(0);
    }
    expect(groups).toBeGreaterThan(1000);
  });
});
