// Row-level security on PostgreSQL (decision 026): the app's own role sees respondents and ratings
// only inside the Scope its transaction names, and nothing without one; the owner loads as before.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { grantAppRole, rowSecurityActive, withRowScope } from "../../db/access/row-security";
import { placeInScope, type Scope } from "../../db/analytics/scope";
import { type Database, openDatabase } from "../../db/client";
import { openPreparedDatabase, type OpenedDatabase } from "../../db/setup";
import { FIXTURE_ORGANISATIONS } from "../support/fixture";
import { createAppRole, createDatabase, dropDatabase } from "../support/postgres";

const base = process.env.TEST_DATABASE_URL;

describe.runIf(base)("row-level security on PostgreSQL", () => {
  let role: string;
  let dropRole: () => Promise<void>;
  let database: { name: string; url: string };
  let appUrl: string;
  let owner: Database;
  let app: OpenedDatabase;
  let waves: { id: number; label: string; referenceDate: string }[];

  /** Respondents and ratings the owner counts for some organisations of a wave: what a Scope should see. */
  async function ownerCounts(waveId: number, organisations: string[]) {
    const [row] = await owner.query<{ respondents: number; ratings: number }>(
      `select count(distinct r.id)::int as respondents, count(t.*)::int as ratings
       from respondents r left join ratings t on t.respondent_id = r.id
       where r.wave_id = $1 and r.organisation_code = any($2::text[])`,
      [waveId, organisations],
    );
    return row;
  }

  /** What the app's role sees of a wave under a Scope setting (null: no setting at all). */
  async function appCounts(waveId: number, setting: string | null) {
    return app.db.transaction(async (tx) => {
      if (setting !== null) await tx.query("select set_config('capgap.scope', $1, true)", [setting]);
      const [row] = await tx.query<{ respondents: number; ratings: number }>(
        `select (select count(*)::int from respondents where wave_id = $1) as respondents,
                (select count(*)::int from ratings t join respondents r on r.id = t.respondent_id where r.wave_id = $1) as ratings`,
        [waveId],
      );
      return row;
    });
  }

  beforeAll(async () => {
    database = await createDatabase(base!, inject("postgresFixture")!);
    const appRole = await createAppRole(database.url);
    ({ role, url: appUrl, drop: dropRole } = appRole);
    owner = await openDatabase({ url: database.url });
    // As the server opens it: migrations and grants as the owner, then the app's own connection.
    app = await openPreparedDatabase({ env: { DATABASE_URL: appUrl, DATABASE_OWNER_URL: database.url } });
    waves = await owner.query(`select id, label, reference_date as "referenceDate" from waves order by reference_date`);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await owner?.close();
    if (database) await dropDatabase(base!, database.name);
    await dropRole?.();
  });

  it("applies to the app's role and not to the owner", async () => {
    expect(await rowSecurityActive(app.db)).toEqual({ active: true, role });
    expect(await rowSecurityActive(owner)).toEqual({ active: false, role: "postgres" });
  });

  it("shows the app no respondent or rating without a Scope, or with one it does not recognise", async () => {
    const [wave] = waves;
    expect((await ownerCounts(wave.id, FIXTURE_ORGANISATIONS)).respondents).toBeGreaterThan(500);
    for (const setting of [null, "", "England", "national:", "organisation:", "organisation:ral", "region:", "everyone"]) {
      expect(await appCounts(wave.id, setting), String(setting)).toEqual({ respondents: 0, ratings: 0 });
    }
  });

  it("shows an organisation Scope its own rows only, and a wrong one none of them", async () => {
    const [wave] = waves;
    const expected = await ownerCounts(wave.id, ["RAL"]);
    expect(expected.respondents).toBeGreaterThan(0);
    expect(expected.ratings).toBeGreaterThan(expected.respondents);
    expect(await appCounts(wave.id, "organisation:RAL")).toEqual(expected);
    // An organisation with no data, and a place of another kind with RAL's code.
    expect(await appCounts(wave.id, "organisation:RBL")).toEqual({ respondents: 0, ratings: 0 });
    expect(await appCounts(wave.id, "icb:RAL")).toEqual({ respondents: 0, ratings: 0 });
    // Only RAL's rows, even when asked for by organisation.
    const others = await app.db.transaction(async (tx) => {
      await tx.query("select set_config('capgap.scope', 'organisation:RAL', true)");
      return tx.query<{ organisation_code: string }>("select distinct organisation_code from respondents");
    });
    expect(others).toEqual([{ organisation_code: "RAL" }]);
  });

  it("follows each wave's membership for region and ICB Scopes, as the query layer does", async () => {
    const scopes: Scope[] = [
      { kind: "region", code: "Y56" },
      { kind: "region", code: "Y59" },
      { kind: "region", code: "Y61" },
      { kind: "icb", code: "QMJ" },
      { kind: "icb", code: "QKK" },
      { kind: "icb", code: "QKS" },
    ];
    for (const wave of waves) {
      for (const scope of scopes) {
        const inside: string[] = [];
        for (const code of FIXTURE_ORGANISATIONS) {
          if (await placeInScope(owner, scope, { kind: "organisation", code }, wave.referenceDate)) inside.push(code);
        }
        const label = `${wave.label} ${scope.kind}:${"code" in scope ? scope.code : ""}`;
        expect(await appCounts(wave.id, `${scope.kind}:${"code" in scope ? scope.code : ""}`), label).toEqual(await ownerCounts(wave.id, inside));
      }
    }
    // RPG (Oxleas) moved from London to the South East on 1 April 2026: each wave's region sees it.
    const [before, after] = waves;
    const rpg = (w: { id: number }, region: string) =>
      withRowScope(app.db, { kind: "region", code: region }, (tx) =>
        tx.query<{ n: number }>("select count(*)::int as n from respondents where wave_id = $1 and organisation_code = 'RPG'", [w.id]),
      ).then(([{ n }]) => n);
    expect(await rpg(before, "Y56")).toBeGreaterThan(0);
    expect(await rpg(before, "Y59")).toBe(0);
    expect(await rpg(after, "Y56")).toBe(0);
    expect(await rpg(after, "Y59")).toBeGreaterThan(0);
  });

  it("shows a national Scope everything", async () => {
    for (const wave of waves) {
      expect(await withRowScope(app.db, { kind: "national" }, () => appCounts(wave.id, "national"))).toEqual(await ownerCounts(wave.id, FIXTURE_ORGANISATIONS));
    }
  });

  it("keeps the setting to its transaction", async () => {
    const [wave] = waves;
    await withRowScope(app.db, { kind: "national" }, async () => {});
    const [{ n }] = await app.db.query<{ n: number }>("select count(*)::int as n from respondents where wave_id = $1", [wave.id]);
    expect(n).toBe(0);
  });

  it("lets the app read but never write respondent-level rows, nor change or delete the audit log", async () => {
    const refused = (text: string) =>
      app.db.transaction(async (tx) => {
        await tx.query("select set_config('capgap.scope', 'national', true)");
        await tx.query("select set_config('capgap.audit_purge', 'on', true)");
        await tx.query(text);
      });
    for (const text of [
      "delete from ratings",
      "delete from respondents",
      "update respondents set organisation_code = 'RAL'",
      "insert into ratings (respondent_id, capability_id, rating) values (1, 1, 4)",
      "truncate ratings",
      "delete from audit_events",
      "update audit_events set detail = null",
    ]) {
      await expect(refused(text), text).rejects.toThrow(/permission denied/);
    }
    // What it does write: accounts, sessions and the audit log.
    await app.db.query("insert into audit_events (action) values ('sign_out')");
  });

  it("refuses to run the app as the owner once the two are apart, and commands as the app's role", async () => {
    const ownerUrl = database.url;
    await expect(openPreparedDatabase({ env: { DATABASE_URL: ownerUrl, DATABASE_OWNER_URL: ownerUrl.replace("postgres@", "postgres:@") } })).rejects.toThrow(
      /DATABASE_URL connects as “postgres”, a superuser, so row-level security would not apply to it/,
    );
    await expect(openPreparedDatabase({ as: "owner", env: { DATABASE_URL: appUrl } })).rejects.toThrow(
      new RegExp(`DATABASE_URL connects as “${role}”, the app's own role.*set DATABASE_OWNER_URL`),
    );
    await expect(openPreparedDatabase({ as: "owner", env: { DATABASE_URL: ownerUrl, DATABASE_OWNER_URL: appUrl } })).rejects.toThrow(
      new RegExp(`DATABASE_OWNER_URL connects as “${role}”, which does not own the tables`),
    );
  });

  it("refuses to grant a superuser or a role that does not exist", async () => {
    await expect(owner.transaction((tx) => grantAppRole(tx, "postgres"))).rejects.toThrow(/a superuser, so row-level security would not apply/);
    await expect(owner.transaction((tx) => grantAppRole(tx, "capgap_nobody"))).rejects.toThrow(/The role “capgap_nobody” in DATABASE_URL does not exist/);
  });
});
