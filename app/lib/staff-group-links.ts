// Breadcrumbs of a staff group's page, for its route's handle (which runs in the browser too).
import type { Crumb } from "~/components/Breadcrumbs";
import { englandCrumb, icbCrumb, organisationCrumb, regionCrumb } from "./links";

export interface AreaTrail {
  kind: "region" | "icb" | "organisation";
  code: string;
  name: string;
  region: { code: string; name: string } | null;
  icb: { code: string; name: string } | null;
}

/** England, then the areas above and including the narrowing area (or the staff groups list), keeping the filters. */
export function areaCrumbs(area: AreaTrail | null, query: string): Crumb[] {
  const crumbs = [englandCrumb(query)];
  if (!area) return [...crumbs, { href: `/staff-groups${query}`, text: "Staff groups" }];
  if (area.region) crumbs.push(regionCrumb(area.region, query));
  if (area.icb) crumbs.push(icbCrumb(area.icb, query));
  const self = { code: area.code, name: area.name };
  crumbs.push(area.kind === "region" ? regionCrumb(self, query) : area.kind === "icb" ? icbCrumb(self, query) : organisationCrumb(self, query));
  return crumbs;
}
