// Peer comparison in the gaps table against a direct computation over the raw ratings: the other
// organisations of the same type, nationally and within the region, whatever the caller's scope.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryGaps } from "../../db/analytics/gaps";
import { NOT_ENOUGH_PEERS, peerFlag } from "../../db/analytics/peers";
import { NATIONAL } from "../../db/analytics/scope";
import { openFixture, TARGETS, type TestDatabase } from "../support/databases";
import { directCells, directInterval } from "../support/direct";
import { FIXTURE_WAVES } from "../support/fixture";

const LATEST = FIXTURE_WAVES[FIXTURE_WAVES.length - 1].label;

describe.each(TARGETS)("peers on %s", (target) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openFixture(target);
  });
  afterAll(() => t.close());

  it("compares each organisation with the other organisations of its type, from the raw ratings", async () => {
    const table = await queryGaps(t.db, NATIONAL, { by: ["organisation", "domain"], filters: { wave: LATEST } }, 1);
    expect(table.columns.slice(-6)).toEqual(["peer_group", "peer_group_name", "peer_rate", "peer_flag", "region_peer_rate", "region_peer_flag"]);
    const direct = await directCells(t.db, "r.organisation_code || '/' || c.domain_code", LATEST);
    const types = new Map((await t.db.query<{ code: string; org_type: string }>("select code, org_type from organisations")).map((o) => [o.code, o.org_type]));
    let compared = 0;
    for (const row of table.rows) {
      const type = types.get(String(row.organisation))!;
      const others = [...direct.entries()].filter(([key]) => {
        const [organisation, domain] = key.split("/");
        return domain === String(row.domain) && organisation !== row.organisation && types.get(organisation) === type;
      });
      expect(row.peer_group).toBe(type);
      expect(row.peer_group_name).toContain("(type unverified)");
      if (others.length < 3) {
        expect([row.peer_rate, row.peer_flag]).toEqual([null, NOT_ENOUGH_PEERS]);
        continue;
      }
      const required = others.reduce((sum, [, c]) => sum + c.required, 0);
      const met = others.reduce((sum, [, c]) => sum + c.met, 0);
      const peerRate = (required - met) / required;
      expect(row.peer_rate).toBeCloseTo(Math.round(peerRate * 1000) / 1000, 12);
      expect(row.peer_flag).toBe(peerFlag(directInterval(direct.get(`${row.organisation}/${row.domain}`)!), peerRate));
      compared++;
    }
    // The fixture's seven acute trusts each have six acute peers; its one mental health trust has none.
    expect(compared).toBe(table.rows.filter((r) => r.organisation !== "RPG").length);
    expect(new Set(table.rows.map((r) => r.peer_flag))).toContain("worse");
    // No region holds more than three acute trusts of the fixture: every regional pool is too small.
    expect(new Set(table.rows.map((r) => r.region_peer_flag))).toEqual(new Set([NOT_ENOUGH_PEERS]));
  });

  it("gives a region's caller the same comparison as the national team", async () => {
    const request = { by: ["organisation"], filters: { wave: LATEST } };
    const national = await queryGaps(t.db, NATIONAL, request, 1);
    const region = await queryGaps(t.db, { kind: "region", code: "Y61" }, request, 1);
    expect(region.rows.map((r) => r.organisation).sort()).toEqual(["RDE", "RGT", "RM1"]);
    for (const row of region.rows) expect(row).toEqual(national.rows.find((r) => r.organisation === row.organisation));
  });

  it("withholds every peer field of a suppressed cell", async () => {
    const table = await queryGaps(t.db, NATIONAL, { by: ["organisation", "staff_group"], filters: { wave: LATEST } });
    const suppressed = table.rows.filter((r) => r.suppressed);
    expect(suppressed.length).toBeGreaterThan(0);
    for (const row of suppressed) {
      expect([row.peer_group, row.peer_group_name, row.peer_rate, row.peer_flag, row.region_peer_rate, row.region_peer_flag]).toEqual([null, null, null, null, null, null]);
    }
    expect(table.rows.some((r) => !r.suppressed && typeof r.peer_rate === "number")).toBe(true);
  });
});
