// The page cache's keys and its rules, without a server: query strings normalised, every part of
// the key telling entries apart (two Scopes above all), errors never kept, bounds kept.
import { describe, expect, it } from "vitest";
import { NATIONAL, type Scope } from "~db/analytics/scope";
import { documentAddress, type KeptDocument, normaliseSearch, PageCache, pageKey } from "~/lib/page-cache.server";

const url = (s: string) => new URL(s, "http://127.0.0.1:3000");
const search = (s: string, defaults = {}) => normaliseSearch(new URLSearchParams(s), defaults);

describe("page keys", () => {
  it("sort parameters by name, keep a repeated one's order, and drop Remix's own", () => {
    expect(search("wave=X&a=1")).toBe(search("a=1&wave=X"));
    expect(search("b=2&a=1&b=1")).toBe("a=1&b=2&b=1");
    expect(search("wave=X&_data=routes%2F_index&_routes=root&index")).toBe("wave=X");
  });

  it("drop a parameter given as its default or empty, and keep any other value", () => {
    const defaults = { wave: "2026-summer" };
    expect(search("wave=2026-summer&a=1", defaults)).toBe("a=1");
    expect(search("wave=&a=1", defaults)).toBe("a=1");
    expect(search("wave=%202026-summer", defaults)).toBe("");
    expect(search("wave=2025-autumn", defaults)).toBe("wave=2025-autumn");
    // Without a default, an empty value is a value (a page may refuse it).
    expect(search("region=")).toBe("region=");
  });

  it("are the same for the same page written differently, and differ by route, path, Scope and data version", () => {
    const key = (path: string, scope: Scope = NATIONAL, version = "v1", route = "routes/regions.$code") =>
      pageKey(route, url(path), scope, version, { wave: "2026-summer" });
    const base = key("/regions/Y56?wave=2025-autumn&a=1");
    expect(key("/regions/Y56?a=1&wave=2025-autumn")).toBe(base);
    expect(key("/regions/Y56?a=1&wave=2025-autumn&_data=routes%2Fregions.%24code")).toBe(base);
    expect(key("/regions/Y56")).toBe(key("/regions/Y56?wave=2026-summer"));
    const others = [
      key("/regions/Y56?wave=2025-autumn&a=1", NATIONAL, "v1", "routes/icbs.$code"),
      key("/regions/Y59?wave=2025-autumn&a=1"),
      key("/regions/Y56?wave=2025-autumn&a=2"),
      key("/regions/Y56?wave=2025-autumn&a=1", { kind: "region", code: "Y56" }),
      key("/regions/Y56?wave=2025-autumn&a=1", { kind: "organisation", code: "Y56" }),
      key("/regions/Y56?wave=2025-autumn&a=1", NATIONAL, "v2"),
    ];
    expect(new Set([base, ...others]).size).toBe(others.length + 1);
  });
});

describe("the page cache", () => {
  it("never serves one Scope's page to another", async () => {
    const cache = new PageCache();
    const scopes: Scope[] = [NATIONAL, { kind: "region", code: "Y56" }, { kind: "icb", code: "Y56" }, { kind: "organisation", code: "RAL" }];
    const computed: string[] = [];
    const page = (scope: Scope) =>
      cache.get(pageKey("routes/_index", url("/?wave=W"), scope, "v1"), "v1", async () => {
        computed.push(JSON.stringify(scope));
        return { figuresFor: scope };
      });
    for (const scope of scopes) expect((await page(scope)).value).toEqual({ figuresFor: scope });
    for (const scope of scopes) expect(await page(scope)).toEqual({ value: { figuresFor: scope }, outcome: "hit" });
    expect(computed).toHaveLength(scopes.length);
  });

  it("computes once for concurrent misses, and again after the data version moves", async () => {
    const cache = new PageCache();
    let runs = 0;
    const compute = async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 5));
      return { runs };
    };
    const results = await Promise.all([1, 2, 3].map(() => cache.get("k", "v1", compute)));
    expect(runs).toBe(1);
    expect(results.map((r) => r.outcome).sort()).toEqual(["hit", "hit", "miss"]);
    expect((await cache.get("k", "v2", compute)).outcome).toBe("miss");
    expect(runs).toBe(2);
    // Entries of the earlier version are gone, not merely unused.
    expect(cache.size).toBe(1);
  });

  it("keeps no error: a thrown response or failure is asked for again", async () => {
    const cache = new PageCache();
    let runs = 0;
    const failing = async () => {
      runs++;
      throw new Response("There is no region with the code “XXX”.", { status: 404 });
    };
    await expect(cache.get("k", "v1", failing)).rejects.toBeInstanceOf(Response);
    await expect(cache.get("k", "v1", failing)).rejects.toBeInstanceOf(Response);
    expect(runs).toBe(2);
    expect(cache.size).toBe(0);
    expect((await cache.get("k", "v1", async () => ({ ok: true }))).outcome).toBe("miss");
  });

  it("lets the least recently used entries go beyond its bounds", async () => {
    const cache = new PageCache(3, 1000);
    const put = (k: string, size = 10) => cache.get(k, "v1", async () => ({ text: "x".repeat(size) }));
    for (const k of ["a", "b", "c"]) await put(k);
    expect((await put("a")).outcome).toBe("hit");
    await put("d");
    expect(cache.size).toBe(3);
    expect((await put("b")).outcome).toBe("miss"); // b was the least recently used
    await put("big", 900);
    expect(cache.sizeBytes).toBeLessThanOrEqual(1000);
    expect((await put("big", 900)).outcome).toBe("hit");
    // Larger than the whole cache: served, not kept.
    expect((await put("huge", 2000)).outcome).toBe("miss");
    expect((await put("huge", 2000)).outcome).toBe("miss");
  });
});

