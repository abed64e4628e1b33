// The commissioning-priority list through the query layer, cross-checked against the raw ratings,
// respondents and imported headcount: every stratum's share taken from its own published cell or
// borrowed from the nearest published area, on both databases.
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL, cellKey, frameworkKey, geographyKey } from "../../db/analytics/cube";
import { hiddenCells } from "../../db/analytics/disclosure";
import { queryPriorities } from "../../db/analytics/priorities";
import { NATIONAL } from "../../db/analytics/scope";
import { publishedRate } from "../../db/analytics/suppression";
import { openFixture, TARGETS, type TestDatabase } from "../support/databases";
import { ingestFiles } from "../../ingest/ingest";
import { generateExportRows } from "../../ingest/synthetic/generate";
import { PLAIN_SHAPE, shapeFile } from "../../ingest/synthetic/shapes";
import { FIXTURE_WAVES, fixtureOptions, TEST_KEY } from "../support/fixture";

const LATEST = FIXTURE_WAVES[FIXTURE_WAVES.length - 1].label;
const K = 10;

describe.each(TARGETS)("commissioning priorities on %s", (target) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openFixture(target);
    // The fixture's respondents rate every capability badged for them. RAL's latest file again,
    // with every seventh rating left out, supersedes its submission: some required capabilities go
    // unrated, so the share assessed differs from the share it applies to.
    const options = fixtureOptions();
    const exp = [...generateExportRows(options)].find((e) => e.waveLabel === LATEST && e.organisationCode === "RAL")!;
    const gappy = { ...exp, rows: exp.rows.filter((_, i) => i % 7 !== 3) };
    const { extension, bytes } = shapeFile(gappy, PLAIN_SHAPE, { capabilityCodes: options.inputs.capabilities.map((c) => c.code), staffGroups: options.inputs.staffGroups });
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "capgap-priorities-")), `RAL${extension}`);
    writeFileSync(file, bytes);
    const [outcome] = await ingestFiles(t.db, [file], { waveLabel: LATEST, key: TEST_KEY, log: () => {} });
    expect(outcome.status).toBe("loaded");
  });
  afterAll(() => t.close());

  /**
   * Staff below per (item, staff group) in `region`, from per organisation × staff group × item
   * counts: below, and assessed (the share's denominator, and the count the cell is published on),
   * scaled by the share of respondents whose archetype the item is badged for.
   */
  async function direct(region: string, grain: "capability" | "domain") {
    const [{ id: waveId }] = await t.db.query<{ id: number }>("select id from waves where label = $1", [LATEST]);
    const place = new Map(
      (await t.db.query<{ o: string; icb: string; region: string }>(
        `select m.organisation_code as o, m.icb_code as icb, m.region_code as region from organisation_memberships m, waves w
         where w.id = $1 and w.reference_date between m.valid_from and coalesce(m.valid_to, 'infinity'::date)`,
        [waveId],
      )).map((p) => [p.o, p]),
    );
    // Capabilities: straight from the ratings (required = badged for the respondent's archetype).
    // Domains: the attained levels stored at load (checked against the ratings in attainment.test.ts).
    const counts =
      grain === "capability"
        ? await t.db.query<{ o: string; s: string; item: string; below: number; published: number }>(
            `select r.organisation_code as o, r.staff_group_code as s, c.code as item,
                    (count(*) filter (where rt.rating < f.met_threshold))::int as below, count(*)::int as published
             from respondents r join ratings rt on rt.respondent_id = r.id join capabilities c on c.id = rt.capability_id
             join frameworks f on f.id = c.framework_id where r.wave_id = $1 and strpos(c.archetypes, r.archetype_code) > 0
             group by 1, 2, 3`,
            [waveId],
          )
        : await t.db.query<{ o: string; s: string; item: string; below: number; published: number }>(
            `select organisation_code as o, staff_group_code as s, domain_code as item, sum(below_expected)::int as below,
                    sum(attained_0 + attained_1 + attained_2 + attained_3 + attained_4)::int as published
             from attainment_rollups where wave_id = $1 group by 1, 2, 3`,
            [waveId],
          );
    const answered = await t.db.query<{ o: string; s: string; a: string; n: number }>(
      "select organisation_code as o, staff_group_code as s, archetype_code as a, count(*)::int as n from respondents where wave_id = $1 group by 1, 2, 3",
      [waveId],
    );
    const badges = await t.db.query<{ item: string; archetypes: string }>(
      `select ${grain === "capability" ? "c.code" : "c.domain_code"} as item, c.archetypes from capabilities c join waves w on w.framework_id = c.framework_id where w.id = $1`,
      [waveId],
    );
    const badged = (item: string, archetype: string) => badges.some((b) => b.item === item && b.archetypes.includes(archetype));
    const headcount = await t.db.query<{ o: string; s: string; n: number }>(
      "select organisation_code as o, staff_group_code as s, sum(headcount)::int as n from headcounts where wave_id = $1 group by 1, 2",
      [waveId],
    );
    const hidden = (await hiddenCells(t.db, [waveId], K)).get(waveId)!;
    const areas = (o: string) => [geographyKey("organisation", o), geographyKey("icb", place.get(o)!.icb), geographyKey("region", place.get(o)!.region), geographyKey("england")];
    const add = (m: Map<string, number>, key: string, by: number) => m.set(key, (m.get(key) ?? 0) + by);
    const below = new Map<string, number>();
    const published = new Map<string, number>();
    const people = new Map<string, number>();
    const required = new Map<string, number>();
    for (const r of counts) {
      for (const a of areas(r.o)) {
        add(below, `${a}|${r.s}|${r.item}`, r.below);
        add(published, `${a}|${r.s}|${r.item}`, r.published);
      }
    }
    const items = [...new Set(counts.map((r) => r.item))];
    for (const r of answered) {
      for (const a of areas(r.o)) {
        add(people, `${a}|${r.s}`, r.n);
        for (const item of items) if (badged(item, r.a)) add(required, `${a}|${r.s}|${item}`, r.n);
      }
    }
    const out = new Map<string, { staffBelow: number; borrowed: number; organisations: number; withheld: boolean }>();
    for (const h of headcount.filter((h) => h.n > 0 && place.get(h.o)?.region === region)) {
      for (const item of items) {
        const source = areas(h.o).findIndex(
          (a) => (published.get(`${a}|${h.s}|${item}`) ?? 0) >= K && !hidden.has(cellKey(a, [h.s, ALL, ALL], frameworkKey(grain, item))),
        );
        const a = areas(h.o)[source];
        const cell = out.get(`${item}|${h.s}`) ?? { staffBelow: 0, borrowed: 0, organisations: 0, withheld: false };
        // No published cell up to England: the estimate would rest on a suppressed count.
        if (source < 0) cell.withheld = true;
        else {
          // Below England, each factor is taken as published: to 0.1 percentage points.
          const round = (x: number) => (a === geographyKey("england") ? x : publishedRate(x));
          const scale = round((required.get(`${a}|${h.s}|${item}`) ?? 0) / people.get(`${a}|${h.s}`)!);
          cell.staffBelow += h.n * scale * round(below.get(`${a}|${h.s}|${item}`)! / published.get(`${a}|${h.s}|${item}`)!);
        }
        cell.borrowed += source > 0 ? 1 : 0;
        cell.organisations += 1;
        out.set(`${item}|${h.s}`, cell);
      }
    }
    return out;
  }

  it.each(["capability", "domain"] as const)("estimates staff below each %s from published shares, borrowing where a stratum is small or hidden", async (grain) => {
    const region = "Y56";
    const table = await queryPriorities(t.db, NATIONAL, { region }, K, grain);
    const expected = await direct(region, grain);
    const rows = table.rows.filter((r) => r.suppressed === false);
    const withheld = [...expected].filter(([, d]) => d.withheld).map(([key]) => key);
    expect(rows.length).toBe(expected.size - withheld.length);
    if (grain === "capability") expect(withheld.length).toBeGreaterThan(0);
    for (const row of table.rows.filter((r) => r.suppressed === true)) {
      expect(withheld).toContain(`${row[grain]}|${row.staff_group}`);
      expect([row.rank, row.staff_below, row.staff_below_low, row.staff_below_high, row.headcount]).toEqual([null, null, null, null, null]);
    }
    let borrowed = 0;
    let strata = 0;
    for (const row of rows) {
      const d = expected.get(`${row[grain]}|${row.staff_group}`)!;
      // Published to the nearest 5 (a sum of the same products in another order may round the other way at .5).
      expect(Math.abs((row.staff_below as number) - d.staffBelow)).toBeLessThanOrEqual(2.5 + 1e-6);
      expect(row.organisations).toBe(d.organisations);
      expect(row.organisations_borrowed).toBe(d.borrowed);
      expect(row.borrowed).toBe(d.borrowed > 0);
      expect(row.staff_below_low as number).toBeLessThanOrEqual(row.staff_below as number);
      expect(row.staff_below_high as number).toBeGreaterThanOrEqual(row.staff_below as number);
      expect(row.staff_below_high as number).toBeLessThanOrEqual(row.headcount as number);
      borrowed += d.borrowed;
      strata += d.organisations;
    }
    // Both kinds occur, so neither path goes untested.
    expect(borrowed).toBeGreaterThan(0);
    expect(borrowed).toBeLessThan(strata);
    // Ranked 1, 2, 3, … by the (unrounded) lower bound: the published lower bounds never rise.
    expect(rows.map((r) => r.rank)).toEqual(rows.map((_, i) => i + 1));
    for (let i = 1; i < rows.length; i++) expect(rows[i].staff_below_low as number).toBeLessThanOrEqual((rows[i - 1].staff_below_low as number) + 5);
    expect(table.meta.priorities).toMatchObject({ grain, ranking: expect.stringContaining("lower end") });
    expect(table.columns.slice(1, 3)).toEqual([grain, `${grain}_name`]);
  });

  it("refuses other filters, and a wave without headcount", async () => {
    await expect(queryPriorities(t.db, NATIONAL, { domain: "1" })).rejects.toThrow("filtered by wave, region, icb, organisation only");
    await expect(queryPriorities(t.db, NATIONAL, {}, K, "level" as never)).rejects.toThrow("by capability or by domain");
    await expect(queryPriorities(t.db, NATIONAL, { region: "Y99" })).rejects.toThrow('Unknown region "Y99"');
    await t.db.query("delete from headcounts where wave_id = (select id from waves where label = $1)", [FIXTURE_WAVES[0].label]);
    await expect(queryPriorities(t.db, NATIONAL, { wave: FIXTURE_WAVES[0].label })).rejects.toThrow("has no headcount: import it first");
  });
});
