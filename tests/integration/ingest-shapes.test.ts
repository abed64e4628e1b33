// Every export shape a trust may send — wide layout, the shipped mapping profiles, Excel's
// encodings and delimiters, Arrow IPC, several organisations in one file — loads to exactly the
// figures of the same data in the plain long layout: the rollups of the organisation are
// unchanged when its plain submission is superseded by the shaped file.
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Sql } from "../../db/client";
import { ingestFiles } from "../../ingest/ingest";
import { loadProfile, NO_PROFILE } from "../../ingest/profile";
import { type GeneratedExport, generateExportRows } from "../../ingest/synthetic/generate";
import { type ExportShape, PLAIN_SHAPE, shapeFile } from "../../ingest/synthetic/shapes";
import { openFixture, TARGETS, type TestDatabase } from "../support/databases";
import { FIXTURE_WAVES, fixtureOptions, TEST_KEY } from "../support/fixture";

const LATEST = FIXTURE_WAVES[1].label;
const options = fixtureOptions();
const exports = [...generateExportRows(options)].filter((e) => e.waveLabel === LATEST);
const exportOf = (org: string) => exports.find((e) => e.organisationCode === org)!;
const ctx = { capabilityCodes: options.inputs.capabilities.map((c) => c.code), staffGroups: options.inputs.staffGroups };

const SHAPES: [string, Partial<ExportShape>][] = [
  ["wide layout, UTF-8, comma", { layout: "wide" }],
  ["survey tool profile (wide, labelled answers, DD/MM/YYYY times), UTF-8 with BOM, semicolon", { profile: loadProfile("survey-wide"), layout: "wide", encoding: "utf-8-bom", delimiter: ";" }],
  ["LMS profile (long, own item ids, local job families), Windows-1252, semicolon, CRLF", { profile: loadProfile("lms-long"), encoding: "windows-1252", delimiter: ";" }],
  ["long layout, UTF-16 LE, tab (Excel Unicode text)", { encoding: "utf-16le", delimiter: "\t" }],
  ["wide layout, Arrow IPC file", { layout: "wide", format: "arrow" }],
  ["LMS profile (long), Arrow IPC stream", { profile: loadProfile("lms-long"), format: "arrow-stream" }],
];

function write(exp: GeneratedExport, shape: ExportShape, name: string): string {
  const { extension, bytes } = shapeFile(exp, shape, ctx);
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), "capgap-shapes-")), `${name}${extension}`);
  writeFileSync(file, bytes);
  return file;
}

/** The organisation's rollups, and its respondent and rating counts, in the latest wave. */
async function figures(db: Sql, org: string) {
  const rollups = await db.query(
    `select staff_group_code, archetype_code, band_code, grain, grain_key, respondents, required, met, sum_r2, sum_u2, sum_ru
     from rollup_cells r join waves w on w.id = r.wave_id
     where w.label = $1 and organisation_code = $2
     order by staff_group_code, archetype_code, band_code, grain, grain_key`,
    [LATEST, org],
  );
  // Attained levels likewise (built on the way, or in SQL when the rows are scattered).
  const attainment = await db.query(
    `select staff_group_code, archetype_code, band_code, domain_code, expected_level, attained_0, attained_1, attained_2,
            attained_3, attained_4, incomplete, below_expected
     from attainment_rollups a join waves w on w.id = a.wave_id
     where w.label = $1 and organisation_code = $2
     order by staff_group_code, archetype_code, band_code, domain_code`,
    [LATEST, org],
  );
  const [counts] = await db.query<{ respondents: number; ratings: number }>(
    `select count(distinct r.id)::int as respondents, count(*)::int as ratings
     from respondents r join submissions s on s.id = r.submission_id and s.status = 'current'
     join waves w on w.id = r.wave_id join ratings rt on rt.respondent_id = r.id
     where w.label = $1 and r.organisation_code = $2`,
    [LATEST, org],
  );
  return { rollups, attainment, counts };
}

