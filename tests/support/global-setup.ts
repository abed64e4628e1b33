// Builds the shared fixture once per database per run: a dumped PGlite data folder, and (when
// TEST_DATABASE_URL is set) a PostgreSQL template database that each test clones.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { openDatabase } from "../../db/client";
import { prepareDatabase } from "../../db/setup";
import { loadFixture, writeFixtureFiles } from "./fixture";
import { adminUrl, databaseUrl, dropDatabase, FIXTURE_PREFIX } from "./postgres";

declare module "vitest" {
  export interface ProvidedContext {
    fixtureDir: string;
    fixtureFiles: Record<string, string[]>;
    pgliteFixture: string;
    pgliteEmpty: string;
    postgresFixture: string | null;
  }
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "capgap-test-"));
  const files = writeFixtureFiles(path.join(dir, "exports"));

  // An empty but prepared database, and the fixture: tests start from a copy of either.
  const pglite = await openDatabase({});
  await prepareDatabase(pglite);
  const emptyTarball = path.join(dir, "pglite-empty.tar.gz");
  writeFileSync(emptyTarball, Buffer.from(await (await pglite.dumpDataDir!()).arrayBuffer()));
  await loadFixture(pglite, files);
  const tarball = path.join(dir, "pglite-fixture.tar.gz");
  writeFileSync(tarball, Buffer.from(await (await pglite.dumpDataDir!()).arrayBuffer()));
  await pglite.close();

  let postgresFixture: string | null = null;
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    postgresFixture = `${FIXTURE_PREFIX}${process.pid}`;
    await dropDatabase(url, postgresFixture);
    const admin = await openDatabase({ url: adminUrl(url) });
    await admin.query(`create database ${postgresFixture}`);
    await admin.close();
    const pg = await openDatabase({ url: databaseUrl(url, postgresFixture) });
    await loadFixture(pg, files);
    await pg.close();
  }

  project.provide("fixtureDir", dir);
  project.provide("fixtureFiles", files);
  project.provide("pgliteFixture", tarball);
  project.provide("pgliteEmpty", emptyTarball);
  project.provide("postgresFixture", postgresFixture);

  return async () => {
    if (url && postgresFixture) await dropDatabase(url, postgresFixture);
    rmSync(dir, { recursive: true, force: true });
  };
}

