// Page loader results (figures and the SVG charts rendered from them) kept in this process, so a
// page costs a few milliseconds of CPU when its data have not changed: one Node process serves
// every request. An entry is keyed by route, path, normalised query, Scope and data version; every
// committed load, withdrawal, headcount, framework, crosswalk or reference import and wave change
// moves the version (dataStatus), so an entry is exactly what the loader would compute now.
// docs/decisions/022-page-cache.md.
import type { AppLoadContext } from "@remix-run/node";
import { clearGapCache } from "~db/analytics/gaps";
import { clearPriorityCache } from "~db/analytics/priorities";
import { describeScope, type Scope } from "~db/analytics/scope";
import { dataStatus } from "~db/analytics/status";
import { getDatabase } from "./db.server";

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** Adds a Server-Timing entry to this request's response (server.ts). */
    serverTiming?: (entry: string) => void;
  }
}

/** Query parameters Remix adds for its own requests: never part of what a page shows. */
const REMIX_PARAMS = new Set(["_data", "_routes", "index"]);

/**
 * A parameter's default: when the value is the default (or empty), the page is the same as
 * without it. Pages show the latest wave when none is named (chooseWave), so `?wave=<latest>`
 * and no wave share an entry.
 */
export type Defaults = Record<string, string | undefined>;

/**
 * The query string as part of a key: parameters sorted by name (repeated ones keep their order,
 * which may matter), Remix's own parameters dropped, and defaulted ones left out when given as
 * their default or empty. `?wave=X&a=1` and `?a=1&wave=X` give the same text.
 */
export function normaliseSearch(params: URLSearchParams, defaults: Defaults = {}): string {
  const kept: [string, string][] = [];
  for (const [name, value] of params) {
    if (REMIX_PARAMS.has(name)) continue;
    if (name in defaults && (value.trim() === "" || value.trim() === defaults[name])) continue;
    kept.push([name, value]);
  }
  // Array#sort is stable: values of one name stay in the order given.
  kept.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return new URLSearchParams(kept).toString();
}

/** The cache key of a page: route, path (the place's code), normalised query, Scope and data version. */
export function pageKey(route: string, url: URL, scope: Scope, version: string, defaults: Defaults = {}): string {
  return JSON.stringify([route, url.pathname, normaliseSearch(url.searchParams, defaults), describeScope(scope), version]);
}

export type Outcome = "hit" | "miss" | "off";

interface Entry {
  value: unknown;
  bytes: number;
}

/** Values kept in a page cache: the document cache below renders only pages made from one of these. */
const kept = new WeakSet<object>();

/** Is `value` a page result held by a page cache (so the same object for every hit)? */
export function isCachedPage(value: unknown): value is object {
  return typeof value === "object" && value !== null && kept.has(value);
}

/**
 * A least-recently-used map of page results, bounded by entries and by their size as JSON (what
 * Remix sends, SVG included). Only results are kept: a loader that throws (a 404 or 400 response,
 * or a failure) leaves nothing behind, and is asked again next time. Concurrent misses of one key
 * share one computation.
 */
export class PageCache {
  private entries = new Map<string, Entry>();
  private pending = new Map<string, Promise<unknown>>();
  private bytes = 0;
  private version: string | null = null;

