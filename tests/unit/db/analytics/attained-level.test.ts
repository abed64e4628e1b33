// Attained level per respondent and domain (docs/metrics.md, "Attained level"), on cases worked
// by hand. Each argument is one count per level 1..4: capabilities badged for the respondent's
// archetype in the domain, those the respondent rated, and those rated at or above the threshold.
import { describe, expect, it } from "vitest";
import { attainedLevel, expectedLevel, INCOMPLETE } from "../../../../db/analytics/attained-level";

describe("expectedLevel", () => {
  it("is the highest level with a capability badged for the archetype", () => {
    // Users in the bundled framework: levels 1 and 2 only.
    expect(expectedLevel([5, 3, 0, 0])).toBe(2);
    // Shapers: levels 1, 3 and 4 (nothing at level 2).
    expect(expectedLevel([2, 0, 1, 1])).toBe(4);
    expect(expectedLevel([1, 0, 2, 0])).toBe(3);
  });

  it("is 0 when nothing in the domain is badged for the archetype", () => {
    expect(expectedLevel([0, 0, 0, 0])).toBe(0);
  });
});

describe("attainedLevel", () => {
  it("is the expected level when every required capability is met", () => {
    // Levels 1 (3 badged) and 2 (2 badged): all rated, all met → 2.
    expect(attainedLevel([3, 2, 0, 0], [3, 2, 0, 0], [3, 2, 0, 0])).toBe(2);
  });

  it("stops below the first level with an unmet capability", () => {
    // Level 1 all met (3 of 3), level 2 one unmet (1 of 2) → 1.
    expect(attainedLevel([3, 2, 0, 0], [3, 2, 0, 0], [3, 1, 0, 0])).toBe(1);
  });

  it("is 0 when the lowest applicable level is not met, whatever is met above it", () => {
    // Level 1: 2 of 3 met; level 2 all met. "Every required capability at levels ≤ 2" fails at
    // level 1, so neither 1 nor 2 is attained → 0.
    expect(attainedLevel([3, 2, 0, 0], [3, 2, 0, 0], [2, 2, 0, 0])).toBe(0);
  });

  it("skips levels with nothing badged for the archetype", () => {
    // A Shaper: levels 1, 3 and 4 badged, level 2 not.
    // All met → 4; level 2 is passed over, not a gap.
    expect(attainedLevel([2, 0, 1, 1], [2, 0, 1, 1], [2, 0, 1, 1])).toBe(4);
    // Levels 1 and 3 met, level 4 not → 3.
    expect(attainedLevel([2, 0, 1, 1], [2, 0, 1, 1], [2, 0, 1, 0])).toBe(3);
    // Level 1 met, level 3 not → 1, not 2: a level with nothing badged is never the attained level.
    expect(attainedLevel([2, 0, 1, 1], [2, 0, 1, 1], [2, 0, 0, 1])).toBe(1);
    // The lowest applicable level need not be 1: nothing at level 1, level 2 met, level 3 not → 2.
    expect(attainedLevel([0, 1, 2, 0], [0, 1, 2, 0], [0, 1, 1, 0])).toBe(2);
    // …and level 2 not met → 0.
    expect(attainedLevel([0, 1, 2, 0], [0, 1, 2, 0], [0, 0, 2, 0])).toBe(0);
  });

  it("is incomplete when a required capability has no rating, even where the level is already failed", () => {
    // One of 2 level-2 capabilities not rated (the other met, level 1 all met).
    expect(attainedLevel([3, 2, 0, 0], [3, 1, 0, 0], [3, 1, 0, 0])).toBe(INCOMPLETE);
    // Level 1 already unmet; a level-1 rating missing still makes the respondent incomplete (the
    // definition does not depend on whether the missing answer could have changed the level).
    expect(attainedLevel([3, 2, 0, 0], [2, 2, 0, 0], [0, 2, 0, 0])).toBe(INCOMPLETE);
    // A missing rating at the expected level (a Shaper's level 4).
    expect(attainedLevel([2, 0, 1, 1], [2, 0, 1, 0], [2, 0, 1, 0])).toBe(INCOMPLETE);
  });
});
