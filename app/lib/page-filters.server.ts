// What every dashboard page starts from: its filters read from the URL, the wave shown, the wave
// it is compared with, and the choices for the filter form.
import type { Sql } from "~db/client";
import { listWaves, type Wave } from "~db/waves";
import { type FilterOptions, filterOptions } from "./filter-options.server";
import { filterQuery, PAGE_FILTER_KEYS, type PageFilters, readPageFilters } from "./filters";
import { waveName } from "./format";
import { badRequest } from "./http.server";
import type { WaveOption } from "./waves.server";

export interface PageContext {
  filters: PageFilters;
  /** Null when no wave is loaded yet. */
  wave: Wave | null;
  /** The wave the change is measured from: compare_to, else the one before the shown wave (null for the first). */
  compareWave: Wave | null;
  waves: WaveOption[];
  options: FilterOptions;
}

/**
 * The address a page should have: filters in their normal form first, then the page's own
 * parameters, empty ones dropped (a GET form submits every field). Null when `url` already has it.
 */
export function canonicalAddress(url: URL): string | null {
  const filters = filterQuery(readPageFilters(url.searchParams));
  const rest = new URLSearchParams();
  for (const [key, value] of url.searchParams) {
    if (!(PAGE_FILTER_KEYS as readonly string[]).includes(key) && value.trim() !== "") rest.append(key, value);
  }
  const restText = rest.toString();
  const search = restText ? `${filters ? `${filters}&` : "?"}${restText}` : filters;
  return search === url.search ? null : `${url.pathname}${search}`;
}

/** Throws a redirect to the canonical address, so one view has one URL (and one cache entry). */
export function redirectToCanonical(url: URL): void {
  const address = canonicalAddress(url);
  if (address !== null) throw new Response(null, { status: 302, headers: { Location: address } });
}

export async function pageContext(db: Sql, url: URL): Promise<PageContext> {
  redirectToCanonical(url);
  const filters = readPageFilters(url.searchParams);
  const all = await listWaves(db);
  const waves = all.map((w) => ({ label: w.label, name: waveName(w.label) }));
  const named = (label: string, parameter: string) => {
    const found = all.find((w) => w.label === label);
    if (!found) {
      throw badRequest(
        `${parameter}=${label}: there is no survey wave called “${label}”. ` +
          (all.length ? `Choose one of: ${all.map((w) => w.label).join(", ")}.` : "No waves are loaded yet."),
      );
    }
    return found;
  };
  const wave = filters.wave ? named(filters.wave, "wave") : (all[all.length - 1] ?? null);
  let compareWave: Wave | null = null;
  if (filters.compare_to) {
    compareWave = named(filters.compare_to, "compare_to");
    if (wave && compareWave.referenceDate >= wave.referenceDate) {
      throw badRequest(`compare_to=${filters.compare_to}: compare with a wave before ${wave.label}.`);
    }
  } else if (wave) {
    compareWave = all[all.indexOf(wave) - 1] ?? null;
  }
  return { filters, wave, compareWave, waves, options: await filterOptions(db, wave) };
}