  constructor(
    readonly maxEntries = 1000,
    readonly maxBytes = 256 * 2 ** 20,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get sizeBytes(): number {
    return this.bytes;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  /** The value for `key` at data `version`: cached, or computed now and kept. */
  async get<T>(key: string, version: string, compute: () => Promise<T>): Promise<{ value: T; outcome: Outcome }> {
    // Entries of an earlier version can never be asked for again (the version is in every key).
    if (version !== this.version) {
      this.clear();
      this.version = version;
    }
    const entry = this.entries.get(key);
    if (entry) {
      // Most recently used last: Map keeps insertion order.
      this.entries.delete(key);
      this.entries.set(key, entry);
      return { value: entry.value as T, outcome: "hit" };
    }
    const waiting = this.pending.get(key);
    if (waiting) return { value: (await waiting) as T, outcome: "hit" };
    const work = compute();
    this.pending.set(key, work);
    try {
      const value = await work;
      this.store(key, version, value);
      return { value, outcome: "miss" };
    } finally {
      this.pending.delete(key);
    }
  }

  private store(key: string, version: string, value: unknown): void {
    // The version may have moved on while this was computed: keep it only under its own.
    if (version !== this.version) return;
    const bytes = JSON.stringify(value)?.length ?? 0;
    if (bytes > this.maxBytes) return;
    this.entries.set(key, { value, bytes });
    if (typeof value === "object" && value !== null) kept.add(value);
    this.bytes += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.bytes;
    }
  }
}

/** PAGE_CACHE=off: every page and every query computed afresh (benchmarks measure cache misses). */
export function pageCacheEnabled(env: Record<string, string | undefined> = process.env): boolean {
  return env.PAGE_CACHE !== "off";
}

/** PAGE_CACHE_MB: most memory the page cache may hold, as JSON (default 256). */
function maxBytes(env: Record<string, string | undefined> = process.env): number {
  const mb = Number(env.PAGE_CACHE_MB);
  return env.PAGE_CACHE_MB && Number.isFinite(mb) && mb > 0 ? Math.floor(mb * 2 ** 20) : 256 * 2 ** 20;
}

const KEY = Symbol.for("capability-gap-analytics.page-cache");
type Holder = { [KEY]?: PageCache };

/** The process's page cache (on globalThis, so Vite's dev reloads and the built bundle share one). */
export function pageCache(): PageCache {
  const holder = globalThis as Holder;
  return (holder[KEY] ??= new PageCache(1000, maxBytes()));
}

export interface PageRequest {
  /** The route's id, e.g. "routes/regions.$code". */
  route: string;
  request: Request;
  /** Whose figures these are. Every entry is keyed by it, so two Scopes never share one. */
  scope: Scope;
  context?: AppLoadContext;
}

/**
 * A page loader's result through the page cache: `compute` runs only when this route, path,
 * normalised query and Scope have no entry at the current data version.
 */
export async function cachedPage<T>(page: PageRequest, compute: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const report = (outcome: Outcome) =>
    page.context?.serverTiming?.(`page;desc="${outcome}";dur=${(performance.now() - started).toFixed(1)}`);
  if (!pageCacheEnabled()) {
    clearGapCache();
    clearPriorityCache();
    const value = await compute();
    report("off");
    return value;
  }
  const status = await dataStatus(getDatabase());
  // No defaults: a page's links carry its query as written (`?wave=<latest>` or none), so the two
  // addresses are different results even where the figures are the same.
  const key = pageKey(page.route, new URL(page.request.url), page.scope, status.version);
  const { value, outcome } = await pageCache().get(key, status.version, compute);
  report(outcome);
  return value;
}

/** Rendered documents of one page result, by the rest of their key; a few variants at most. */
const documents = new WeakMap<object, Map<string, string>>();
const DOCUMENT_VARIANTS = 8;

/**
 * A rendered HTML document for a page result held by the page cache, under `rest`: the request
 * URL and everything else the document is rendered from (the other routes' loader data). It lives
 * as long as the page result: when the page cache lets the result go (a new data version, or
 * eviction), its documents go with it.
 */
export function cachedDocument(page: object, rest: string): string | undefined {
  return documents.get(page)?.get(rest);
}

export function keepDocument(page: object, rest: string, html: string): void {
  if (!isCachedPage(page)) return;
  const variants = documents.get(page) ?? documents.set(page, new Map()).get(page)!;
  // Variants of one page differ only in how the URL was written (e.g. ?wave= given or not).
  if (variants.size >= DOCUMENT_VARIANTS) variants.delete(variants.keys().next().value!);
  variants.set(rest, html);
}
