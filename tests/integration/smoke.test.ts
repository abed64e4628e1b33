import { describe, expect, it } from "vitest";
import { openFixture, TARGETS } from "../support/databases";

describe.each(TARGETS)("fixture on %s", (target) => {
  it("holds two waves and eight organisations", async () => {
    const t = await openFixture(target);
    const rows = await t.db.query<{ waves: number; orgs: number }>(
      "select count(distinct wave_id)::int as waves, count(distinct organisation_code)::int as orgs from submissions where status = 'current'",
    );
    expect(rows[0]).toEqual({ waves: 2, orgs: 8 });
    await t.close();
  });
});
