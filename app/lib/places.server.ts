// Looking up the places pages are about: a Region by code, and an Organisation with the Region it
// belonged to at a wave's reference date (membership changes over time, e.g. ICB mergers).
import { type Place as ScopePlace, placeInScope, type Scope } from "~db/analytics/scope";
import type { Sql } from "~db/client";
import { listWaves } from "~db/waves";
import { forbidden } from "./http.server";

export interface Place {
  code: string;
  name: string;
}

export interface OrganisationPlace extends Place {
  /** The region at the reference date, or the latest known one; null if it has no membership. */
  region: Place | null;
  /** The ICB at the same date, from the same membership. */
  icb: Place | null;
}

export interface IcbPlace extends Place {
  region: Place;
}

export async function findRegion(db: Sql, code: string): Promise<Place | null> {
  const [region] = await db.query<Place>("select code, name from regions where code = upper($1)", [code]);
  return region ?? null;
}

export async function findOrganisation(db: Sql, code: string, referenceDate: string | null): Promise<OrganisationPlace | null> {
  const [organisation] = await db.query<Place>("select code, name from organisations where code = upper($1)", [code]);
  if (!organisation) return null;
  // Prefer the membership valid at the reference date; otherwise the most recent one.
  const [membership] = await db.query<{ code: string; name: string; icb_code: string; icb_name: string }>(
    `select r.code, r.name, i.code as icb_code, i.name as icb_name
     from organisation_memberships m join regions r on r.code = m.region_code join icbs i on i.code = m.icb_code
     where m.organisation_code = $1
     order by ($2::date is not null and $2::date between m.valid_from and coalesce(m.valid_to, 'infinity'::date)) desc,
              m.valid_from desc
     limit 1`,
    [organisation.code, referenceDate],
  );
  return {
    ...organisation,
    region: membership ? { code: membership.code, name: membership.name } : null,
    icb: membership ? { code: membership.icb_code, name: membership.icb_name } : null,
  };
}

export async function findIcb(db: Sql, code: string): Promise<IcbPlace | null> {
  const [icb] = await db.query<{ code: string; name: string; region_code: string; region_name: string }>(
    `select i.code, i.name, r.code as region_code, r.name as region_name from icbs i join regions r on r.code = i.region_code
     where i.code = upper($1)`,
    [code],
  );
  return icb ? { code: icb.code, name: icb.name, region: { code: icb.region_code, name: icb.region_name } } : null;
}

/** The ICBs of a region on a date (the wave's reference date): ICBs merge and are renamed. */
export async function icbsOf(db: Sql, regionCode: string, referenceDate: string): Promise<Place[]> {
  return db.query<Place>(
    `select code, name from icbs where region_code = $1 and $2::date between valid_from and coalesce(valid_to, 'infinity'::date)
     order by name`,
    [regionCode, referenceDate],
  );
}

/** Whose figures a Scope sees, in words ("England", "Region Y56", "ICB QKK", "Organisation RWF"). */
export function scopeInWords(scope: Scope): string {
  return scope.kind === "national" ? "England" : `${scope.kind === "icb" ? "ICB" : scope.kind === "region" ? "Region" : "Organisation"} ${scope.code}`;
}

/**
 * Refuses (403) a page about `place` for a viewer whose Scope does not hold it at the wave shown
 * (or today, before any wave): the page's figures are that place's own.
 */
export async function requireInScope(db: Sql, scope: Scope, place: ScopePlace, wave: { referenceDate: string } | null): Promise<void> {
  if (scope.kind === "national") return;
  const date = wave?.referenceDate ?? new Date().toISOString().slice(0, 10);
  if (await placeInScope(db, scope, place, date)) return;
  const named = place.kind === "england" ? "England" : scopeInWords({ kind: place.kind, code: place.code.toUpperCase() });
  throw forbidden(`Your account sees the figures of ${scopeInWords(scope)} only, and ${named} is outside it.`);
}

/** The page a viewer starts from: England for national, else their own area's page. */
export function homeOf(scope: Scope): string {
  return scope.kind === "national" ? "/" : `/${scope.kind === "organisation" ? "organisations" : scope.kind === "icb" ? "icbs" : "regions"}/${scope.code}`;
}

/**
 * Refuses (403) an API request whose region, ICB or organisation filter names a place outside the
 * viewer's Scope (at the wave asked for, else the latest): the query layer would answer with no
 * rows, but a refusal says why, and a probe learns nothing either way.
 */
export async function requireFiltersInScope(db: Sql, scope: Scope, filters: Record<string, string | undefined>): Promise<void> {
  if (scope.kind === "national") return;
  const waves = await listWaves(db);
  const wave = (filters.wave ? waves.find((w) => w.label === filters.wave) : waves.at(-1)) ?? null;
  for (const kind of ["region", "icb", "organisation"] as const) {
    const code = filters[kind];
    if (code) await requireInScope(db, scope, { kind, code }, wave);
  }
}

/** requireFiltersInScope's refusal as text, or null when every filter is inside the Scope (for the APIs' JSON problems). */
export async function outsideScope(db: Sql, scope: Scope, filters: Record<string, string | undefined>): Promise<string | null> {
  try {
    await requireFiltersInScope(db, scope, filters);
    return null;
  } catch (error) {
    if (error instanceof Response && error.status === 403) return error.text();
    throw error;
  }
}
