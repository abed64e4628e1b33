// A page's own query parameters (beside the shared filters), and filters a page fixes itself: the
// staff group page is about one staff group, so a staff_group filter in its URL is dropped.
import { canonicalAddress } from "./page-filters.server";
import { type PageFilterKey, type PageFilters, withFilters } from "./filters";

/** `path` with the filters in their normal form first, then the page's own parameters (empty ones left out). */
export function pageAddress(path: string, filters: PageFilters, own: Record<string, string | null | undefined> = {}): string {
  const base = withFilters(path, filters);
  const rest = new URLSearchParams();
  for (const [key, value] of Object.entries(own)) if (value) rest.set(key, value);
  const text = rest.toString();
  return text ? `${base}${base.includes("?") ? "&" : "?"}${text}` : base;
}

/** Where `url` goes without the filters `keys`, or null when it has none of them. */
export function addressWithout(url: URL, keys: readonly PageFilterKey[]): string | null {
  if (!keys.some((key) => url.searchParams.has(key))) return null;
  const next = new URL(url);
  for (const key of keys) next.searchParams.delete(key);
  return canonicalAddress(next) ?? `${next.pathname}${next.search}`;
}

/** Redirects away filters the page fixes or cannot use, so its address says what it shows. */
export function dropFilters(url: URL, keys: readonly PageFilterKey[]): void {
  const address = addressWithout(url, keys);
  if (address !== null) throw new Response(null, { status: 302, headers: { Location: address } });
}
