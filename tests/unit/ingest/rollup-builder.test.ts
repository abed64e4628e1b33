// The streaming rollup accumulator (ingest/rollup-builder.ts) on a case computed by hand. The
// integration tests check it against the SQL rollups on the fixture, column by column.
import { describe, expect, it } from "vitest";
import { type CapabilityFacts, RollupBuilder } from "../../../ingest/rollup-builder";

const CAPABILITIES: CapabilityFacts[] = [
  { id: 1, code: "1-01", position: 1, domainCode: "1", level: 1, archetypes: "U", nodes: [{ type: "sub_domain", code: "1.1" }] },
  { id: 2, code: "1-02", position: 2, domainCode: "1", level: 2, archetypes: "UD", nodes: [] },
  { id: 3, code: "2-01", position: 3, domainCode: "2", level: 1, archetypes: "D", nodes: [] },
];

describe("RollupBuilder", () => {
  it("sums required and met ratings per cell, with the per-respondent sums of squares", () => {
    const builder = new RollupBuilder(CAPABILITIES, 3);
    // Respondent A, a User: 1-01 met (4), 1-02 not met (1); 2-01 is not badged for Users.
    builder.respondent("RX1", "NMR", "U", "5");
    builder.rating(1, 4);
    builder.rating(2, 1);
    builder.rating(3, 4);
    // Respondent B, same cell: 1-01 not met (2).
    builder.respondent("RX1", "NMR", "U", "5");
    builder.rating(1, 2);
    const rows = [...builder.rows()].map((r) => [r.grain, r.grainKey, r.respondents, r.required, r.met, r.sumR2, r.sumU2, r.sumRu]);
    // A: r=2, m=1, u=1; B: r=1, m=0, u=1 → Σr²=5, Σu²=2, Σru=3 over both.
    expect(rows.sort()).toEqual(
      [
        ["all", "", 2, 3, 1, 5, 2, 3],
        ["domain", "1", 2, 3, 1, 5, 2, 3],
        ["level", "1", 2, 2, 1, 2, 1, 1],
        ["level", "2", 1, 1, 0, 1, 1, 1],
        ["domain_level", "1:1", 2, 2, 1, 2, 1, 1],
        ["domain_level", "1:2", 1, 1, 0, 1, 1, 1],
        ["sub_domain", "1.1", 2, 2, 1, 2, 1, 1],
      ].sort(),
    );
    for (const r of builder.rows()) expect(r).toMatchObject({ organisationCode: "RX1", staffGroupCode: "NMR", archetypeCode: "U", bandCode: "5" });
    // The capability grain, one element per capability by position: 1-01 required of both and met
    // by A; 1-02 required of A, not met; 2-01 required of nobody in this cell.
    const capabilityRows = [...builder.capabilityRows()];
    expect(capabilityRows.map((r) => ({ ...r, required: [...r.required], met: [...r.met] }))).toEqual([
      { organisationCode: "RX1", staffGroupCode: "NMR", archetypeCode: "U", bandCode: "5", required: [2, 1, 0], met: [1, 0, 0] },
    ]);
  });

  it("keeps person-axis cells apart, a missing band included", () => {
    const builder = new RollupBuilder(CAPABILITIES, 3);
    builder.respondent("RX1", "NMR", "D", null);
    builder.rating(3, 3);
    builder.respondent("RX1", "NMR", "D", "5");
    builder.rating(3, 0);
    const all = [...builder.rows()].filter((r) => r.grain === "all");
    expect(all.map((r) => [r.bandCode, r.required, r.met])).toEqual([
      [null, 1, 1],
      ["5", 1, 0],
    ]);
    expect([...builder.capabilityRows()].map((r) => [r.bandCode, [...r.required], [...r.met]])).toEqual([
      [null, [0, 0, 1], [0, 0, 1]],
      ["5", [0, 0, 1], [0, 0, 0]],
    ]);
  });

  it("stops at its cell limit, so the caller rolls up in SQL instead", () => {
    // A person-axis cell's capability arrays cost one cell here (3 capabilities); its 7 node-grain cells overflow 6.
    const builder = new RollupBuilder(CAPABILITIES, 3, 6);
    builder.respondent("RX1", "NMR", "U", "5");
    builder.rating(1, 4);
    builder.rating(2, 4);
    builder.respondent("RX2", "NMR", "U", "5");
    expect(builder.overflowed).toBe(true);
  });

  it("counts the last respondent against the limit once finished, so none is dropped silently", () => {
    const builder = new RollupBuilder(CAPABILITIES, 3, 6);
    builder.respondent("RX1", "NMR", "U", "5");
    builder.rating(1, 4);
    builder.rating(2, 4);
    // The only respondent's cells are folded in only at the end: the limit is passed there.
    expect(builder.overflowed).toBe(false);
    builder.finish();
    expect(builder.overflowed).toBe(true);
  });
});

