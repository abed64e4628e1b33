// Complementary suppression on a cube small enough to work by hand.
import { describe, expect, it } from "vitest";
import { Cube, type CubeStructure } from "../../../../db/analytics/cube";

// Region R: ICB I1 holds A, B and C; ICB I2 holds only D. One staff group, archetype and band
// value, one capability: every person and framework cell of an organisation equals its total.
const STRUCTURE: CubeStructure = {
  organisations: [
    { code: "A", icb: "I1", region: "R" },
    { code: "B", icb: "I1", region: "R" },
    { code: "C", icb: "I1", region: "R" },
    { code: "D", icb: "I2", region: "R" },
  ],
  staffGroups: ["X"],
  archetypes: ["U"],
  bands: [""],
  domains: ["1"],
  subDomains: [],
  capabilities: [{ code: "1-01", domain: "1", subDomain: null, level: 1 }],
};

function cube(respondents: Record<string, number>): Cube {
  const c = new Cube(STRUCTURE);
  for (const [organisation, n] of Object.entries(respondents)) {
    for (const [grain, key] of [["all", ""], ["domain", "1"], ["level", "1"], ["domain_level", "1:1"], ["capability", "1-01"]]) {
      c.addRollup(organisation, ["X", "U", ""], grain, key, n);
    }
  }
  return c;
}

describe("Cube.complementary", () => {
  it("hides the smallest visible sibling of a lone hidden cell, in every cell of it", () => {
    // B (3) is under k = 10. ICB I1 (35) would give B away as 35 − A − C, so its smallest visible
    // organisation, A (12), is hidden too: in each of its 7 person cells × 5 framework cells.
    // I2 has D alone: the two are equal and both visible. Region R holds two hidden organisations: safe.
    const c = cube({ A: 12, B: 3, C: 20, D: 30 });
    const keys = c.complementary(10).map((cell) => c.keyOf(cell));
    expect(keys).toHaveLength(35);
    expect(keys.every((k) => k.startsWith("organisation|A|"))).toBe(true);
    expect(keys).toContain("organisation|A|*|*|*|all|");
    expect(keys).toContain("organisation|A|X|U|*|capability|1-01");
  });

  it("hides along every ancestor relation: an ICB whose only organisation is hidden, then its region's other parts", () => {
    // D (8) is under k and alone in ICB I2, so I2 (8) is under k too. Region R then has one hidden
    // ICB of two: I1 is hidden as well; and one hidden organisation of four (D): its smallest
    // visible organisation, A, is hidden. I1 is hidden with one hidden organisation inside it, so
    // A = I1 − B − C needs I1, which is hidden: B, C and R stay visible.
    const c = cube({ A: 12, B: 15, C: 20, D: 8 });
    const keys = new Set(c.complementary(10).map((cell) => c.keyOf(cell)));
    expect(keys.has("icb|I1|*|*|*|all|")).toBe(true);
    expect(keys.has("organisation|A|*|*|*|all|")).toBe(true);
    expect(keys.has("icb|I2|*|*|*|all|")).toBe(false); // under k itself: not a complementary cell
    expect(keys.has("organisation|B|*|*|*|all|")).toBe(false);
    expect(keys.has("region|R|*|*|*|all|")).toBe(false);
  });

  it("hides a parent together with its single contributing child", () => {
    // A 30, B 3, C 12, D 11. Region R has one hidden organisation (B): its smallest visible one, D,
    // is hidden; ICB I1 has one hidden (B): C is hidden. D is alone in I2, so I2 equals it and is
    // hidden with it; R then has one hidden ICB of two, so I1 is hidden too.
    const c = cube({ A: 30, B: 3, C: 12, D: 11 });
    const keys = new Set(c.complementary(10).map((cell) => c.keyOf(cell)).filter((k) => k.endsWith("|*|*|*|all|")));
    expect([...keys].sort()).toEqual(["icb|I1|*|*|*|all|", "icb|I2|*|*|*|all|", "organisation|C|*|*|*|all|", "organisation|D|*|*|*|all|"]);
  });

  it("hides nothing when no cell is under k", () => {
    const c = cube({ A: 12, B: 15, C: 20, D: 30 });
    expect(c.complementary(10)).toEqual([]);
  });
});
