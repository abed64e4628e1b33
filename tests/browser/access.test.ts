// Access control over HTTP, against server.ts serving the production build on a copy of the
// fixture with sign-in required (PostgreSQL clone, and PGlite with DEMO_MODE=off): for every role
// × every page, data request and API × a place inside and one outside the account's Scope, the
// outside one is refused (403) with no figures, and API answers hold only rows inside the Scope;
// no URL, query parameter or form field widens a Scope; sessions end as they should; every
// state-changing form needs its CSRF token. Runs with the browser tests (it needs the build).
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { tableFromIPC } from "apache-arrow";
import { addUser } from "../../db/access/users";
import { openDatabase, type Database } from "../../db/client";
import { fixtureDataDir } from "../support/databases";
import { FIXTURE_WAVES } from "../support/fixture";
import { HttpClient } from "../support/http-client";
import { createAppRole, createDatabase, dropDatabase } from "../support/postgres";
import { type Server, startServer } from "../support/processes";

const LATEST = FIXTURE_WAVES[FIXTURE_WAVES.length - 1].label;
const PASSWORD = "correct horse battery staple";
const targets = process.env.TEST_DATABASE_URL ? (["postgres", "pglite"] as const) : (["pglite"] as const);

/** Places of the fixture's latest wave: a region with an ICB and two organisations in it (one in the ICB, one not), and a region, ICB and organisation outside. */
interface Places {
  region: string;
  icb: string;
  organisation: string;
  /** In the region, not in the ICB. */
  sibling: string;
  otherRegion: string;
  otherIcb: string;
  otherOrganisation: string;
  /** Every organisation with respondents in the latest wave, with its ICB and region. */
  all: { organisation: string; icb: string; region: string }[];
}

async function choosePlaces(db: Database): Promise<Places> {
  const all = await db.query<{ organisation: string; icb: string; region: string }>(
    `select distinct r.organisation_code as organisation, m.icb_code as icb, m.region_code as region
     from respondents r join waves w on w.id = r.wave_id
     join organisation_memberships m on m.organisation_code = r.organisation_code
       and w.reference_date between m.valid_from and coalesce(m.valid_to, 'infinity'::date)
     where w.label = $1 order by 3, 2, 1`,
    [LATEST],
  );
  // A region with two ICBs' worth of organisations, or at least two organisations.
  for (const r of new Set(all.map((o) => o.region))) {
    const inRegion = all.filter((o) => o.region === r);
    const icbs = [...new Set(inRegion.map((o) => o.icb))];
    const other = all.find((o) => o.region !== r);
    if (icbs.length < 2 || !other) continue;
    const organisation = inRegion.find((o) => o.icb === icbs[0])!;
    const sibling = inRegion.find((o) => o.icb !== icbs[0])!;
    return { region: r, icb: icbs[0], organisation: organisation.organisation, sibling: sibling.organisation, otherRegion: other.region, otherIcb: other.icb, otherOrganisation: other.organisation, all };
  }
  throw new Error(`the fixture has no region with two ICBs: ${JSON.stringify(all)}`);
}

type Role = "national" | "region" | "icb" | "organisation";
const ROLES: Role[] = ["national", "region", "icb", "organisation"];

async function addAccounts(db: Database, p: Places): Promise<void> {
  const actor = { command: "test" };
  const scope = { national: null, region: p.region, icb: p.icb, organisation: p.organisation };
  for (const role of ROLES) await addUser(db, { email: `${role}@example.org`, role, scope: scope[role], password: PASSWORD }, actor);
  await addUser(db, { email: "admin@example.org", role: "organisation", scope: p.organisation, admin: true, password: PASSWORD }, actor);
}

/** Organisations a role may see, by the memberships of the latest wave. */
function visible(role: Role, p: Places): Set<string> {
  return new Set(
    p.all
      .filter((o) => role === "national" || (role === "region" ? o.region === p.region : role === "icb" ? o.icb === p.icb : o.organisation === p.organisation))
      .map((o) => o.organisation),
  );
}

