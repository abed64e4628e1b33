ALTER TABLE "batches" ADD COLUMN "ratings" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "batches" ADD COLUMN "layout" text DEFAULT 'long' NOT NULL;--> statement-breakpoint
ALTER TABLE "batches" ADD COLUMN "source_format" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "batches" ADD COLUMN "profile" text;--> statement-breakpoint
-- Every batch before this migration was in the long layout: one rating per row.
UPDATE "batches" SET "ratings" = "rows";
