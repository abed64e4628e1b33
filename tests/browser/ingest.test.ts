// The ingest page, served by server.ts from the production build: in a real headless Chromium on
// a copy of the embedded fixture in local demo mode (upload, dry run, load in the server process,
// history); on a PostgreSQL clone, signed in as an administrator, with the load in a child
// process; and behind sign-in when the server is not bound to loopback.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import os from "node:os";
import path from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { uploadRoot } from "../../app/lib/uploads.server";
import { addUser } from "../../db/access/users";
import { openDatabase } from "../../db/client";
import { CHROMIUM } from "../support/browser-path";
import { screenshotPath } from "../support/screenshots";
import { fixtureDataDir } from "../support/databases";
import { HttpClient } from "../support/http-client";
import { FIXTURE_WAVES, TEST_KEY } from "../support/fixture";
import { createAppRole, createDatabase, dropDatabase } from "../support/postgres";
import { type Server, startServer } from "../support/processes";
import { injectAxe } from "../support/axe";

const ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run",
];
const LATEST = FIXTURE_WAVES[FIXTURE_WAVES.length - 1].label;
const browserTests = process.env.BROWSER_TESTS === "1";
const PASSWORD = "correct horse battery staple";

/** A fixture file of the latest wave with every fifth rating changed: new content, same organisation. */
function correctedCopy(dir: string, organisation: string, name: string): string {
  const source = inject("fixtureFiles")[LATEST].find((f) => path.basename(f) === `${organisation}.csv`)!;
  const [header, ...rows] = readFileSync(source, "utf8").trimEnd().split("\n");
  const rating = header.split(",").indexOf("rating");
  const changed = rows.map((row, i) => {
    if (i % 5) return row;
    const cells = row.split(",");
    cells[rating] = String((Number(cells[rating]) + 1) % 5);
    return cells.join(",");
  });
  const file = path.join(dir, name);
  writeFileSync(file, `${header}\n${changed.join("\n")}\n`);
  return file;
}

/** One row whose rating is out of range: rejected at row 2, column rating. */
function badFile(dir: string): string {
  const source = inject("fixtureFiles")[LATEST][0];
  const [header, first] = readFileSync(source, "utf8").split("\n");
  const cells = first.split(",");
  cells[header.split(",").indexOf("rating")] = "7";
  const file = path.join(dir, "bad.csv");
  writeFileSync(file, `${header}\n${cells.join(",")}\n`);
  return file;
}

async function axeViolations(page: Page): Promise<string[]> {
  await injectAxe(page);
  const result = await page.evaluate(() =>
    (window as unknown as { axe: { run(): Promise<{ violations: { id: string }[] }> } }).axe.run(),
  );
  return result.violations.map((v) => `${page.url()}: ${v.id}`);
}

/** Met ratings by region (regions are large enough never to be suppressed in the fixture). */
async function gapsByRegion(url: string): Promise<Record<string, number>> {
  const json = await (await fetch(`${url}/api/gaps?by=region&wave=${LATEST}&format=json`)).json();
  return Object.fromEntries(json.rows.map((r: { region: string; met: number }) => [r.region, r.met]));
}

/** A raw request, so the Host and Origin headers can be set as a foreign page would. */
function rawRequest(url: string, method: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end(method === "POST" ? "intent=cancel" : undefined);
  });
}

