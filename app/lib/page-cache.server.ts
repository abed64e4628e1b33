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

/**
 * A rendered HTML document, ready to send as it is: the page's body, encoded once, and the headers
 * Remix gave it. `others` is the other routes' loader data it was rendered with (the root's).
 */
export interface KeptDocument {
  body: Buffer;
  headers: Record<string, string>;
  others: string;
}

interface Entry {
  value: unknown;
  bytes: number;
  /** Documents rendered from this result, by viewer and address (path and query as written); a few at most. */
  documents?: Map<string, KeptDocument>;
}

/** What a kept page result was stored under: its entry's key and data version. */
interface KeptPage {
  key: string;
  version: string;
}

/** Values kept in a page cache, and where: the document cache below renders only pages made from one of these. */
const kept = new WeakMap<object, KeptPage>();

/** Is `value` a page result held by a page cache (so the same object for every hit)? */
export function isCachedPage(value: unknown): value is object {
  return typeof value === "object" && value !== null && kept.has(value);
}

/** Documents of one page result: they differ in how the URL was written (e.g. ?wave= given or not) and in who views them. */
const DOCUMENT_VARIANTS = 8;

/**
 * The key of a document as the server's front door looks it up: address, viewer (account and
 * Scope: the page shell names the account) and data version.
 */
const documentKey = (address: string, viewer: string, version: string) => JSON.stringify([address, viewer, version]);
const variantKey = (address: string, viewer: string) => JSON.stringify([viewer, address]);

/**
 * A least-recently-used map of page results, bounded by entries and by their size as JSON (what
 * Remix sends, SVG included) plus their kept documents. Only results are kept: a loader that
 * throws (a 404 or 400 response, or a failure) leaves nothing behind, and is asked again next
 * time. Concurrent misses of one key share one computation.
 */
export class PageCache {
  private entries = new Map<string, Entry>();
  private pending = new Map<string, Promise<unknown>>();
  /** Document key → the entry key whose result the document was rendered from. */
  private addresses = new Map<string, string>();
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
    this.addresses.clear();
    this.bytes = 0;
  }

  /** The value for `key` at data `version`: cached, or computed now and kept. */
  async get<T>(key: string, version: string, compute: () => Promise<T>): Promise<{ value: T; outcome: Outcome }> {
    // Entries of an earlier version can never be asked for again (the version is in every key).
    if (version !== this.version) {
      this.clear();
      this.version = version;
    }
    const entry = this.touch(key);
    if (entry) return { value: entry.value as T, outcome: "hit" };
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

  /** The entry under `key`, now the most recently used (Map keeps insertion order). */
  private touch(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  private store(key: string, version: string, value: unknown): void {
    // The version may have moved on while this was computed: keep it only under its own.
    if (version !== this.version) return;
    const bytes = JSON.stringify(value)?.length ?? 0;
    if (bytes > this.maxBytes) return;
    this.entries.set(key, { value, bytes });
    if (typeof value === "object" && value !== null) kept.set(value, { key, version });
    this.grow(bytes);
  }

  private grow(bytes: number): void {
    this.bytes += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.bytes;
    }
    // Addresses of entries let go are dropped when next looked up; sweep them if they pile up.
    if (this.addresses.size > DOCUMENT_VARIANTS * this.maxEntries) {
      for (const [address, key] of this.addresses) if (!this.entries.has(key)) this.addresses.delete(address);
    }
  }

  /** Keeps the document rendered from `page` (a result this cache holds) for `address` as `viewer` sees it. */
  keepDocument(page: object, address: string, viewer: string, document: KeptDocument): void {
    const where = kept.get(page);
    const entry = where && this.entries.get(where.key);
    if (!where || entry?.value !== page || where.version !== this.version) return;
    const documents = (entry.documents ??= new Map());
    const variant = variantKey(address, viewer);
    if (!documents.has(variant) && documents.size >= DOCUMENT_VARIANTS) {
      const [first, dropped] = documents.entries().next().value!;
      documents.delete(first);
      entry.bytes -= dropped.body.length;
      this.bytes -= dropped.body.length;
    }
    const replaced = documents.get(variant)?.body.length ?? 0;
    documents.set(variant, document);
    this.addresses.set(documentKey(address, viewer, where.version), where.key);
    entry.bytes += document.body.length - replaced;
    this.grow(document.body.length - replaced);
  }

  /** The document kept for `address` and `viewer` from `page`'s result, if it was rendered with the same `others`. */
  documentOf(page: object, address: string, viewer: string, others: string): KeptDocument | undefined {
    const where = kept.get(page);
    const document = where && this.entries.get(where.key)?.documents?.get(variantKey(address, viewer));
    return document?.others === others ? document : undefined;
  }

  /**
   * The document kept for `address`, as `viewer` sees it, at data `version`: what the server sends
   * without asking Remix, when the page's result and its document are both still here.
   */
  document(address: string, viewer: string, version: string): KeptDocument | undefined {
    if (version !== this.version) return undefined;
    const lookup = documentKey(address, viewer, version);
    const key = this.addresses.get(lookup);
    if (key === undefined) return undefined;
    const document = this.touch(key)?.documents?.get(variantKey(address, viewer));
    if (!document) this.addresses.delete(lookup);
    return document;
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

/** A document's address: its path and query as written (how both the front door and Remix see it). */
export function documentAddress(url: string): string {
  const parsed = new URL(url, "http://localhost");
  return parsed.pathname + parsed.search;
}

/**
 * The kept document for a GET of `url` by `viewer` (viewerKey: account and Scope) at the current
 * data version, or undefined. server.ts asks before Remix routes the request: a hit then costs
 * the data status and a lookup, not Remix's serialisation of the loader data for the document.
 * The rest of the document (the root's loader data) is a function of the data version, the viewer
 * and the server's own context, so the address, viewer and version decide it
 * (docs/decisions/022-page-cache.md).
 */
export async function keptDocument(url: string, viewer: string): Promise<KeptDocument | undefined> {
  if (!pageCacheEnabled()) return undefined;
  const status = await dataStatus(getDatabase());
  return pageCache().document(documentAddress(url), viewer, status.version);
}
