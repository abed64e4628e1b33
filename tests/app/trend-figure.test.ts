// The trend and headline page data on the fixture: the same cells as queryGaps publishes, for
// England and for one organisation (as the organisation page will ask), with open waves left out
// until provisional figures are asked for.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryGaps } from "~db/analytics/gaps";
import { NATIONAL } from "~db/analytics/scope";
import { listWaves } from "~db/waves";
import { setWave } from "~ingest/waves";
import { trendCellText, type TrendCell } from "~/charts/trend.server";
import { headline } from "~/lib/gap-figures.server";
import { trendFigure } from "~/lib/trend-figure.server";
import { openFixture, type TestDatabase } from "../support/databases";
import { FIXTURE_WAVES } from "../support/fixture";

const [EARLIER, LATEST] = FIXTURE_WAVES.map((w) => w.label);

/** A published row as the trend's table writes it. */
const text = (r: Record<string, unknown>) =>
  trendCellText(
    r.suppressed
      ? { state: "suppressed" }
      : ({ state: "published", rate: r.gap_rate, low: r.ci_low, high: r.ci_high } as TrendCell),
  );

describe("trendFigure and headline on the fixture", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openFixture("pglite");
    // The earlier wave closed, the later still open: a series of one wave unless asked for more.
    await setWave(t.db, EARLIER, { status: "closed" });
  });
  afterAll(() => t.close());

  it("holds only the closed wave by default and names the open one it left out", async () => {
    const figure = await trendFigure(t.db, { id: "trend", title: "T", filters: {} });
    expect(figure.series.waves.map((w) => w.label)).toEqual([EARLIER]);
    expect(figure.openWavesLeftOut.map((w) => w.label)).toEqual([LATEST]);
    expect(figure.provisionalWaves).toEqual([]);
  });

  it("gives an organisation's trend cell for cell as queryGaps publishes it, the open wave labelled provisional", async () => {
    const figure = await trendFigure(t.db, { id: "trend", title: "T", filters: { organisation: "RAL", wave: LATEST }, provisional: true });
    const { rows } = await queryGaps(t.db, NATIONAL, { by: ["wave", "domain"], filters: { organisation: "RAL" }, provisional: true });
    expect(figure.table.columns.map((c) => c.header)).toEqual(["Autumn 2025", "Summer 2026 (provisional)"]);
    expect(figure.provisionalWaves.map((w) => w.label)).toEqual([LATEST]);
    for (const r of rows) {
      const row = figure.table.rows.find((x) => x.key === r.domain)!;
      expect(row.cells[[EARLIER, LATEST].indexOf(String(r.wave))]).toBe(text(r));
    }
    expect(figure.table.rows.flatMap((r) => r.cells)).toHaveLength(rows.length);
    expect(figure.chart).toContain('class="app-trend__panel"');
    // The download asks the API for the same table: the wave filter is dropped, as the trend spans every wave.
    expect(figure.downloads.csv).toBe("/api/gaps?by=wave%2Cdomain&organisation=RAL&provisional=true&format=csv");
  });

  it("adds the change since the compare wave and the weighted rate to the headline, as queryGaps gives them", async () => {
    const waves = await listWaves(t.db);
    const [later, earlier] = [waves.find((w) => w.label === LATEST)!, waves.find((w) => w.label === EARLIER)!];
    const h = await headline(t.db, later, { organisation: "RDU" }, { compareWave: earlier, weighted: true });
    // RDU is published in the later wave (RAL is hidden there, and would publish nothing to compare).
    const [row] = (await queryGaps(t.db, NATIONAL, { by: [], filters: { organisation: "RDU", wave: LATEST }, compareTo: EARLIER, weighted: true })).rows;
    expect(row.suppressed).toBe(false);
    expect([h.gapRate, h.ciLow, h.ciHigh]).toEqual([row.gap_rate, row.ci_low, row.ci_high]);
    expect(h.weighted).toEqual({ rate: row.weighted_gap_rate, low: row.weighted_ci_low, high: row.weighted_ci_high });
    expect(h.change).toMatchObject({
      compareTo: EARLIER,
      compareRate: row.compare_gap_rate,
      change: row.change,
      low: row.change_ci_low,
      high: row.change_ci_high,
      flag: row.change_flag,
      matched: true,
      organisationsCompared: 1,
      provisionalWaves: [LATEST],
    });
    // Without options (as the pages first called it) the headline has neither.
    const plain = await headline(t.db, later, { organisation: "RDU" });
    expect(plain.change).toBeUndefined();
    expect(plain.weighted).toBeUndefined();
  });
});
