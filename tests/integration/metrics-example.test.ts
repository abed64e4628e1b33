// The worked example of docs/metrics.md, loaded from a real CSV file and answered by the query layer.
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryGaps } from "../../db/analytics/gaps";
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

  const cell = async (by: string[], filters: Record<string, string>) =>
    (await queryGaps(t.db, NATIONAL, { by, filters }, 1)).rows.find((r) => Object.entries(filters).every(([k, v]) => String(r[k]) === v))!;

  it("domain 6: 3 respondents, 7 required, 4 met, gap rate 3/7", async () => {
    expect(await cell(["domain"], { domain: "6" })).toMatchObject({ respondents: 3, required: 7, met: 4, gap_rate: 3 / 7 });
  });

  it("capability 6-05: 3 respondents, 3 required, 1 met, gap rate 2/3", async () => {
    expect(await cell(["capability"], { capability: "6-05" })).toMatchObject({ respondents: 3, required: 3, met: 1, gap_rate: 2 / 3 });
  });

  it("level 3: only C's required rating counts", async () => {
    expect(await cell(["level"], { level: "3" })).toMatchObject({ respondents: 1, required: 1, met: 1, gap_rate: 0 });
  });

  it("staff groups split the respondents once each", async () => {
    const rows = (await queryGaps(t.db, NATIONAL, { by: ["staff_group"] }, 1)).rows;
    expect(rows.map((r) => [r.staff_group, r.respondents, r.required, r.met])).toEqual([
      ["HS", 1, 3, 2],
      ["NMR", 2, 4, 2],
    ]);
  });

  it("is suppressed whole at the default k = 10", async () => {
    const [row] = (await queryGaps(t.db, NATIONAL, { by: ["domain"] })).rows;
    expect(row).toEqual({ domain: "6", domain_name: "Artificial intelligence (AI)", respondents: null, required: null, met: null, gap_rate: null, suppressed: true });
  });
});
