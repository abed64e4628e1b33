// Warming: which pages are rendered when the data change, and that a committed change (here a
// wave's status) has them rendered again, on the fixture in both databases.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { warmPages, warmPaths } from "~/lib/warm.server";
import { setWave } from "../../ingest/waves";
import { openFixture, TARGETS, type TestDatabase } from "../support/databases";
import { FIXTURE_WAVES } from "../support/fixture";

const LATEST = FIXTURE_WAVES[FIXTURE_WAVES.length - 1].label;

describe.each(TARGETS)("warming pages on %s", (target) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openFixture(target);
  });
  afterAll(() => t.close());

  it("lists England, every region with respondents in the latest wave, and the Data page", async () => {
    // Straight from the respondents, not the rollups the list is read from.
    const regions = await t.db.query<{ code: string }>(
      `select distinct m.region_code as code from respondents r join waves w on w.id = r.wave_id
       join organisation_memberships m on m.organisation_code = r.organisation_code
         and w.reference_date between m.valid_from and coalesce(m.valid_to, 'infinity'::date)
       where w.label = $1 order by 1`,
      [LATEST],
    );
    expect(regions.length).toBeGreaterThan(1);
    expect(await warmPaths(t.db)).toEqual(["/", ...regions.map((r) => `/regions/${r.code}`), "/data"]);
  });

  it("renders them once per data version, and again when a change commits", async () => {
    const rendered: string[] = [];
    const lines: string[] = [];
    const warmer = warmPages(t.db, {
      render: async (path) => (rendered.push(path), path === "/data" ? 500 : 200),
      every: 20,
      log: (line) => lines.push(line),
    });
    try {
      await warmer.settled();
      const paths = await warmPaths(t.db);
      expect(rendered).toEqual(paths);
      // Rounds with nothing new render nothing.
      await new Promise((r) => setTimeout(r, 100));
      expect(rendered).toEqual(paths);
      expect(lines).toContain("Warming /data: HTTP 500.");

      await setWave(t.db, LATEST, { status: "closed" });
      await warmer.settled();
      expect(rendered).toEqual([...paths, ...paths]);
    } finally {
      warmer.stop();
    }
  });
});
