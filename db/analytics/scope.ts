// A Scope is whose figures a caller may see. Every analytics function takes one first; in the app
// it comes from the signed-in account (app/lib/viewer.server.ts), so no query can forget it.
import type { Sql } from "../client";

export type Scope =
  | { kind: "national" }
  | { kind: "region"; code: string }
  | { kind: "icb"; code: string }
  | { kind: "organisation"; code: string };

export const NATIONAL: Scope = { kind: "national" };

export function describeScope(scope: Scope): string {
  return scope.kind === "national" ? "national" : `${scope.kind}:${scope.code}`;
}

/** A place a page or figure is about: England, or a region, ICB or organisation by code. */
export type Place = { kind: "england" } | { kind: "region" | "icb" | "organisation"; code: string };

const LEVEL = { england: 0, national: 0, region: 1, icb: 2, organisation: 3 } as const;

/**
 * Whether `scope` may see `place`'s own figures at `referenceDate`: the place is the scope's own
 * area or inside it, by the memberships valid on that date (an organisation that moved region is
 * seen by its region of the wave shown). Places above the scope (England for a region) are
 * comparators only, never pages of their own.
 */
export async function placeInScope(db: Sql, scope: Scope, place: Place, referenceDate: string): Promise<boolean> {
  if (scope.kind === "national") return true;
  if (place.kind === "england" || LEVEL[place.kind] < LEVEL[scope.kind]) return false;
  if (place.kind === scope.kind) return place.code.toUpperCase() === scope.code;
  // An ICB or organisation inside a region or ICB, at the reference date.
  const column = place.kind === "icb" ? "icb_code" : "organisation_code";
  const rows = await db.query(
    `select 1 from organisation_memberships
     where ${column} = $1 and ${scope.kind === "region" ? "region_code" : "icb_code"} = $2
       and $3::date between valid_from and coalesce(valid_to, 'infinity'::date)
     limit 1`,
    [place.code.toUpperCase(), scope.code, referenceDate],
  );
  return rows.length > 0;
}