describe("RollupBuilder attained levels", () => {
  // Domain 1: 1-01 (level 1, U S), 1-02 (level 1, U), 1-03 (level 2, U), 1-04 (level 3, S); domain 2: 2-01 (level 1, S).
  // Users: levels 1 (2 badged) and 2 (1 badged), expected level 2. Shapers: levels 1 (1) and 3 (1),
  // nothing at level 2, expected level 3; in domain 2 level 1 (1), expected level 1.
  const FACTS: CapabilityFacts[] = [
    { id: 1, code: "1-01", position: 1, domainCode: "1", level: 1, archetypes: "SU", nodes: [] },
    { id: 2, code: "1-02", position: 2, domainCode: "1", level: 1, archetypes: "U", nodes: [] },
    { id: 3, code: "1-03", position: 3, domainCode: "1", level: 2, archetypes: "U", nodes: [] },
    { id: 4, code: "1-04", position: 4, domainCode: "1", level: 3, archetypes: "S", nodes: [] },
    { id: 5, code: "2-01", position: 5, domainCode: "2", level: 1, archetypes: "S", nodes: [] },
  ];
  const attainment = (builder: RollupBuilder) =>
    [...builder.attainmentRows()].map((r) => [r.archetypeCode, r.domainCode, r.expectedLevel, ...r.attained, r.incomplete, r.belowExpected]);

  it("places each respondent per domain, skipping levels with nothing badged, and counts the incomplete", () => {
    const builder = new RollupBuilder(FACTS, 3);
    // U1: 1-01 4, 1-02 3, 1-03 3 → levels 1 and 2 met → attained 2 (= expected).
    builder.respondent("RX1", "NMR", "U", null);
    builder.rating(1, 4);
    builder.rating(2, 3);
    builder.rating(3, 3);
    // U2: 1-01 4, 1-02 1, 1-03 4 → level 1 not all met → attained 0, below expected.
    // Its rating of 1-04 (not badged for Users) does not count.
    builder.respondent("RX1", "NMR", "U", null);
    builder.rating(1, 4);
    builder.rating(2, 1);
    builder.rating(3, 4);
    builder.rating(4, 0);
    // U3: 1-01 4, 1-02 4, 1-03 not rated → incomplete.
    builder.respondent("RX1", "NMR", "U", null);
    builder.rating(1, 4);
    builder.rating(2, 4);
    // S1: domain 1: 1-01 3, 1-04 2 → level 1 met, level 3 not → attained 1 (level 2 skipped), below 3.
    //     domain 2: 2-01 3 → attained 1 = expected.
    builder.respondent("RX1", "NMR", "S", null);
    builder.rating(1, 3);
    builder.rating(4, 2);
    builder.rating(5, 3);
    // S2: domain 1 only (no rating in domain 2, so not in domain 2's row): 1-01 3, 1-04 4 → attained 3.
    builder.respondent("RX1", "NMR", "S", null);
    builder.rating(1, 3);
    builder.rating(4, 4);
    // A User who rated only 1-04 (not badged for Users): no required rating in domain 1, not placed.
    builder.respondent("RX1", "NMR", "U", "6");
    builder.rating(4, 4);
    // Rows: archetype, domain, expected, attained 0..4, incomplete, below expected.
    expect(attainment(builder).sort()).toEqual(
      [
        ["U", "1", 2, 1, 0, 1, 0, 0, 1, 1],
        ["S", "1", 3, 0, 1, 0, 1, 0, 0, 1],
        ["S", "2", 1, 0, 1, 0, 0, 0, 0, 0],
      ].sort(),
    );
    // The domain rollups count the same respondents: placed + incomplete.
    const domain = [...builder.rows()].filter((r) => r.grain === "domain").map((r) => [r.archetypeCode, r.bandCode, r.grainKey, r.respondents]);
    expect(domain.sort()).toEqual([["S", null, "1", 2], ["S", null, "2", 1], ["U", null, "1", 3]].sort());
  });
});