describe.runIf(process.env.BROWSER_TESTS === "1").each(targets)("access control on %s", (target) => {
  let server: Server;
  let places: Places;
  let database: { name: string; url: string } | null = null;
  let appRole: Awaited<ReturnType<typeof createAppRole>> | null = null;
  const clients = new Map<string, HttpClient>();

  beforeAll(async () => {
    let env: Record<string, string>;
    let db: Database;
    if (target === "postgres") {
      database = await createDatabase(process.env.TEST_DATABASE_URL!, inject("postgresFixture")!);
      db = await openDatabase({ url: database.url });
      // The app connects as its own role, under row-level security; the owner migrates and loads.
      appRole = await createAppRole(database.url);
      env = { DATABASE_URL: appRole.url, DATABASE_OWNER_URL: database.url, PSEUDONYM_KEY: "07".repeat(32) };
    } else {
      const dir = await fixtureDataDir();
      db = await openDatabase({ dataDir: `${dir}/pglite` });
      env = { DATA_DIR: dir, DEMO_MODE: "off" };
    }
    try {
      places = await choosePlaces(db);
      await addAccounts(db, places);
    } finally {
      await db.close();
    }
    server = await startServer({ ...env, PAGE_WARM: "off" });
    for (const email of [...ROLES.map((r) => `${r}@example.org`), "admin@example.org"]) {
      const client = new HttpClient(server.url);
      expect((await client.signIn(email, PASSWORD)).status, email).toBe(302);
      clients.set(email, client);
    }
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    if (database) await dropDatabase(process.env.TEST_DATABASE_URL!, database.name);
    await appRole?.drop();
  });

  const as = (role: Role | "admin") => clients.get(`${role}@example.org`)!;

  it("sends anyone not signed in to sign in, and answers the APIs 401, with no figures", async () => {
    const anonymous = new HttpClient(server.url);
    for (const path of ["/", `/regions/${places.region}`, `/organisations/${places.organisation}`, "/data", "/staff-groups", "/framework"]) {
      const response = await anonymous.get(path);
      expect(response.status, path).toBe(302);
      expect(response.headers.get("location"), path).toBe(`/sign-in?redirectTo=${encodeURIComponent(path)}`);
    }
    for (const path of ["/api/gaps?by=region", "/api/funnel", `/api/priorities?region=${places.region}&format=csv`]) {
      const response = await anonymous.get(path);
      expect(response.status, path).toBe(401);
      expect(await response.text(), path).not.toMatch(/gap_rate|staff_below/);
    }
  });

  it("serves each role the pages of places inside its Scope and refuses the rest (403, no figures), pages and data requests alike", async () => {
    const p = places;
    // [path, roles that may see it]
    const pages: [string, Role[]][] = [
      [`/regions/${p.region}`, ["national", "region"]],
      [`/regions/${p.otherRegion}`, ["national"]],
      [`/icbs/${p.icb}`, ["national", "region", "icb"]],
      [`/icbs/${p.otherIcb}`, ["national"]],
      [`/organisations/${p.organisation}`, ["national", "region", "icb", "organisation"]],
      [`/organisations/${p.sibling}`, ["national", "region"]],
      [`/organisations/${p.otherOrganisation}`, ["national"]],
      [`/staff-groups/NMR?region=${p.region}`, ["national", "region"]],
      [`/staff-groups/NMR?icb=${p.otherIcb}`, ["national"]],
      [`/staff-groups/NMR?organisation=${p.organisation}`, ["national", "region", "icb", "organisation"]],
      [`/staff-groups/NMR?organisation=${p.otherOrganisation}`, ["national"]],
    ];
    for (const role of ROLES) {
      for (const [path, allowed] of pages) {
        for (const variant of [path, path.replace(/(\?|$)/, ".data$1")]) {
          const response = await as(role).get(variant);
          const body = await response.text();
          if (allowed.includes(role)) {
            expect(response.status, `${role} ${variant}`).toBe(200);
          } else {
            // A data request carries its route's error inside a 200 body (single fetch).
            if (!variant.includes(".data")) expect(response.status, `${role} ${variant}`).toBe(403);
            else expect(body, `${role} ${variant}`).toMatch(/403|outside it/);
            expect(body, `${role} ${variant}`).not.toMatch(/<table|app-chart|gap_rate|[Gg]ap rate/);
          }
        }
      }
    }
  });

  it("starts each role on its own area, and keeps the staff group and statement pages to it", async () => {
    const home: Record<Role, string | null> = { national: null, region: `/regions/${places.region}`, icb: `/icbs/${places.icb}`, organisation: `/organisations/${places.organisation}` };
    for (const role of ROLES) {
      const response = await as(role).get(`/?wave=${LATEST}`);
      if (role === "national") expect(response.status).toBe(200);
      else expect([response.status, response.headers.get("location")], role).toEqual([302, `${home[role]}?wave=${LATEST}`]);
      const staffGroup = await as(role).get("/staff-groups/NMR");
      if (role === "national") expect(staffGroup.status).toBe(200);
      else expect(staffGroup.headers.get("location"), role).toBe(`/staff-groups/NMR?${role}=${role === "region" ? places.region : role === "icb" ? places.icb : places.organisation}`);
    }
    // A statement's page shows England for everyone, but a region's bar only to a viewer in that region.
    const statement = async (role: Role) => await (await as(role).get(`/framework/capabilities/1-01?wave=${LATEST}`)).text();
    expect(await statement("national")).toContain(`/regions/${places.otherRegion}`);
    expect(await statement("region")).toContain(`/regions/${places.region}`);
    for (const role of ["region", "icb", "organisation"] as const) {
      const html = await statement(role);
      expect(html, role).not.toContain(`/regions/${places.otherRegion}`);
      // Below region level the region's bar is a comparator: no link to a page they cannot open.
      if (role !== "region") expect(html, role).not.toContain(`/regions/${places.region}`);
    }
  });

  it("answers every API with rows inside the Scope only, as JSON, CSV and Arrow, and refuses filters outside it", async () => {
    for (const role of ROLES) {
      const seen = visible(role, places);
      const json = (await (await as(role).get(`/api/gaps?by=organisation&wave=${LATEST}`)).json()) as { rows: { organisation: string }[] };
      expect(new Set(json.rows.map((r) => r.organisation)), role).toEqual(seen);
      const csv = await (await as(role).get(`/api/gaps?by=organisation&wave=${LATEST}&format=csv`)).text();
      const codes = csv.trim().split("\n").slice(1).map((line) => line.split(",")[0]);
      expect(new Set(codes), role).toEqual(seen);
      const arrow = tableFromIPC(new Uint8Array(await (await as(role).get(`/api/gaps?by=organisation&wave=${LATEST}&format=arrow`)).arrayBuffer()));
      expect(new Set(arrow.getChild("organisation")!.toArray() as string[]), role).toEqual(seen);
      const funnel = (await (await as(role).get(`/api/funnel?wave=${LATEST}`)).json()) as { rows: { organisation: string }[] };
      expect(funnel.rows.every((r) => seen.has(r.organisation)), role).toBe(true);

      // A filter naming a place outside the Scope is refused, whatever the format.
      for (const path of [
        `/api/gaps?by=domain&organisation=${places.otherOrganisation}`,
        `/api/gaps?by=domain&region=${places.otherRegion}&format=csv`,
        `/api/priorities?region=${places.otherRegion}&format=arrow`,
        `/api/funnel?wave=${LATEST}&organisation=${places.otherOrganisation}`,
      ]) {
        const response = await as(role).get(path);
        const body = await response.text();
        if (role === "national") expect([200, 400], path).toContain(response.status);
        else {
          expect(response.status, `${role} ${path}`).toBe(path.startsWith("/api/funnel") ? 400 : 403);
          expect(body, `${role} ${path}`).not.toMatch(/gap_rate|staff_below/);
        }
      }
    }
  });

  it("never serves one account's kept page to another, and names the signed-in account on each", async () => {
    const path = `/organisations/${places.organisation}?wave=${LATEST}`;
    // Each response carries its own script nonce; the rest of a kept document is the same.
    const withoutNonces = (html: string) => html.replace(/nonce="[^"]+"/g, 'nonce=""');
    for (const role of ROLES) {
      const first = withoutNonces(await (await as(role).get(path)).text());
      const again = await as(role).get(path);
      expect(again.headers.get("server-timing"), role).toMatch(/page;desc="hit"/);
      const html = withoutNonces(await again.text());
      expect(html, role).toBe(first);
      expect(html, role).toContain(`${role}@example.org`);
    }
    // The sibling is cached for national now; the organisation account is still refused.
    await as("national").get(`/organisations/${places.sibling}`);
    expect((await as("national").get(`/organisations/${places.sibling}`)).status).toBe(200);
    expect((await as("organisation").get(`/organisations/${places.sibling}`)).status).toBe(403);
  });

  it("applies the small-count rule to national accounts too", async () => {
    const table = (await (await as("national").get(`/api/gaps?by=organisation,staff_group,archetype&wave=${LATEST}`)).json()) as {
      meta: { suppression: { k: number } };
      rows: { respondents: number | null; gap_rate: number | null; suppressed: boolean }[];
    };
    const suppressed = table.rows.filter((r) => r.suppressed);
    expect(suppressed.length).toBeGreaterThan(0);
    expect(suppressed.every((r) => r.respondents === null && r.gap_rate === null)).toBe(true);
  });

  it("keeps loading exports, accounts and the audit log to administrators, and the administrator's figures to its Scope", async () => {
    for (const role of ROLES) for (const path of ["/ingest", "/ingest/history", "/admin/users", "/admin/audit"]) expect((await as(role).get(path)).status, `${role} ${path}`).toBe(403);
    for (const path of ["/ingest", "/ingest/history", "/admin/users", "/admin/audit"]) expect((await as("admin").get(path)).status, path).toBe(200);
    expect((await as("admin").get(`/organisations/${places.sibling}`)).status).toBe(403);
    // A form field cannot make a non-administrator one: the upload is refused before anything is read.
    const form = new FormData();
    form.append("csrf", await as("admin").csrf("/ingest"));
    form.append("wave", LATEST);
    expect((await as("organisation").post("/ingest", form)).status).toBe(403);
  });

  it("refuses every state-changing form without its CSRF token", async () => {
    const admin = as("admin");
    const withToken = await admin.csrf("/admin/users");
    for (const [path, form] of [
      ["/admin/users", { intent: "add", email: "new@example.org", role: "national" }],
      ["/sign-out", {}],
      ["/ingest/uploads/none", { intent: "cancel" }],
    ] as [string, Record<string, string>][]) {
      expect((await admin.post(path, form)).status, `${path} without a token`).toBe(403);
      expect((await admin.post(path, { ...form, csrf: "x".repeat(43) })).status, `${path} with a wrong token`).toBe(403);
    }
    const upload = new FormData();
    upload.append("wave", LATEST);
    expect((await admin.post("/ingest", upload)).status).toBe(403);
    const anonymous = new HttpClient(server.url);
    expect((await anonymous.post("/sign-in", { email: "national@example.org", password: PASSWORD })).status).toBe(403);
    // With its token the same form works.
    const added = await admin.post("/admin/users", { csrf: withToken, intent: "add", email: "new@example.org", role: "region", scope: places.region });
    expect(added.status).toBe(200);
    expect((await added.text()).replaceAll("<!-- -->", "")).toMatch(/Added new@example\.org/);
  });

  it("ends a session on sign-out, and gives a new token at sign-in (a planted one is worthless)", async () => {
    const client = new HttpClient(server.url);
    client.setCookie("capgap_session", "planted-by-someone-else");
    expect((await client.signIn("region@example.org", PASSWORD)).status).toBe(302);
    const token = client.cookie("capgap_session")!;
    expect(token).not.toBe("planted-by-someone-else");
    expect((await client.get(`/regions/${places.region}`)).status).toBe(200);
    // Signing in again replaces the session: the earlier token no longer works.
    expect((await client.signIn("region@example.org", PASSWORD)).status).toBe(302);
    const stale = new HttpClient(server.url);
    stale.setCookie("capgap_session", token);
    expect((await stale.get(`/regions/${places.region}`)).status).toBe(302);

    const current = client.cookie("capgap_session")!;
    const out = await client.post("/sign-out", { csrf: await client.csrf("/sign-out") });
    expect(out.status).toBe(302);
    expect(client.cookie("capgap_session")).toBeUndefined();
    const replay = new HttpClient(server.url);
    replay.setCookie("capgap_session", current);
    expect((await replay.get(`/regions/${places.region}`)).status).toBe(302);
  });

  it("refuses a wrong password, and limits repeated failures", async () => {
    const client = new HttpClient(server.url);
    const wrong = await client.signIn("icb@example.org", "not the password");
    expect(wrong.status).toBe(400);
    expect(client.cookie("capgap_session")).toBeUndefined();
    for (let i = 0; i < 5; i++) await client.signIn("icb@example.org", "not the password");
    const limited = await client.signIn("icb@example.org", PASSWORD);
    expect(limited.status).toBe(429);
    expect(client.cookie("capgap_session")).toBeUndefined();
  });

  it("sends the security headers on every response, and a fresh script nonce with every document", async () => {
    const national = as("national");
    const asset = /(?:src|href)="(\/assets\/[^"]+\.js)"/.exec(await (await national.get("/data")).text())![1];
    for (const path of ["/", "/data", `/regions/${places.region}`, "/sign-in", "/api/gaps?by=region", "/organisations/NOPE", asset, "/no-such-page"]) {
      const response = await national.get(path);
      const headers = response.headers;
      expect(headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(headers.get("x-frame-options"), path).toBe("DENY");
      expect(headers.get("referrer-policy"), path).toBe("same-origin");
      const policy = headers.get("content-security-policy") ?? "";
      expect(policy, path).toMatch(/frame-ancestors 'none'/);
      expect(policy, path).not.toMatch(/script-src[^;]*'unsafe-inline'/);
      if ((headers.get("content-type") ?? "").startsWith("text/html")) {
        // One policy only: a browser enforces every policy it is sent, so a second, stricter one would block the page.
        expect(policy, path).not.toContain(",");
        const nonce = /script-src 'self' 'nonce-([A-Za-z0-9_-]+)'/.exec(policy)?.[1];
        expect(nonce, path).toMatch(/^[A-Za-z0-9_-]{32}$/);
        const html = await response.text();
        // Every inline script carries this response's nonce, and no other.
        const scripts = [...html.matchAll(/<script(?![^>]*\ssrc=)([^>]*)>/g)].map((m) => m[1]);
        expect(scripts.length, path).toBeGreaterThan(0);
        for (const attributes of scripts) expect(attributes, path).toContain(`nonce="${nonce}"`);
        expect(html).not.toContain("nonceplaceholder");
      } else {
        expect(policy, path).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
        await response.arrayBuffer();
      }
    }
    // A kept document goes out again with a new nonce.
    const nonceOf = async () => /'nonce-([^']+)'/.exec((await national.get("/data")).headers.get("content-security-policy")!)![1];
    expect(await nonceOf()).not.toBe(await nonceOf());
  });

  it("records sign-ins, views, exports and account changes in the audit log", async () => {
    const html = await (await as("admin").get("/admin/audit?action=export&email=organisation@example.org")).text();
    expect(html).toMatch(/\/api\/gaps/);
    const views = await (await as("admin").get(`/admin/audit?action=view&email=region@example.org`)).text();
    expect(views).toContain(`/regions/${places.region}`);
    expect(await (await as("admin").get("/admin/audit?action=sign_in_failed")).text()).toMatch(/wrong password/);
    expect(await (await as("admin").get("/admin/audit?action=user_add")).text()).toMatch(/new@example\.org/);
  });
});