describe.each(TARGETS)("export shapes on %s", (target) => {
  let t: TestDatabase;
  afterEach(async () => {
    await t?.close();
  });

  it.each(SHAPES)("%s: loads to the same figures as the plain long file", async (_name, partial) => {
    t = await openFixture(target);
    const shape = { ...PLAIN_SHAPE, ...partial };
    const before = await figures(t.db, "RAL");
    expect(before.rollups.length).toBeGreaterThan(0);
    const file = write(exportOf("RAL"), shape, "RAL");
    const [outcome] = await ingestFiles(t.db, [file], {
      waveLabel: LATEST,
      key: TEST_KEY,
      log: () => {},
      profile: shape.profile === NO_PROFILE ? undefined : shape.profile,
    });
    expect(outcome.problems).toEqual([]);
    expect(outcome).toMatchObject({ status: "loaded", message: "loaded, replacing 1 earlier submission(s)", organisations: ["RAL"], layout: shape.layout });
    expect(outcome.ratings).toBe(before.counts.ratings);
    expect(await figures(t.db, "RAL")).toEqual(before);
    const [batch] = await t.db.query<{ layout: string; ratings: number; profile: string | null; source_format: string }>(
      "select layout, ratings, profile, source_format from batches order by id desc limit 1",
    );
    expect(batch).toMatchObject({ layout: shape.layout, ratings: before.counts.ratings, profile: shape.profile.name || null });
    expect(batch.source_format).toBe(outcome.format);
  });

  it("builds the same rollups in SQL when a respondent's rows are not together as on the way when they are", async () => {
    t = await openFixture(target);
    const before = await figures(t.db, "RAL");
    const exp = exportOf("RAL");
    // Every other row first, then the rest: each respondent's rows are split in two runs.
    const shuffled = { ...exp, rows: [...exp.rows.filter((_, i) => i % 2 === 0), ...exp.rows.filter((_, i) => i % 2 === 1)] };
    const [outcome] = await ingestFiles(t.db, [write(shuffled, PLAIN_SHAPE, "RAL")], { waveLabel: LATEST, key: TEST_KEY, log: () => {} });
    expect(outcome).toMatchObject({ status: "loaded", problems: [] });
    expect(await figures(t.db, "RAL")).toEqual(before);
  });

  it("loads a regional file holding several organisations, each as its own submission", async () => {
    t = await openFixture(target);
    const before = [await figures(t.db, "RAL"), await figures(t.db, "RKE")];
    const ral = exportOf("RAL");
    const rke = exportOf("RKE");
    const regional: GeneratedExport = { ...ral, hasBand: ral.hasBand || rke.hasBand, rows: [...ral.rows, ...rke.rows] };
    const file = write(regional, { ...PLAIN_SHAPE, layout: "wide" }, "region");
    const [outcome] = await ingestFiles(t.db, [file], { waveLabel: LATEST, key: TEST_KEY, log: () => {} });
    expect(outcome).toMatchObject({ status: "loaded", organisations: ["RAL", "RKE"], message: "loaded, replacing 2 earlier submission(s)" });
    expect([await figures(t.db, "RAL"), await figures(t.db, "RKE")]).toEqual(before);
    // One row per cell: nothing in the schema enforces it, the loads do.
    const [{ repeated }] = await t.db.query<{ repeated: number }>(
      `select count(*)::int as repeated from (select 1 from rollups
         group by wave_id, grain, organisation_code, staff_group_code, archetype_code, coalesce(band_code, ''), grain_key
         having count(*) > 1) d`,
    );
    expect(repeated).toBe(0);
    const [{ repeatedCells }] = await t.db.query<{ repeatedCells: number }>(
      `select count(*)::int as "repeatedCells" from (select 1 from capability_rollups
         group by wave_id, organisation_code, staff_group_code, archetype_code, coalesce(band_code, '') having count(*) > 1) d`,
    );
    expect(repeatedCells).toBe(0);
  });
});
