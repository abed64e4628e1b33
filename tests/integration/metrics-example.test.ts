// The worked example of docs/metrics.md, loaded from a real CSV file and answered by the query layer.
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryCells, queryGaps } from "../../db/analytics/gaps";
import { NATIONAL } from "../../db/analytics/scope";
import { ingestFiles } from "../../ingest/ingest";
import { openEmpty, TARGETS, type TestDatabase } from "../support/databases";
import { TEST_KEY } from "../support/fixture";

const EXAMPLE = `respondent_id,organisation_code,staff_group,archetype,assessed_on,capability_code,rating
A,RAL,Nursing and Midwifery Registered,U,2026-06-10,6-01,3
A,RAL,Nursing and Midwifery Registered,U,2026-06-10,6-05,4
A,RAL,Nursing and Midwifery Registered,U,2026-06-10,6.2-09,1
B,RAL,Nursing and Midwifery Registered,U,2026-06-11,6-01,1
B,RAL,Nursing and Midwifery Registered,U,2026-06-11,6-05,2
C,RAL,Healthcare Scientists,C,2026-06-12,6-01,4
C,RAL,Healthcare Scientists,C,2026-06-12,6-05,2
C,RAL,Healthcare Scientists,C,2026-06-12,6.2-09,3
`;

describe.each(TARGETS)("the worked example of docs/metrics.md on %s", (target) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openEmpty(target);
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "capgap-example-")), "RAL.csv");
    writeFileSync(file, EXAMPLE);
    const [outcome] = await ingestFiles(t.db, [file], { waveLabel: "example", key: TEST_KEY, log: () => {} });
    expect(outcome.status).toBe("loaded");
  });
  afterAll(() => t.close());

  // The definitions, on the exact sums (queryCells), then as published (queryGaps, here with k = 1).
  const exact = async (by: string[], filters: Record<string, string>) =>
    (await queryCells(t.db, NATIONAL, { by, filters })).cells.find((r) => Object.entries(filters).every(([k, v]) => String(r[k]) === v))!;
  const published = async (by: string[], filters: Record<string, string>) =>
    (await queryGaps(t.db, NATIONAL, { by, filters }, 1)).rows.find((r) => Object.entries(filters).every(([k, v]) => String(r[k]) === v))!;

  it("domain 6: 3 respondents, 7 required, 4 met, gap rate 3/7, pooled interval clipped at 0", async () => {
    expect(await exact(["domain"], { domain: "6" })).toMatchObject({ respondents: 3, required: 7, met: 4 });
    expect(await published(["domain"], { domain: "6" })).toMatchObject({
      respondents: 5, // 3, 7 and 4 to the nearest 5
      required: 5,
      met: 5,
      gap_rate: 3 / 7, // from the exact counts; England level, so not rounded
      ci_low: 0,
      ci_high: expect.closeTo(0.928162, 6),
    });
  });

  it("capability 6-05: 3 respondents, 3 required, 1 met, gap rate 2/3, Wilson interval", async () => {
    expect(await exact(["capability"], { capability: "6-05" })).toMatchObject({ respondents: 3, required: 3, met: 1 });
    expect(await published(["capability"], { capability: "6-05" })).toMatchObject({
      gap_rate: 2 / 3,
      ci_low: expect.closeTo(0.20766, 6),
      ci_high: expect.closeTo(0.938508, 6),
    });
  });

  it("below England level, the rate and interval are published to 0.1 percentage points", async () => {
    expect(await published(["organisation", "domain"], { domain: "6" })).toMatchObject({ gap_rate: 0.429, ci_low: 0, ci_high: 0.928 });
  });

  it("level 3: only C's required rating counts", async () => {
    expect(await exact(["level"], { level: "3" })).toMatchObject({ respondents: 1, required: 1, met: 1 });
    expect(await published(["level"], { level: "3" })).toMatchObject({ gap_rate: 0 });
  });

  it("staff groups split the respondents once each", async () => {
    const { cells } = await queryCells(t.db, NATIONAL, { by: ["staff_group"] });
    expect(cells.map((r) => [r.staff_group, r.respondents, r.required, r.met])).toEqual([
      ["HS", 1, 3, 2],
      ["NMR", 2, 4, 2],
    ]);
  });

  it("is suppressed whole at the default k = 10", async () => {
    const [row] = (await queryGaps(t.db, NATIONAL, { by: ["domain"] })).rows;
    expect(row).toEqual({ domain: "6", domain_name: "Artificial intelligence (AI)", respondents: null, required: null, met: null, gap_rate: null, suppressed: true, ci_low: null, ci_high: null });
  });
});
