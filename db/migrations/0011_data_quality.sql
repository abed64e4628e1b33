ALTER TABLE "submissions" ADD COLUMN "required_capabilities" integer;--> statement-breakpoint
ALTER TABLE "submissions" ADD COLUMN "required_answered" integer;--> statement-breakpoint
ALTER TABLE "submissions" ADD COLUMN "straight_lining" integer;--> statement-breakpoint
ALTER TABLE "submissions" ADD COLUMN "no_required" integer;