describe.runIf(process.env.BROWSER_TESTS === "1")("local demo mode", () => {
  let server: Server;
  beforeAll(async () => {
    server = await startServer({ DATA_DIR: await fixtureDataDir(), PAGE_WARM: "off" });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("shows every page without sign-in as the demo national administrator, and views the demo as each role", async () => {
    expect(server.output()).toContain("Local demo mode");
    const client = new HttpClient(server.url);
    const england = await client.get("/");
    expect(england.status).toBe(200);
    expect(await england.text()).toContain("demo-national@example.invalid");
    expect((await client.get("/ingest")).status).toBe(200);

    // React separates adjacent text with <!-- -->; the words are what a reader sees.
    const demo = (await (await client.get("/demo")).text()).replaceAll("<!-- -->", "");
    const csrf = /name="csrf" value="([^"]+)"/.exec(demo)![1];
    const accounts = [...demo.matchAll(/name="account" value="(\d+)"[\s\S]*?View as ([^<(]+)(?:\(([A-Z0-9]+)\))?/g)].map((m) => ({ id: m[1], role: m[2].trim(), scope: m[3] }));
    expect(accounts.map((a) => a.role)).toEqual(["National programme team", "Regional education lead", "ICB lead", "Trust workforce planner"]);
    const trust = accounts[3];
    const chosen = await client.post("/demo", { csrf, account: trust.id });
    expect(chosen.status).toBe(302);
    const home = await client.get("/");
    expect(home.headers.get("location")).toBe(`/organisations/${trust.scope}`);
    const page = await client.get(`/organisations/${trust.scope}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("demo-organisation@example.invalid");
    expect((await client.get(`/regions/${accounts[1].scope}`)).status).toBe(403);
    expect((await client.get("/ingest")).status).toBe(403);
    // Without the form's token, no switching.
    expect((await client.post("/demo", { account: accounts[0].id })).status).toBe(403);
  });
});
