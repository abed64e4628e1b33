// Local demo mode's accounts: one per role, with no password (they cannot sign in anywhere but
// through the demo's "view as" page, which exists only in local demo mode). The region, ICB and
// organisation are the largest in the latest wave, so each shows figures.
import type { Sql } from "../client";
import { findUser, type Role } from "./users";

export const DEMO_EMAIL = (role: Role) => `demo-${role}@example.invalid`;

/** Creates the demo accounts that do not exist yet (national is also an administrator). */
export async function ensureDemoAccounts(db: Sql): Promise<void> {
  const [place] = await db.query<{ region: string; icb: string; organisation: string }>(
    `select m.region_code as region, m.icb_code as icb, r.organisation_code as organisation
     from respondent_counts r join waves w on w.id = r.wave_id
     join organisation_memberships m on m.organisation_code = r.organisation_code
       and w.reference_date between m.valid_from and coalesce(m.valid_to, 'infinity'::date)
     where w.id = (select id from waves order by reference_date desc, label desc limit 1)
     group by 1, 2, 3 order by sum(r.respondents) desc, 3 limit 1`,
  );
  const accounts: [Role, string | null][] = [["national", null]];
  if (place) accounts.push(["region", place.region], ["icb", place.icb], ["organisation", place.organisation]);
  for (const [role, scope] of accounts) {
    if (await findUser(db, { email: DEMO_EMAIL(role) })) continue;
    await db.query(`insert into users (email, role, scope_code, admin) values ($1, $2, $3, $4) on conflict do nothing`, [DEMO_EMAIL(role), role, scope, role === "national"]);
  }
}

/** The demo accounts, national first. */
export function demoAccounts(db: Sql) {
  return db.query<{ id: number; email: string; role: Role; scopeCode: string | null; admin: boolean }>(
    `select id, email, role, scope_code as "scopeCode", admin from users where email like 'demo-%@example.invalid'
     order by array_position(array['national', 'region', 'icb', 'organisation'], role)`,
  );
}
