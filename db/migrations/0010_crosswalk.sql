CREATE TABLE "crosswalk_pairs" (
	"crosswalk_id" integer NOT NULL,
	"from_capability_id" integer NOT NULL,
	"to_capability_id" integer NOT NULL,
	"origin" text NOT NULL,
	"comparable" boolean NOT NULL,
	CONSTRAINT "crosswalk_pairs_crosswalk_id_from_capability_id_to_capability_id_pk" PRIMARY KEY("crosswalk_id","from_capability_id","to_capability_id"),
	CONSTRAINT "crosswalk_pairs_origin" CHECK ("crosswalk_pairs"."origin" in ('default', 'file'))
);
--> statement-breakpoint
CREATE TABLE "crosswalk_rollups" (
	"crosswalk_id" integer NOT NULL,
	"wave_id" integer NOT NULL,
	"organisation_code" text NOT NULL,
	"staff_group_code" text NOT NULL,
	"archetype_code" text NOT NULL,
	"band_code" text,
	"grain" text NOT NULL,
	"grain_key" text NOT NULL,
	"respondents" integer NOT NULL,
	"required" integer NOT NULL,
	"met" integer NOT NULL,
	"sum_r2" bigint NOT NULL,
	"sum_u2" bigint NOT NULL,
	"sum_ru" bigint NOT NULL,
	CONSTRAINT "crosswalk_rollups_grain" CHECK ("crosswalk_rollups"."grain" in ('all', 'domain', 'sub_domain', 'section', 'level', 'domain_level'))
);
--> statement-breakpoint
CREATE TABLE "crosswalks" (
	"id" serial PRIMARY KEY NOT NULL,
	"from_framework_id" integer NOT NULL,
	"to_framework_id" integer NOT NULL,
	"file_name" text,
	"sha256" text,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "crosswalks_two_versions" CHECK ("crosswalks"."from_framework_id" <> "crosswalks"."to_framework_id")
);
--> statement-breakpoint
ALTER TABLE "crosswalk_pairs" ADD CONSTRAINT "crosswalk_pairs_crosswalk_id_crosswalks_id_fk" FOREIGN KEY ("crosswalk_id") REFERENCES "public"."crosswalks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "crosswalk_pairs" ADD CONSTRAINT "crosswalk_pairs_from_capability_id_capabilities_id_fk" FOREIGN KEY ("from_capability_id") REFERENCES "public"."capabilities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "crosswalk_pairs" ADD CONSTRAINT "crosswalk_pairs_to_capability_id_capabilities_id_fk" FOREIGN KEY ("to_capability_id") REFERENCES "public"."capabilities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "crosswalks" ADD CONSTRAINT "crosswalks_from_framework_id_frameworks_id_fk" FOREIGN KEY ("from_framework_id") REFERENCES "public"."frameworks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "crosswalks" ADD CONSTRAINT "crosswalks_to_framework_id_frameworks_id_fk" FOREIGN KEY ("to_framework_id") REFERENCES "public"."frameworks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "crosswalk_rollups_crosswalk_wave_grain" ON "crosswalk_rollups" USING btree ("crosswalk_id","wave_id","grain","organisation_code");--> statement-breakpoint
CREATE UNIQUE INDEX "crosswalks_versions" ON "crosswalks" USING btree ("from_framework_id","to_framework_id");--> statement-breakpoint
CREATE VIEW "public"."crosswalk_cells" AS (select crosswalk_id, wave_id, organisation_code, staff_group_code, archetype_code, band_code, grain, grain_key,
    respondents, required, met, sum_r2, sum_u2, sum_ru
  from crosswalk_rollups
  union all
  select p.crosswalk_id, cr.wave_id, cr.organisation_code, cr.staff_group_code, cr.archetype_code, cr.band_code,
    'capability'::text, tc.code, u.required, u.required, u.met,
    u.required::bigint, (u.required - u.met)::bigint, (u.required - u.met)::bigint
  from capability_rollups cr
  join waves w on w.id = cr.wave_id
  cross join lateral unnest(cr.required, cr.met) with ordinality as u(required, met, position)
  join capabilities c on c.framework_id = w.framework_id and c.sort_order = u.position
  join crosswalks x on w.framework_id in (x.from_framework_id, x.to_framework_id)
  join crosswalk_pairs p on p.crosswalk_id = x.id and p.comparable
    and c.id = case when w.framework_id = x.from_framework_id then p.from_capability_id else p.to_capability_id end
  join capabilities fc on fc.id = p.from_capability_id
  join capabilities tc on tc.id = p.to_capability_id
  where u.required > 0 and strpos(fc.archetypes, cr.archetype_code) > 0 and strpos(tc.archetypes, cr.archetype_code) > 0);