describe("kept documents", () => {
  const doc = (html: string, others = "[]"): KeptDocument => ({ body: Buffer.from(html), headers: { "Content-Type": "text/html" }, others });
  // Viewers' keys (viewerKey): the same address is another document for another account or Scope.
  const NATIONAL_KEY = JSON.stringify([1, "national", false]);
  const REGION = JSON.stringify([2, "region:Y56", false]);

  it("are found by address, viewer and data version, and only for a result the cache holds", async () => {
    const cache = new PageCache();
    const { value: page } = await cache.get("k", "v1", async () => ({ figures: 1 }));
    cache.keepDocument(page, "/regions/Y56?wave=W", NATIONAL_KEY, doc("<p>national</p>"));
    expect(cache.document("/regions/Y56?wave=W", NATIONAL_KEY, "v1")?.body.toString()).toBe("<p>national</p>");
    // Another viewer, another address (however close) or another version: nothing.
    expect(cache.document("/regions/Y56?wave=W", REGION, "v1")).toBeUndefined();
    expect(cache.document("/regions/Y56", NATIONAL_KEY, "v1")).toBeUndefined();
    expect(cache.document("/regions/Y56?wave=W", NATIONAL_KEY, "v2")).toBeUndefined();
    // A result the cache does not hold is never kept.
    cache.keepDocument({ figures: 1 }, "/elsewhere", NATIONAL_KEY, doc("<p>stray</p>"));
    expect(cache.document("/elsewhere", NATIONAL_KEY, "v1")).toBeUndefined();
    // The same result seen by another viewer (whose name the header shows) is another document.
    cache.keepDocument(page, "/regions/Y56?wave=W", REGION, doc("<p>regional</p>"));
    expect(cache.document("/regions/Y56?wave=W", REGION, "v1")?.body.toString()).toBe("<p>regional</p>");
    expect(cache.document("/regions/Y56?wave=W", NATIONAL_KEY, "v1")?.body.toString()).toBe("<p>national</p>");
    // Rendered with other routes' data than asked for: not the same document.
    expect(cache.documentOf(page, "/regions/Y56?wave=W", NATIONAL_KEY, "[]")?.body.toString()).toBe("<p>national</p>");
    expect(cache.documentOf(page, "/regions/Y56?wave=W", NATIONAL_KEY, '[["root",{"ingest":true}]]')).toBeUndefined();
  });

  it("go with their result: a new data version or eviction", async () => {
    const cache = new PageCache(2, 10_000);
    const { value: a } = await cache.get("a", "v1", async () => ({ a: 1 }));
    cache.keepDocument(a, "/a", NATIONAL_KEY, doc("<p>a</p>"));
    expect(cache.sizeBytes).toBe(JSON.stringify({ a: 1 }).length + "<p>a</p>".length);
    await cache.get("b", "v1", async () => ({ b: 1 }));
    await cache.get("c", "v1", async () => ({ c: 1 })); // a is the least recently used: gone
    expect(cache.document("/a", NATIONAL_KEY, "v1")).toBeUndefined();

    const { value: d } = await cache.get("d", "v1", async () => ({ d: 1 }));
    cache.keepDocument(d, "/d", NATIONAL_KEY, doc("<p>d</p>"));
    await cache.get("e", "v2", async () => ({ e: 1 }));
    expect(cache.document("/d", NATIONAL_KEY, "v1")).toBeUndefined();
    expect(cache.document("/d", NATIONAL_KEY, "v2")).toBeUndefined();
  });

  it("count towards the bound, a few addresses per result at most", async () => {
    const cache = new PageCache(10, 1_000);
    const { value: page } = await cache.get("k", "v1", async () => ({ p: 1 }));
    for (let i = 0; i < 12; i++) cache.keepDocument(page, `/p?i=${i}`, NATIONAL_KEY, doc("x".repeat(50)));
    expect(cache.document("/p?i=0", NATIONAL_KEY, "v1")).toBeUndefined();
    expect(cache.document("/p?i=11", NATIONAL_KEY, "v1")).toBeDefined();
    expect(cache.sizeBytes).toBe(JSON.stringify({ p: 1 }).length + 8 * 50);
    // Past the byte bound, the result and its documents go together.
    cache.keepDocument(page, "/p?big", NATIONAL_KEY, doc("x".repeat(900)));
    expect(cache.size).toBe(0);
    expect(cache.sizeBytes).toBe(0);
    expect(cache.document("/p?i=11", NATIONAL_KEY, "v1")).toBeUndefined();
  });

  it("are addressed by path and query as written, whatever the origin", () => {
    expect(documentAddress("http://127.0.0.1:3000/regions/Y56?wave=W&b=1")).toBe("/regions/Y56?wave=W&b=1");
    expect(documentAddress("/regions/Y56?wave=W&b=1")).toBe("/regions/Y56?wave=W&b=1");
    expect(documentAddress("/a%20b?x=%E2%80%9C")).toBe(documentAddress("http://localhost/a b?x=“"));
  });
});
