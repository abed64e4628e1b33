CREATE TABLE "headcounts" (
	"wave_id" integer NOT NULL,
	"organisation_code" text NOT NULL,
	"staff_group_code" text NOT NULL,
	"band_code" text DEFAULT '' NOT NULL,
	"headcount" integer NOT NULL,
	CONSTRAINT "headcounts_wave_id_organisation_code_staff_group_code_band_code_pk" PRIMARY KEY("wave_id","organisation_code","staff_group_code","band_code"),
	CONSTRAINT "headcounts_not_negative" CHECK ("headcounts"."headcount" >= 0)
);
--> statement-breakpoint
ALTER TABLE "headcounts" ADD CONSTRAINT "headcounts_wave_id_waves_id_fk" FOREIGN KEY ("wave_id") REFERENCES "public"."waves"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "headcounts" ADD CONSTRAINT "headcounts_organisation_code_organisations_code_fk" FOREIGN KEY ("organisation_code") REFERENCES "public"."organisations"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "headcounts" ADD CONSTRAINT "headcounts_staff_group_code_staff_groups_code_fk" FOREIGN KEY ("staff_group_code") REFERENCES "public"."staff_groups"("code") ON DELETE no action ON UPDATE no action;