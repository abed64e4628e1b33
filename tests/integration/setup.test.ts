// Database setup: migrations under a lock, refusal of newer databases, production rules, the
// bundled framework and framework imports.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../db/client";
import { importFramework, readFrameworkFiles } from "../../db/framework";
import { readMigrations } from "../../db/migrate";
import { InputError } from "../../db/problems";
import { prepareDatabase } from "../../db/setup";
import { openEmpty, openFixture, TARGETS, type TestDatabase } from "../support/databases";

const BUNDLED = "db/framework/ai-dht-2023-illustrative";

describe.each(TARGETS)("setup on %s", (target) => {
  let t: TestDatabase;
  afterEach(async () => {
    await t?.close();
  });

  it("migrates a new database and loads reference data and the bundled framework, idempotently", async () => {
    t = await openEmpty(target);
    await prepareDatabase(t.db);
    const [counts] = await t.db.query(
      `select (select count(*) from regions)::int as regions, (select count(*) from organisations)::int as organisations,
              (select count(*) from staff_groups)::int as staff_groups, (select count(*) from bands)::int as bands,
              (select count(*) from capabilities)::int as capabilities,
              (select count(*) from framework_nodes where node_type = 'domain')::int as domains,
              (select count(*) from framework_nodes where node_type = 'sub_domain')::int as sub_domains,
              (select count(*) from drizzle.__drizzle_migrations)::int as migrations`,
    );
    expect(counts).toEqual({
      regions: 7, organisations: 202, staff_groups: 9, bands: 12, capabilities: 195, domains: 6, sub_domains: 11,
      migrations: readMigrations().length,
    });
  });

  it("dates membership: RPG is in London before 1 April 2026 and in the South East after", async () => {
    t = await openEmpty(target);
    const rows = await t.db.query(
      `select d::text as on, m.icb_code, m.region_code from (values ('2025-11-01'::date), ('2026-07-01'::date)) v(d)
       join organisation_memberships m on m.organisation_code = 'RPG' and d between m.valid_from and coalesce(m.valid_to, 'infinity'::date)
       order by d`,
    );
    expect(rows).toEqual([
      { on: "2025-11-01", icb_code: "QKK", region_code: "Y56" },
      { on: "2026-07-01", icb_code: "QKS", region_code: "Y59" },
    ]);
  });

  it("migration 0004 packs existing capability rollup rows into arrays, every cell unchanged", async () => {
    t = await openFixture(target);
    const cells = () =>
      t.db.query(
        `select wave_id, organisation_code, staff_group_code, archetype_code, band_code, grain, grain_key,
                respondents, required, met, sum_r2, sum_u2, sum_ru
         from rollup_cells order by 1, 2, 3, 4, 5, 6, 7`,
      );
    const before = await cells();
    expect(before.filter((c) => c.grain === "capability").length).toBeGreaterThan(1000);
    // The database as 0003 left it: capability cells as rollup rows, no arrays.
    await t.db.query("alter table rollups drop constraint rollups_grain");
    await t.db.query(
      `insert into rollups select wave_id, organisation_code, staff_group_code, archetype_code, band_code, grain, grain_key,
         respondents, required, met, sum_r2, sum_u2, sum_ru from rollup_cells where grain = 'capability'`,
    );
    await t.db.query("delete from capability_rollups");
    const migration = readMigrations().find((m) => m.tag === "0004_capability_rollups")!;
    const data = migration.statements.filter((s) => /^(-- Existing waves|DELETE FROM "rollups")/.test(s));
    expect(data).toHaveLength(2);
    for (const statement of data) await t.db.query(statement);
    expect(await cells()).toEqual(before);
    const [{ rows, cells: distinct }] = await t.db.query<{ rows: number; cells: number }>(
      `select count(*)::int as rows, count(distinct (wave_id, organisation_code, staff_group_code, archetype_code, band_code))::int as cells
       from capability_rollups`,
    );
    expect(rows).toBe(distinct);
  });

  it("refuses a database migrated by newer code", async () => {
    t = await openEmpty(target);
    await t.db.query("insert into drizzle.__drizzle_migrations (hash, created_at) values ('future', 99999999999999)");
    await expect(prepareDatabase(t.db)).rejects.toThrow(/newer version/);
  });

  it("with NODE_ENV=production only checks, and names npm run db:migrate", async () => {
    t = await openEmpty(target, false);
    await expect(prepareDatabase(t.db, { env: { NODE_ENV: "production" } })).rejects.toThrow("npm run db:migrate");
    const [{ exists }] = await t.db.query<{ exists: boolean }>("select to_regclass('public.waves') is not null as exists");
    expect(exists).toBe(false);
    await prepareDatabase(t.db, { env: { NODE_ENV: "production" }, migrateInProduction: true });
    await prepareDatabase(t.db, { env: { NODE_ENV: "production" } });
  });

  it("imports a framework version once, refuses changed content under the same label", async () => {
    t = await openEmpty(target);
    const framework = readFrameworkFiles(`${BUNDLED}/nodes.csv`, `${BUNDLED}/capabilities.csv`);
    const version = { version: "test-2026", title: "Test", framework };
    expect(await t.db.transaction((tx) => importFramework(tx, version))).toBe("imported");
    expect(await t.db.transaction((tx) => importFramework(tx, version))).toBe("unchanged");
    const changed = { ...framework, capabilities: framework.capabilities.map((c, i) => (i === 0 ? { ...c, level: 2 } : c)) };
    await expect(t.db.transaction((tx) => importFramework(tx, { ...version, framework: changed }))).rejects.toThrow(/different content/);
    const [{ n }] = await t.db.query<{ n: number }>(
      "select count(*)::int as n from capabilities c join frameworks f on f.id = c.framework_id where f.version = 'test-2026'",
    );
    expect(n).toBe(195);
  });

  it("validates framework files before importing anything, naming file, row and column", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "capgap-framework-"));
    const nodes = path.join(dir, "nodes.csv");
    const caps = path.join(dir, "capabilities.csv");
    writeFileSync(nodes, readFileSync(`${BUNDLED}/nodes.csv`, "utf8").replace("2.1,2,sub_domain", "2.1,9,sub_domain"));
    writeFileSync(caps, readFileSync(`${BUNDLED}/capabilities.csv`, "utf8").replace(/\n(1-01,1,)1,/, "\n$15,"));
    let error: InputError | undefined;
    try {
      readFrameworkFiles(nodes, caps);
    } catch (e) {
      error = e as InputError;
    }
    expect(error).toBeInstanceOf(InputError);
    expect(error!.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: nodes, row: 4, column: "parent_code", message: expect.stringContaining("unknown parent 9") }),
        expect.objectContaining({ file: caps, row: 2, column: "level" }),
      ]),
    );
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)("two first starts on a new PostgreSQL database", () => {
  it("both succeed, and the schema is migrated once", async () => {
    const t = await openEmpty("postgres", false);
    const second = await openDatabase({ url: t.url! });
    try {
      await Promise.all([prepareDatabase(t.db), prepareDatabase(second)]);
      const [{ n }] = await t.db.query<{ n: number }>("select count(*)::int as n from drizzle.__drizzle_migrations");
      expect(n).toBe(readMigrations().length);
      const [{ frameworks }] = await t.db.query<{ frameworks: number }>("select count(*)::int as frameworks from frameworks");
      expect(frameworks).toBe(1);
    } finally {
      await second.close();
      await t.close();
    }
  });
});
