// Page addresses. Breadcrumbs take the page's normal query string ("" or "?…", see filters.ts) so
// drilling up and down keeps the filters.
import type { Crumb } from "~/components/Breadcrumbs";

export function withWaveLabel(path: string, wave: string | null | undefined): string {
  return wave ? `${path}?wave=${encodeURIComponent(wave)}` : path;
}

export function englandCrumb(query = ""): Crumb {
  return { href: `/${query}`, text: "England" };
}

export function regionCrumb(region: { code: string; name: string }, query = ""): Crumb {
  return { href: `/regions/${region.code}${query}`, text: region.name };
}

export function icbCrumb(icb: { code: string; name: string }, query = ""): Crumb {
  return { href: `/icbs/${icb.code}${query}`, text: icb.name };
}

export function organisationCrumb(organisation: { code: string; name: string }, query = ""): Crumb {
  return { href: `/organisations/${organisation.code}${query}`, text: organisation.name };
}
