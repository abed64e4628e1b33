CREATE TABLE "attainment_rollups" (
	"wave_id" integer NOT NULL,
	"organisation_code" text NOT NULL,
	"staff_group_code" text NOT NULL,
	"archetype_code" text NOT NULL,
	"band_code" text,
	"domain_code" text NOT NULL,
	"expected_level" smallint NOT NULL,
	"attained_0" integer NOT NULL,
	"attained_1" integer NOT NULL,
	"attained_2" integer NOT NULL,
	"attained_3" integer NOT NULL,
	"attained_4" integer NOT NULL,
	"incomplete" integer NOT NULL,
	"below_expected" integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX "attainment_rollups_wave_organisation" ON "attainment_rollups" USING btree ("wave_id","organisation_code");