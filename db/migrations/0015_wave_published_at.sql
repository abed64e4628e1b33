CREATE TABLE "respondent_counts" (
	"wave_id" integer NOT NULL,
	"organisation_code" text NOT NULL,
	"staff_group_code" text NOT NULL,
	"archetype_code" text NOT NULL,
	"band_code" text,
	"respondents" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "waves" ADD COLUMN "published_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "waves" ADD COLUMN "respondents_purged_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "respondent_counts_wave_organisation" ON "respondent_counts" USING btree ("wave_id","organisation_code");--> statement-breakpoint
-- Waves already published before this migration count as published now: their retention period
-- starts at the upgrade, never earlier than anyone could have known it.
UPDATE "waves" SET "published_at" = now() WHERE "status" = 'published';--> statement-breakpoint
-- Respondent counts of every current submission, as the load now writes them (respondents are
-- kept only for current submissions).
INSERT INTO "respondent_counts" ("wave_id", "organisation_code", "staff_group_code", "archetype_code", "band_code", "respondents")
SELECT "wave_id", "organisation_code", "staff_group_code", "archetype_code", "band_code", count(*)::int
FROM "respondents"
GROUP BY "wave_id", "organisation_code", "staff_group_code", "archetype_code", "band_code";
