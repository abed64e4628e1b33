// Addresses and fixed filters of the framework pages, for the server and the page components alike.

/** Where a statement's page is; `query` keeps the filters (and the version when it is not the wave's). */
export function statementHref(code: string, query: string): string {
  return `/framework/capabilities/${encodeURIComponent(code)}${query}`;
}

/** Domain and level filters would only ever match a statement's own or nothing, so its page does not take them. */
export const CAPABILITY_PAGE_FIXED = ["domain", "level"] as const;

/** Not offered on a statement's page: the fixed filters, and a comparison it does not show. */
export const CAPABILITY_PAGE_HIDDEN = [...CAPABILITY_PAGE_FIXED, "compare_to"] as const;
