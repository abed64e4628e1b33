// Looking up the places pages are about: a Region by code, and an Organisation with the Region it
// belonged to at a wave's reference date (membership changes over time, e.g. ICB mergers).
import type { Sql } from "~db/client";

export interface Place {
  code: string;
  name: string;
}

export interface OrganisationPlace extends Place {
  /** The region at the reference date, or the latest known one; null if it has no membership. */
  region: Place | null;
}

export async function findRegion(db: Sql, code: string): Promise<Place | null> {
  const [region] = await db.query<Place>("select code, name from regions where code = upper($1)", [code]);
  return region ?? null;
}

export async function findOrganisation(db: Sql, code: string, referenceDate: string | null): Promise<OrganisationPlace | null> {
  const [organisation] = await db.query<Place>("select code, name from organisations where code = upper($1)", [code]);
  if (!organisation) return null;
  // Prefer the membership valid at the reference date; otherwise the most recent one.
  const [region] = await db.query<Place>(
    `select r.code, r.name
     from organisation_memberships m join regions r on r.code = m.region_code
     where m.organisation_code = $1
     order by ($2::date is not null and $2::date between m.valid_from and coalesce(m.valid_to, 'infinity'::date)) desc,
              m.valid_from desc
     limit 1`,
    [organisation.code, referenceDate],
  );
  return { ...organisation, region: region ?? null };
}
