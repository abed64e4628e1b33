CREATE TABLE "capability_rollups" (
	"wave_id" integer NOT NULL,
	"organisation_code" text NOT NULL,
	"staff_group_code" text NOT NULL,
	"archetype_code" text NOT NULL,
	"band_code" text,
	"required" integer[] NOT NULL,
	"met" integer[] NOT NULL
);
--> statement-breakpoint
ALTER TABLE "rollups" DROP CONSTRAINT "rollups_grain";--> statement-breakpoint
CREATE INDEX "capability_rollups_wave_organisation" ON "capability_rollups" USING btree ("wave_id","organisation_code");--> statement-breakpoint
-- Existing waves: each person-axis cell's capability rows become one row of arrays, element i
-- for the capability whose sort_order is i (0 where nobody in the cell was required to rate it).
INSERT INTO "capability_rollups" ("wave_id", "organisation_code", "staff_group_code", "archetype_code", "band_code", "required", "met")
SELECT p.wave_id, p.organisation_code, p.staff_group_code, p.archetype_code, p.band_code,
  array_agg(coalesce(r.required, 0) ORDER BY c.sort_order), array_agg(coalesce(r.met, 0) ORDER BY c.sort_order)
FROM (SELECT DISTINCT wave_id, organisation_code, staff_group_code, archetype_code, band_code FROM "rollups" WHERE grain = 'capability') p
JOIN "waves" w ON w.id = p.wave_id
JOIN "capabilities" c ON c.framework_id = w.framework_id
LEFT JOIN "rollups" r ON r.grain = 'capability' AND r.wave_id = p.wave_id AND r.organisation_code = p.organisation_code
  AND r.staff_group_code = p.staff_group_code AND r.archetype_code = p.archetype_code
  AND coalesce(r.band_code, '') = coalesce(p.band_code, '') AND r.grain_key = c.code
GROUP BY p.wave_id, p.organisation_code, p.staff_group_code, p.archetype_code, p.band_code;--> statement-breakpoint
DELETE FROM "rollups" WHERE grain = 'capability';--> statement-breakpoint
ALTER TABLE "rollups" ADD CONSTRAINT "rollups_grain" CHECK ("rollups"."grain" in ('all', 'domain', 'sub_domain', 'section', 'level', 'domain_level'));--> statement-breakpoint
CREATE VIEW "public"."rollup_cells" AS (select wave_id, organisation_code, staff_group_code, archetype_code, band_code, grain, grain_key,
    respondents, required, met, sum_r2, sum_u2, sum_ru
  from rollups
  union all
  select cr.wave_id, cr.organisation_code, cr.staff_group_code, cr.archetype_code, cr.band_code,
    'capability'::text, c.code, u.required, u.required, u.met,
    u.required::bigint, (u.required - u.met)::bigint, (u.required - u.met)::bigint
  from capability_rollups cr
  join waves w on w.id = cr.wave_id
  cross join lateral unnest(cr.required, cr.met) with ordinality as u(required, met, position)
  join capabilities c on c.framework_id = w.framework_id and c.sort_order = u.position
  where u.required > 0);