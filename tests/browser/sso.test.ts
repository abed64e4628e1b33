// Single sign-on over HTTP, against server.ts serving the production build and an OpenID provider
// started by the test (tests/support/oidc-provider.ts): on PostgreSQL set up as for Entra ID (a
// client secret, claims in the ID token), on PGlite as for NHS CIS2 (private_key_jwt signed RS512,
// email and roles from UserInfo). Accounts are found by subject or verified email; auto-provisioning
// makes only organisation accounts for one known trust; forged, replayed and refused sign-ins get no
// session; and a person clicks through it in Chromium. Runs with the browser tests (it needs the build).
import { generateKeyPairSync } from "node:crypto";
import { existsSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { addUser, changeUser } from "../../db/access/users";
import { type Database, openDatabase } from "../../db/client";
import { CHROMIUM } from "../support/browser-path";
import { fixtureDataDir } from "../support/databases";
import { HttpClient } from "../support/http-client";
import { startOidcProvider, type TestClient, type TestIdentity, type TestProvider } from "../support/oidc-provider";
import { createDatabase, dropDatabase } from "../support/postgres";
import { type Server, startServer } from "../support/processes";

const PASSWORD = "correct horse battery staple";
const LABEL = "the test provider";
const targets = process.env.TEST_DATABASE_URL ? (["postgres", "pglite"] as const) : (["pglite"] as const);
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

interface Places {
  organisation: string;
  otherOrganisation: string;
  region: string;
  icb: string;
}

async function choosePlaces(db: Database): Promise<Places> {
  const organisations = await db.query<{ code: string }>("select distinct organisation_code as code from respondents order by 1 limit 2");
  const [{ code: region }] = await db.query<{ code: string }>("select code from regions order by code limit 1");
  const [{ code: icb }] = await db.query<{ code: string }>("select code from icbs order by code limit 1");
  return { organisation: organisations[0].code, otherOrganisation: organisations[1].code, region, icb };
}

async function addAccounts(db: Database, p: Places): Promise<void> {
  const actor = { command: "test" };
  await addUser(db, { email: "admin@example.org", role: "national", admin: true, password: PASSWORD }, actor);
  await addUser(db, { email: "subject@example.org", role: "organisation", scope: p.organisation, oidcSubject: "sub-subject" }, actor);
  await addUser(db, { email: "email@example.org", role: "region", scope: p.region }, actor);
  await addUser(db, { email: "unverified@example.org", role: "national" }, actor);
  const disabled = await addUser(db, { email: "disabled@example.org", role: "organisation", scope: p.organisation, oidcSubject: "sub-disabled" }, actor);
  await changeUser(db, disabled.id, { email: disabled.email, role: "organisation", scope: p.organisation, oidcSubject: "sub-disabled", disabled: true }, actor);
}

/** The words a reader sees: React separates adjacent text with <!-- --> and escapes quotes. */
const text = async (response: Response) => (await response.text()).replaceAll("<!-- -->", "").replaceAll("&#x27;", "'").replaceAll("&quot;", '"');

describe.runIf(process.env.BROWSER_TESTS === "1").each(targets)("single sign-on on %s", (target) => {
  // PostgreSQL as Entra ID is set up, PGlite as NHS CIS2.
  const cis2 = target === "pglite";
  const keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const client: TestClient = cis2
    ? { id: "123456789012.apps.national", auth: "private_key_jwt", publicKey: keys.publicKey, keyId: "capgap-test", algorithm: "RS512" }
    : { id: "6731de76-14a6-49ae-97bc-6eba6914391e", auth: "client_secret_basic", secret: "a client secret with + and :" };
  /** The claim carrying ODS codes, as each provider would send it. */
  const organisationClaim = (codes: string[]) => (cis2 ? { nhsid_nrbac_roles: codes.map((org_code) => ({ org_code, role_name: "Analyst" })) } : { ods_code: codes.length === 1 ? codes[0] : codes });

  let provider: TestProvider;
  let server: Server;
  let places: Places;
  let admin: HttpClient;
  let database: { name: string; url: string } | null = null;

  beforeAll(async () => {
    provider = await startOidcProvider({ client, claimsIn: cis2 ? "userinfo" : "id_token" });
    let env: Record<string, string>;
    let db: Database;
    if (target === "postgres") {
      database = await createDatabase(process.env.TEST_DATABASE_URL!, inject("postgresFixture")!);
      db = await openDatabase({ url: database.url });
      env = { DATABASE_URL: database.url, PSEUDONYM_KEY: "07".repeat(32) };
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
    const sso: Record<string, string> = {
      OIDC_ISSUER: provider.issuer,
      OIDC_CLIENT_ID: client.id,
      OIDC_LABEL: LABEL,
      OIDC_AUTO_PROVISION: "on",
      OIDC_ORGANISATION_CLAIM: cis2 ? "nhsid_nrbac_roles" : "ods_code",
      ...(client.auth === "private_key_jwt"
        ? { OIDC_PRIVATE_KEY: keys.privateKey.export({ format: "pem", type: "pkcs8" }) as string, OIDC_KEY_ID: client.keyId, OIDC_USERINFO: "on", OIDC_SCOPES: "openid email nationalrbacaccess" }
        : { OIDC_CLIENT_SECRET: client.secret }),
    };
    server = await startServer({ ...env, ...sso, PAGE_WARM: "off" });
    provider.allowRedirect(`${server.url}/sign-in/oidc/callback`);
    admin = new HttpClient(server.url);
    expect((await admin.signIn("admin@example.org", PASSWORD)).status).toBe(302);
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    await provider?.close();
    if (database) await dropDatabase(process.env.TEST_DATABASE_URL!, database.name);
  });

  /** Starts a sign-in, lets the provider answer, and returns the callback address it sent the browser to. */
  async function throughProvider(browser: HttpClient, redirectTo = "/"): Promise<string> {
    const start = await browser.get(`/sign-in/oidc?redirectTo=${encodeURIComponent(redirectTo)}`);
    expect(start.status, await start.clone().text()).toBe(302);
    const answer = await fetch(start.headers.get("location")!, { redirect: "manual" });
    expect(answer.status).toBe(302);
    const callback = new URL(answer.headers.get("location")!);
    expect(callback.origin).toBe(server.url);
    return callback.pathname + callback.search;
  }

  /** A whole sign-in as `identity`: the callback's response. */
  async function signInAs(browser: HttpClient, identity: TestIdentity | null, redirectTo = "/"): Promise<Response> {
    provider.signInAs(identity);
    return browser.get(await throughProvider(browser, redirectTo));
  }

  /** The audit log's rows for `action`, each as its text. */
  const auditRows = async (action: string) => (await text(await admin.get(`/admin/audit?action=${action}`))).split("<tr").slice(1);
  /** Whether one audit row for `action` holds every one of `words`. */
  const audited = async (action: string, ...words: string[]) => (await auditRows(action)).some((row) => words.every((w) => row.includes(w)));

  it("offers single sign-on beside the password form, and starts it bound to this browser with state, nonce and PKCE", async () => {
    expect(server.output()).toContain(`Single sign-on with ${provider.issuer}`);
    const page = await text(await new HttpClient(server.url).get("/sign-in?redirectTo=%2Fdata"));
    expect(page).toContain(`href="/sign-in/oidc?redirectTo=%2Fdata"`);
    expect(page).toContain(`Sign in with ${LABEL}`);
    expect(page).toMatch(/name="password"/);

    const browser = new HttpClient(server.url);
    const start = await browser.get("/sign-in/oidc?redirectTo=%2Fdata");
    const authorize = new URL(start.headers.get("location")!);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${provider.issuer}/authorize`);
    const p = authorize.searchParams;
    expect(p.get("client_id")).toBe(client.id);
    expect(p.get("redirect_uri")).toBe(`${server.url}/sign-in/oidc/callback`);
    expect(p.get("response_type")).toBe("code");
    expect(p.get("scope")).toBe(cis2 ? "openid email nationalrbacaccess" : "openid email profile");
    expect(p.get("code_challenge_method")).toBe("S256");
    for (const name of ["state", "nonce", "code_challenge"]) expect(p.get(name), name).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const cookie = start.headers.getSetCookie().find((c) => c.startsWith("capgap_sso="))!;
    expect(cookie).toMatch(/^capgap_sso=[A-Za-z0-9_-]{43}; Max-Age=600; Path=\/sign-in\/oidc; HttpOnly; SameSite=Lax$/);
    // Each start has its own secrets.
    const again = new URL((await browser.get("/sign-in/oidc")).headers.get("location")!);
    expect(again.searchParams.get("state")).not.toBe(p.get("state"));
    expect(again.searchParams.get("nonce")).not.toBe(p.get("nonce"));
    // Password sign-in is unchanged (the administrator signed in with one).
    expect((await admin.get("/admin/users")).status).toBe(200);
  });

  it("signs in the account with the subject: a new session each time, the token presented ended, back to the page asked for", async () => {
    const browser = new HttpClient(server.url);
    browser.setCookie("capgap_session", "planted-by-someone-else");
    const done = await signInAs(browser, { sub: "sub-subject" }, `/organisations/${places.organisation}`);
    expect(done.status).toBe(302);
    expect(done.headers.get("location")).toBe(`/organisations/${places.organisation}`);
    const cookies = done.headers.getSetCookie();
    const session = cookies.find((c) => c.startsWith("capgap_session="))!;
    expect(session).toMatch(/^capgap_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=43200$/);
    expect(cookies).toContain("capgap_sso=; Max-Age=0; Path=/sign-in/oidc; HttpOnly; SameSite=Lax");
    const first = browser.cookie("capgap_session")!;
    expect(first).not.toBe("planted-by-someone-else");
    const page = await browser.get(`/organisations/${places.organisation}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("subject@example.org");
    expect((await browser.get(`/organisations/${places.otherOrganisation}`)).status).toBe(403);

    // Signing in again gives a new token and ends the one it replaces.
    expect((await signInAs(browser, { sub: "sub-subject" })).status).toBe(302);
    expect(browser.cookie("capgap_session")).not.toBe(first);
    const stale = new HttpClient(server.url);
    stale.setCookie("capgap_session", first);
    expect((await stale.get(`/organisations/${places.organisation}`)).status).toBe(302);

    expect(provider.tokenRequests.at(-1)).toEqual(cis2 ? { auth: "private_key_jwt", algorithm: "RS512" } : { auth: "client_secret_basic" });
    expect(await audited("sign_in", "subject@example.org", `"method":"oidc"`)).toBe(true);
  });

  it("links the subject to the account with a verified email, then knows it by subject", async () => {
    const browser = new HttpClient(server.url);
    const done = await signInAs(browser, { sub: "sub-email", email: "Email@Example.org", email_verified: true }, `/regions/${places.region}`);
    expect(done.status).toBe(302);
    expect((await browser.get(`/regions/${places.region}`)).status).toBe(200);
    expect(await audited("user_change", "email@example.org", `"oidc_subject_linked":"sub-email"`, "verified email")).toBe(true);
    // The email at the provider may change: the subject still finds the account.
    const later = new HttpClient(server.url);
    expect((await signInAs(later, { sub: "sub-email", email: "renamed@example.org", email_verified: true })).status).toBe(302);
    expect(await (await later.get(`/regions/${places.region}`)).text()).toContain("email@example.org");
  });

  it("refuses an unverified email and anyone without an account, saying what to do, and audits each", async () => {
    const browser = new HttpClient(server.url);
    const unverified = await signInAs(browser, { sub: "sub-unverified", email: "unverified@example.org", email_verified: false });
    expect(unverified.status).toBe(403);
    const page = await text(unverified);
    expect(page).toContain(`Signing in with ${LABEL} worked, but there is no account here for unverified@example.org`);
    expect(page).toContain("did not confirm your email address");
    expect(page).toContain("Ask your administrator");
    expect(page).not.toMatch(/\bat \w+ \(|node_modules/);
    expect(browser.cookie("capgap_session")).toBeUndefined();

    const nobody = await signInAs(browser, { sub: "sub-nobody", email: "nobody@example.org", email_verified: true });
    expect(nobody.status).toBe(403);
    const refused = await text(nobody);
    expect(refused).toContain("there is no account here for nobody@example.org");
    expect(refused).toContain("sub-nobody");
    expect(browser.cookie("capgap_session")).toBeUndefined();
    expect(await audited("sign_in_failed", "unverified@example.org", "email not verified", `"method":"oidc"`)).toBe(true);
    expect(await audited("sign_in_failed", "nobody@example.org", "no organisation in the claim", "sub-nobody")).toBe(true);
  });

  it("refuses a disabled account, and an account already linked to another identity", async () => {
    const browser = new HttpClient(server.url);
    const disabled = await signInAs(browser, { sub: "sub-disabled" });
    expect(disabled.status).toBe(403);
    expect(await text(disabled)).toContain("your account here is disabled");
    const intruder = await signInAs(browser, { sub: "sub-intruder", email: "subject@example.org", email_verified: true });
    expect(intruder.status).toBe(403);
    expect(await text(intruder)).toContain("linked to a different sign-in");
    expect(browser.cookie("capgap_session")).toBeUndefined();
    expect(await audited("sign_in_failed", "disabled@example.org", "account disabled")).toBe(true);
    expect(await audited("sign_in_failed", "subject@example.org", "account linked to another identity", "sub-intruder")).toBe(true);
  });

  it("provisions an organisation account for one trust in the reference data, which sees that trust only and administers nothing", async () => {
    const browser = new HttpClient(server.url);
    const identity = { sub: "sub-new", email: "new.planner@example.org", email_verified: true, claims: { ...organisationClaim([places.organisation.toLowerCase()]), roles: ["admin", "national"], admin: true } };
    const done = await signInAs(browser, identity, `/organisations/${places.organisation}`);
    expect(done.status).toBe(302);
    const page = await browser.get(`/organisations/${places.organisation}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("new.planner@example.org");
    for (const path of [`/organisations/${places.otherOrganisation}`, `/regions/${places.region}`, `/icbs/${places.icb}`, "/admin/users", "/ingest"]) {
      expect((await browser.get(path)).status, path).toBe(403);
    }
    const accounts = await text(await admin.get("/admin/users"));
    expect(accounts).toMatch(new RegExp(`new\\.planner@example\\.org</td><td>Organisation ${places.organisation}</td><td>No</td><td>single sign-on</td>`));
    expect(await audited("user_add", "new.planner@example.org", "single sign-on auto-provisioning", `"admin":false`)).toBe(true);
    // The next sign-in finds it by subject.
    expect((await signInAs(new HttpClient(server.url), identity)).status).toBe(302);
  });

  it("never provisions from an ICB's or a region's code, or from more than one organisation", async () => {
    const cases: [string, string[], string][] = [
      ["icb.lead@example.org", [places.icb], "organisation not a trust"],
      ["region.lead@example.org", [places.region], "organisation not a trust"],
      ["two.trusts@example.org", [places.organisation, places.otherOrganisation], "several organisations in the claim"],
    ];
    for (const [email, codes, reason] of cases) {
      const browser = new HttpClient(server.url);
      const refused = await signInAs(browser, { sub: `sub-${email}`, email, email_verified: true, claims: organisationClaim(codes) });
      expect(refused.status, email).toBe(403);
      expect(await text(refused), email).toContain(`there is no account here for ${email}`);
      expect(browser.cookie("capgap_session"), email).toBeUndefined();
      expect(await audited("sign_in_failed", email, reason), email).toBe(true);
    }
    const accounts = await text(await admin.get("/admin/users"));
    for (const [email] of cases) expect(accounts, email).not.toContain(email);
  });

  it("refuses a tampered state, a replayed callback, a callback in another browser, and a sign-in refused at the provider", async () => {
    provider.signInAs({ sub: "sub-subject" });
    const browser = new HttpClient(server.url);
    const callback = await throughProvider(browser);
    const tampered = callback.replace(/state=([^&]+)/, (_m, state: string) => `state=${state.slice(0, -2)}xx`);
    expect(tampered).not.toBe(callback);
    const forged = await browser.get(tampered);
    expect(forged.status).toBe(400);
    expect(await text(forged)).toContain("could not be verified");
    expect(browser.cookie("capgap_session")).toBeUndefined();

    // A callback is good once: the second use finds no sign-in in progress.
    const good = await throughProvider(browser);
    expect((await browser.get(good)).status).toBe(302);
    const signedIn = browser.cookie("capgap_session");
    const replay = await browser.get(good);
    expect(replay.status).toBe(400);
    expect(await text(replay)).toContain("expired, was already used, or was started in another browser");
    expect(browser.cookie("capgap_session")).toBe(signedIn);
    // Nor with a fresh sign-in of this browser's under way: its state is another.
    await browser.get("/sign-in/oidc");
    expect((await browser.get(good)).status).toBe(400);
    // Someone else's browser, handed the address, has no sign-in under way.
    const elsewhere = new HttpClient(server.url);
    const stolen = await throughProvider(browser);
    expect((await elsewhere.get(stolen)).status).toBe(400);
    expect(elsewhere.cookie("capgap_session")).toBeUndefined();

    const cancelled = await signInAs(new HttpClient(server.url), null);
    expect(cancelled.status).toBe(400);
    expect(await text(cancelled)).toContain(`The sign-in was cancelled or refused at ${LABEL}`);

    for (const reason of ["not verified: ", "no sign-in in progress for this browser", "provider refused: access_denied"]) expect(await audited("sign_in_failed", reason), reason).toBe(true);
  });

  it("refuses an ID token for another nonce or client, or not signed by the provider's key", async () => {
    for (const forgery of ["nonce", "audience", "key"] as const) {
      const browser = new HttpClient(server.url);
      provider.signInAs({ sub: "sub-subject" });
      const callback = await throughProvider(browser);
      provider.forgeNextIdToken(forgery);
      const refused = await browser.get(callback);
      expect(refused.status, forgery).toBe(400);
      expect(await text(refused), forgery).toContain("could not be verified");
      expect(browser.cookie("capgap_session"), forgery).toBeUndefined();
    }
  });

  it.runIf(existsSync(CHROMIUM))("takes a person in Chromium from the sign-in page through the provider to the trust's page", async () => {
    // The app as localhost, the provider as 127.0.0.1: two sites, as in real use, so the cookies
    // must survive the cross-site return (SameSite=Lax).
    const app = server.url.replace("127.0.0.1", "localhost");
    provider.allowRedirect(`${app}/sign-in/oidc/callback`);
    provider.signInAs({ sub: "sub-subject" });
    const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    try {
      const page = await browser.newPage();
      const blocked: string[] = [];
      page.on("console", (m) => void (/Content.Security.Policy/i.test(m.text()) && blocked.push(m.text())));
      await page.goto(`${app}/organisations/${places.organisation}`);
      expect(new URL(page.url()).pathname).toBe("/sign-in");
      await page.getByRole("link", { name: `Sign in with ${LABEL}` }).click();
      await page.waitForURL(`${app}/organisations/${places.organisation}`);
      expect(await page.locator("header").innerText()).toContain("subject@example.org");
      expect(blocked).toEqual([]);
      const cookies = await page.context().cookies(app);
      expect(cookies.find((c) => c.name === "capgap_session")).toMatchObject({ httpOnly: true, sameSite: "Lax" });
      expect(cookies.find((c) => c.name === "capgap_sso")).toBeUndefined();
    } finally {
      await browser.close();
    }
  });
});

describe.runIf(process.env.BROWSER_TESTS === "1")("single sign-on settings at start", () => {
  it("stop the server with a message naming what is missing", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "capgap-sso-"));
    const started = startServer({ DATA_DIR: dir, OIDC_ISSUER: "https://login.microsoftonline.com/tenant/v2.0", OIDC_CLIENT_SECRET: "x" });
    const error = (await started.then(
      async (server) => {
        await server.stop();
        return null;
      },
      (e: Error) => e,
    ))!;
    expect(error?.message).toMatch(/server exited 2/);
    expect(error.message).toContain("OIDC_CLIENT_ID is not set");
    expect(error.message).not.toMatch(/\n\s+at /);
  });
});
