CREATE TABLE "submission_months" (
	"submission_id" integer NOT NULL,
	"month" date NOT NULL,
	"respondents" integer NOT NULL,
	CONSTRAINT "submission_months_submission_id_month_pk" PRIMARY KEY("submission_id","month")
);
--> statement-breakpoint
ALTER TABLE "respondents" DROP CONSTRAINT "respondents_wave_id_waves_id_fk";
--> statement-breakpoint
ALTER TABLE "respondents" DROP CONSTRAINT "respondents_staff_group_code_staff_groups_code_fk";
--> statement-breakpoint
ALTER TABLE "respondents" DROP CONSTRAINT "respondents_archetype_code_archetypes_code_fk";
--> statement-breakpoint
ALTER TABLE "respondents" DROP CONSTRAINT "respondents_band_code_bands_code_fk";
--> statement-breakpoint
ALTER TABLE "submission_months" ADD CONSTRAINT "submission_months_submission_id_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."submissions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Existing waves: their respondents per submission and month, as loads now record them.
INSERT INTO "submission_months" ("submission_id", "month", "respondents")
SELECT "submission_id", "assessed_month", count(*)::int FROM "respondents" GROUP BY 1, 2;
