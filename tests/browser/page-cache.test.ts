// The page cache and the no-store rule over HTTP, against server.ts serving the production build
// on a copy of the embedded fixture: every data response says `private, no-store`; a page asked
// for again is served from the cache (Server-Timing says so) until a load commits; England and the
// regions are rendered before anyone asks, and again after a load. Runs with the browser tests
// (scripts/test.ts builds first), though it needs no browser.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { fixtureDataDir } from "../support/databases";
import { FIXTURE_WAVES } from "../support/fixture";
import { HttpClient } from "../support/http-client";
import { type Server, startServer } from "../support/processes";

const [EARLIER, LATEST] = FIXTURE_WAVES.map((w) => w.label);

describe.runIf(process.env.BROWSER_TESTS === "1")("page cache and Cache-Control over HTTP", () => {
  let server: Server;
  beforeAll(async () => {
    server = await startServer({ DATA_DIR: await fixtureDataDir() });
  });
  afterAll(async () => {
    await server?.stop();
  });

  const get = (path: string) => fetch(`${server.url}${path}`, { redirect: "manual" });
  /** hit, miss or null (not a cached page), from Server-Timing. */
  const outcome = async (path: string) => {
    const response = await get(path);
    expect(response.status, path).toBe(200);
    await response.arrayBuffer();
    return /page;desc="(\w+)"/.exec(response.headers.get("server-timing") ?? "")?.[1] ?? null;
  };

  /** Waits for the server to say it has warmed the pages `times` times since it started. */
  const warmed = async (times: number) => {
    const started = Date.now();
    while ((server.output().match(/Pages warmed for the current data/g) ?? []).length < times) {
      if (Date.now() - started > 60_000) throw new Error(`pages not warmed:\n${server.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  /** The Server-Timing header of a GET of `path`. */
  const timing = async (path: string) => {
    const response = await get(path);
    expect(response.status, path).toBe(200);
    await response.arrayBuffer();
    return response.headers.get("server-timing") ?? "";
  };

  it("renders England and the regions before their first view, and serves them without Remix", async () => {
    await warmed(1);
    for (const path of ["/", "/regions/Y56", "/data"]) {
      expect(await timing(path), path).toMatch(/page;desc="hit".*document;desc="kept"/);
    }
    // An address not warmed is computed on its first view, then kept and served without Remix.
    expect(await timing("/?x=1")).toMatch(/page;desc="miss"/);
    expect(await timing("/?x=1")).toMatch(/document;desc="kept"/);
  });

  it("sends Cache-Control: private, no-store with every page, loader data request, API answer and error", async () => {
    const paths: [string, number][] = [
      ["/", 200],
      [`/regions/Y56?wave=${LATEST}`, 200],
      ["/icbs/Z9B2Z", 200],
      ["/organisations/RAL", 200],
      ["/data", 200],
      ["/methodology", 200],
      ["/accessibility", 200],
      ["/regions/Y56.data", 200],
      ["/regions/XXX", 404],
      ["/regions/XXX.data", 404],
      ["/?wave=no-such-wave", 400],
      [`/api/gaps?by=region,domain&wave=${LATEST}`, 200],
      [`/api/gaps?by=region&format=csv`, 200],
      [`/api/funnel?wave=${LATEST}&format=arrow`, 200],
      [`/api/priorities?wave=${LATEST}&region=Y56`, 200],
      ["/api/gaps?by=nonsense", 400],
    ];
    for (const [path, status] of paths) {
      const response = await get(path);
      await response.arrayBuffer();
      // A data request's error travels inside its 200 body (Remix single fetch).
      if (!path.endsWith(".data") || status === 200) expect(response.status, path).toBe(status);
      expect(response.headers.get("cache-control"), path).toBe("private, no-store");
    }
  });

  it("serves a page again from the cache, the same page written differently too, and computes it afresh after a load", async () => {
    const page = `/organisations/RAL?wave=${EARLIER}&x=1`;
    expect(await outcome(page)).toBe("miss");
    expect(await outcome(page)).toBe("hit");
    expect(await outcome(`/organisations/RAL?x=1&wave=${EARLIER}`)).toBe("hit");
    expect(await outcome(`/organisations/RAL.data?x=1&wave=${EARLIER}`)).toBe("hit");
    // Without ?wave= a page shows the latest wave, but its links keep the query as written: two entries.
    expect(await outcome("/data")).toMatch(/hit|miss/);
    expect(await outcome("/data")).toBe("hit");
    expect(await outcome(`/data?wave=${LATEST}`)).toBe("miss");
    expect(await outcome(`/data?wave=${LATEST}`)).toBe("hit");
    // A 404 is never kept.
    expect((await get("/organisations/XXX")).status).toBe(404);
    expect((await get("/organisations/XXX")).status).toBe(404);

    // A load through the ingest page (in the server's process on the embedded database) commits a new data version.
    const source = inject("fixtureFiles")[LATEST].find((f) => path.basename(f) === "RAL.csv")!;
    const lines = readFileSync(source, "utf8").trimEnd().split("\n");
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "capgap-cache-")), "RAL-v2.csv");
    writeFileSync(file, `${lines.slice(0, -1).join("\n")}\n`);
    // Local demo mode: the administrator is implicit, and forms carry this browser's CSRF token.
    const admin = new HttpClient(server.url);
    const csrf = await admin.csrf("/ingest");
    const upload = new FormData();
    upload.append("csrf", csrf);
    upload.append("wave", LATEST);
    upload.append("files", new File([readFileSync(file)], "RAL-v2.csv"));
    const uploaded = await admin.post("/ingest", upload);
    expect(uploaded.status).toBe(302);
    const loaded = await admin.post(uploaded.headers.get("location")!, { intent: "load", csrf });
    expect(loaded.status).toBe(200);
    expect(await loaded.text()).toMatch(/loaded, replacing 1 earlier submission/);

    expect(await outcome(page)).toBe("miss");
    expect(await outcome(page)).toBe("hit");
    // England is rendered again for the new data, before anyone asks.
    await warmed(2);
    expect(await timing("/")).toMatch(/document;desc="kept"/);
  });
});