describe.runIf(browserTests && existsSync(CHROMIUM))("ingest page in Chromium (embedded database)", () => {
  let server: Server;
  let browser: Browser;
  let dataDir: string;
  let files: string;
  beforeAll(async () => {
    dataDir = await fixtureDataDir();
    files = mkdtempSync(path.join(os.tmpdir(), "capgap-upload-files-"));
    server = await startServer({ DATA_DIR: dataDir, INGEST_UPLOAD_LIMIT_MB: "3" });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("checks uploaded files, loads them on confirmation while the dashboards answer, and records them in the history", async () => {
    const valid = ["RAL", "RKE", "RPG"].map((org) => correctedCopy(files, org, `${org}-v2.csv`));
    const before = await gapsByRegion(server.url);
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));

    await page.goto(server.url, { waitUntil: "networkidle" });
    await page.getByRole("link", { name: "Load exports" }).click();
    await page.waitForURL(/\/ingest$/);
    await page.getByRole("heading", { name: "Load exports" }).waitFor();
    expect(await axeViolations(page)).toEqual([]);

    await page.setInputFiles("#files", [...valid, badFile(files)]);
    await page.getByLabel(/Summer 2026/).check();
    await page.getByRole("button", { name: "Upload and check files" }).click();
    await page.waitForURL(/\/ingest\/uploads\/[0-9a-f]{32}$/);
    await page.locator("#file-results").waitFor();
    const checked = page.locator("#file-results tbody tr");
    await expect(checked.count()).resolves.toBe(4);
    await expect(checked.filter({ hasText: "RAL-v2.csv" }).innerText()).resolves.toMatch(/Valid[\s\S]*RAL/);
    await expect(checked.filter({ hasText: "bad.csv" }).innerText()).resolves.toContain("Rejected");
    const problem = await page.locator("#file-4-problems tbody tr").first().innerText();
    expect(problem).toMatch(/^2\s+rating\s+/);
    expect(await page.locator(".nhsuk-error-summary").innerText()).toContain("bad.csv: 1 problem");
    expect(await axeViolations(page)).toEqual([]);
    expect(readdirSync(path.join(dataDir, "uploads"))).toHaveLength(1);

    // The load runs in the server process: dashboard requests made meanwhile must still be answered.
    let loading = true;
    const answeredDuringLoad: number[] = [];
    const polling = (async () => {
      while (loading) {
        const response = await fetch(`${server.url}/?wave=${FIXTURE_WAVES[0].label}`);
        await response.text();
        if (loading && response.ok) answeredDuringLoad.push(Date.now());
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    await page.getByRole("button", { name: /^Load these files$/ }).click();
    await page.getByRole("heading", { level: 1, name: /Files loaded/ }).waitFor({ timeout: 60_000 });
    loading = false;
    await polling;
    expect(answeredDuringLoad.length).toBeGreaterThan(0);

    const results = page.locator("#file-results tbody tr");
    await expect(results.filter({ hasText: "RAL-v2.csv" }).innerText()).resolves.toContain("Loaded");
    await expect(results.filter({ hasText: "bad.csv" }).innerText()).resolves.toContain("Rejected");
    expect(await page.getByText("3 files loaded into Summer 2026").count()).toBe(1);
    expect(readdirSync(path.join(dataDir, "uploads"))).toEqual([]);

    // The dashboards show the new data (the cached figures are keyed by the data version).
    // RAL is in London (Y56); RGT, whose file did not change, in the East of England (Y61).
    const after = await gapsByRegion(server.url);
    expect(typeof before.Y56).toBe("number");
    expect(after.Y56).not.toBe(before.Y56);
    expect(after.Y61).toBe(before.Y61);

    await page.getByRole("link", { name: "See the ingest history" }).click();
    await page.waitForURL(/\/ingest\/history$/);
    const batch = (file: RegExp) => page.locator("#batches tbody tr").filter({ has: page.locator("th", { hasText: file }) });
    const ral = await batch(/^RAL-v2\.csv/).innerText();
    expect(ral).toMatch(/RAL\s+Current[\s\S]*replaces RAL\.csv/);
    const superseded = await batch(/^RAL\.csv/).filter({ hasText: "Summer 2026" }).innerText();
    expect(superseded).toMatch(/Superseded\s+by RAL-v2\.csv on/);
    expect(await page.locator("#attempts tbody tr").filter({ hasText: "bad.csv" }).innerText()).toMatch(/row 2, column rating/);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath("ingest-history.png"), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it("cancels an upload, deleting its files", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/ingest`);
    await page.setInputFiles("#files", [correctedCopy(files, "RGT", "RGT-v2.csv")]);
    await page.getByLabel(/Summer 2026/).check();
    await page.getByRole("button", { name: "Upload and check files" }).click();
    await page.waitForURL(/\/ingest\/uploads\//);
    await page.locator("#file-results").waitFor();
    expect(readdirSync(path.join(dataDir, "uploads"))).toHaveLength(1);
    await page.getByRole("button", { name: "Cancel and delete the files" }).click();
    await page.waitForURL(/\/ingest\?cancelled=1$/);
    await page.getByText("The upload was cancelled and its files deleted").waitFor();
    expect(readdirSync(path.join(dataDir, "uploads"))).toEqual([]);
    await page.close();
  });

  it("says what is wrong with the form, refuses uploads over the size limit, and keeps nothing", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/ingest`);
    await page.getByRole("button", { name: "Upload and check files" }).click();
    const summary = page.locator(".nhsuk-error-summary");
    await summary.waitFor();
    expect(await summary.innerText()).toMatch(/Choose the survey wave[\s\S]*Choose one or more/);

    const large = path.join(files, "large.csv");
    writeFileSync(large, "x".repeat(3_500_000));
    await page.setInputFiles("#files", [large]);
    await page.getByLabel("A new wave").check();
    await page.getByLabel("Label of the new wave").fill("2027-spring");
    await page.getByRole("button", { name: "Upload and check files" }).click();
    await page.getByText(/come to more than 3 MB, the most one upload may hold on the embedded database/).first().waitFor();
    expect(readdirSync(path.join(dataDir, "uploads"))).toEqual([]);
    await page.close();
  });

  it("refuses requests a foreign page could make: another host name, a cross-site form post, or a form without its token", async () => {
    const url = `${server.url}/ingest`;
    // Local demo mode needs no cookie, so it answers loopback host names only (DNS rebinding).
    expect(await rawRequest(url, "GET", { Host: "attacker.example" })).toBe(421);
    expect(await rawRequest(url, "GET", { Host: new URL(url).host })).toBe(200);
    const upload = `/ingest/uploads/${"0".repeat(32)}`;
    const form = { "Content-Type": "application/x-www-form-urlencoded" };
    for (const origin of ["http://attacker.example", "null", server.url]) {
      expect(await rawRequest(`${server.url}${upload}`, "POST", { ...form, Origin: origin }), origin).toBeGreaterThanOrEqual(400);
    }
    const client = new HttpClient(server.url);
    const csrf = await client.csrf("/ingest");
    expect((await client.post(upload, { intent: "cancel" })).status).toBe(403);
    expect((await client.post(upload, { intent: "cancel", csrf })).status).toBe(302);
  });
});

describe.runIf(browserTests && Boolean(process.env.TEST_DATABASE_URL))("ingest page on PostgreSQL: the load runs in a child process", () => {
  let server: Server;
  let admin: HttpClient;
  let database: { name: string; url: string };
  let appRole: Awaited<ReturnType<typeof createAppRole>> | undefined;
  let env: Record<string, string>;
  beforeAll(async () => {
    database = await createDatabase(process.env.TEST_DATABASE_URL!, inject("postgresFixture")!);
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "capgap-data-"));
    writeFileSync(path.join(dataDir, "pseudonym.key"), `${TEST_KEY.toString("hex")}\n`, { mode: 0o600 });
    // The server as its own role under row-level security: the check runs in it, the load as the owner.
    appRole = await createAppRole(database.url);
    env = { DATABASE_URL: appRole.url, DATABASE_OWNER_URL: database.url, DATA_DIR: dataDir };
    const db = await openDatabase({ url: database.url });
    try {
      await addUser(db, { email: "admin@example.org", role: "national", admin: true, password: PASSWORD }, { command: "test" });
    } finally {
      await db.close();
    }
    server = await startServer(env);
    admin = new HttpClient(server.url);
    expect((await admin.signIn("admin@example.org", PASSWORD)).status).toBe(302);
  });
  afterAll(async () => {
    await server?.stop();
    if (database) await dropDatabase(process.env.TEST_DATABASE_URL!, database.name);
    await appRole?.drop();
  });

  it("uploads a file, checks it in the server and loads it with npm run ingest", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "capgap-upload-files-"));
    const file = correctedCopy(dir, "RM1", "RM1-v2.csv");
    const form = new FormData();
    form.set("csrf", await admin.csrf("/ingest"));
    form.set("wave", LATEST);
    form.set("files", new Blob([readFileSync(file)]), "RM1-v2.csv");
    const upload = await admin.post("/ingest", form);
    expect(upload.status).toBe(302);
    const location = upload.headers.get("location")!;
    const id = location.split("/").pop()!;
    const checked = await (await admin.get(location)).text();
    expect(checked).toContain("valid (dry run: nothing loaded)");
    expect(existsSync(path.join(uploadRoot(env), id))).toBe(true);

    const csrf = /name="csrf" value="([^"]+)"/.exec(checked)![1];
    const load = await admin.post(location, { intent: "load", csrf });
    // React separates adjacent text with <!-- -->; the words are what a reader sees.
    const html = (await load.text()).replaceAll("<!-- -->", "");
    expect(load.status).toBe(200);
    expect(html).toContain("1 file loaded into Summer 2026");
    expect(html).toMatch(/RM1-v2\.csv[\s\S]*Loaded/);
    expect(existsSync(path.join(uploadRoot(env), id))).toBe(false);

    const db = await openDatabase({ url: database.url });
    try {
      const rows = await db.query<{ status: string }>(
        `select s.status from submissions s join batches b on b.id = s.batch_id where b.file_name = 'RM1-v2.csv'`,
      );
      expect(rows).toEqual([{ status: "current" }]);
      // The audit log names the administrator, the file and the file it superseded.
      const [event] = await db.query<{ email: string; detail: { wave: string; files: { file: string; status: string; superseded?: string[] }[] } }>(
        "select email, detail from audit_events where action = 'ingest' order by id desc limit 1",
      );
      const [replaced] = await db.query<{ file: string }>(
        `select b.file_name as file from submissions s join batches b on b.id = s.batch_id join waves w on w.id = s.wave_id
         where s.organisation_code = 'RM1' and s.status = 'superseded' and w.label = $1`,
        [LATEST],
      );
      expect(event).toEqual({
        email: "admin@example.org",
        detail: { wave: LATEST, files: [{ file: "RM1-v2.csv", status: "loaded", organisations: ["RM1"], respondents: expect.any(Number), superseded: [replaced.file] }] },
      });
    } finally {
      await db.close();
    }
    expect(server.output()).toContain("RM1-v2.csv: loaded");
  });
});

describe.runIf(browserTests)("ingest page when the server is not bound to loopback", () => {
  let server: Server;
  beforeAll(async () => {
    server = await startServer({ DATA_DIR: await fixtureDataDir(), HOST: "0.0.0.0" });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("has no local demo mode: every page, the ingest pages included, asks for sign-in first", async () => {
    expect(server.output()).not.toContain("Local demo mode");
    for (const page of ["/", "/ingest", "/ingest/history", `/ingest/uploads/${"0".repeat(32)}`, "/demo"]) {
      const response = await fetch(`${server.url}${page}`, { redirect: "manual" });
      expect(response.status, page).toBe(page === "/demo" ? 404 : 302);
      if (page !== "/demo") expect(response.headers.get("location"), page).toMatch(/^\/sign-in\?redirectTo=/);
    }
    const form = new FormData();
    form.set("wave", LATEST);
    const post = await fetch(`${server.url}/ingest`, { method: "POST", body: form, redirect: "manual" });
    expect(post.status).toBe(302);
    expect(post.headers.get("location")).toMatch(/^\/sign-in/);
    const signIn = await (await fetch(`${server.url}/sign-in`)).text();
    expect(signIn).not.toContain('href="/ingest"');
  });
});
