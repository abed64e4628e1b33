// Page addresses, keeping the chosen wave in the query string.
import type { Crumb } from "~/components/Breadcrumbs";

export function withWaveLabel(path: string, wave: string | null | undefined): string {
  return wave ? `${path}?wave=${encodeURIComponent(wave)}` : path;
}

export function englandCrumb(wave?: string | null): Crumb {
  return { href: withWaveLabel("/", wave), text: "England" };
}

export function regionCrumb(region: { code: string; name: string }, wave?: string | null): Crumb {
  return { href: withWaveLabel(`/regions/${region.code}`, wave), text: region.name };
}

export function icbCrumb(icb: { code: string; name: string }, wave?: string | null): Crumb {
  return { href: withWaveLabel(`/icbs/${icb.code}`, wave), text: icb.name };
}
