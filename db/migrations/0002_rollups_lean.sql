ALTER TABLE "rollups" DROP CONSTRAINT "rollups_wave_id_waves_id_fk";
--> statement-breakpoint
DROP INDEX "rollups_cell";--> statement-breakpoint
CREATE INDEX "rollups_wave_grain_organisation" ON "rollups" USING btree ("wave_id","grain","organisation_code");