CREATE TABLE "archetypes" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"sort_order" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bands" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"sort_order" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "batches" (
	"id" serial PRIMARY KEY NOT NULL,
	"file_name" text NOT NULL,
	"sha256" text NOT NULL,
	"wave_id" integer NOT NULL,
	"rows" integer NOT NULL,
	"respondents" integer NOT NULL,
	"synthetic" boolean NOT NULL,
	"seconds" real NOT NULL,
	"loaded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "capabilities" (
	"id" serial PRIMARY KEY NOT NULL,
	"framework_id" integer NOT NULL,
	"code" text NOT NULL,
	"node_code" text NOT NULL,
	"domain_code" text NOT NULL,
	"level" smallint NOT NULL,
	"archetypes" text NOT NULL,
	"title" text NOT NULL,
	"illustrative" boolean NOT NULL,
	"sort_order" integer NOT NULL,
	CONSTRAINT "capabilities_level" CHECK ("capabilities"."level" between 1 and 4)
);
--> statement-breakpoint
CREATE TABLE "capability_nodes" (
	"capability_id" integer NOT NULL,
	"node_code" text NOT NULL,
	"node_type" text NOT NULL,
	CONSTRAINT "capability_nodes_capability_id_node_code_pk" PRIMARY KEY("capability_id","node_code")
);
--> statement-breakpoint
CREATE TABLE "framework_nodes" (
	"framework_id" integer NOT NULL,
	"code" text NOT NULL,
	"parent_code" text,
	"node_type" text NOT NULL,
	"title" text NOT NULL,
	"domain_code" text NOT NULL,
	"sort_order" integer NOT NULL,
	CONSTRAINT "framework_nodes_framework_id_code_pk" PRIMARY KEY("framework_id","code"),
	CONSTRAINT "framework_nodes_type" CHECK ("framework_nodes"."node_type" in ('domain', 'sub_domain', 'section'))
);
--> statement-breakpoint
CREATE TABLE "frameworks" (
	"id" serial PRIMARY KEY NOT NULL,
	"version" text NOT NULL,
	"title" text NOT NULL,
	"scale_min" smallint NOT NULL,
	"scale_max" smallint NOT NULL,
	"met_threshold" smallint NOT NULL,
	"scale_labels" jsonb NOT NULL,
	"content_sha256" text NOT NULL,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "frameworks_version_unique" UNIQUE("version")
);
--> statement-breakpoint
CREATE TABLE "icbs" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"region_code" text NOT NULL,
	"valid_from" date NOT NULL,
	"valid_to" date
);
--> statement-breakpoint
CREATE TABLE "ingest_attempts" (
	"id" serial PRIMARY KEY NOT NULL,
	"file_name" text NOT NULL,
	"sha256" text NOT NULL,
	"wave_label" text,
	"attempted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"problem_count" integer NOT NULL,
	"problems" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "organisation_memberships" (
	"organisation_code" text NOT NULL,
	"icb_code" text NOT NULL,
	"region_code" text NOT NULL,
	"valid_from" date NOT NULL,
	"valid_to" date,
	CONSTRAINT "organisation_memberships_organisation_code_valid_from_pk" PRIMARY KEY("organisation_code","valid_from")
);
--> statement-breakpoint
CREATE TABLE "organisations" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"org_type" text NOT NULL,
	"opened_on" date NOT NULL,
	"closed_on" date
);
--> statement-breakpoint
CREATE TABLE "ratings" (
	"respondent_id" integer NOT NULL,
	"capability_id" integer NOT NULL,
	"rating" smallint NOT NULL,
	CONSTRAINT "ratings_respondent_id_capability_id_pk" PRIMARY KEY("respondent_id","capability_id")
);
--> statement-breakpoint
CREATE TABLE "reference_loads" (
	"dataset" text PRIMARY KEY NOT NULL,
	"sha256" text NOT NULL,
	"loaded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "regions" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"ons_code" text
);
--> statement-breakpoint
CREATE TABLE "respondents" (
	"id" serial PRIMARY KEY NOT NULL,
	"submission_id" integer NOT NULL,
	"wave_id" integer NOT NULL,
	"organisation_code" text NOT NULL,
	"pseudonym" text NOT NULL,
	"staff_group_code" text NOT NULL,
	"archetype_code" text NOT NULL,
	"band_code" text,
	"assessed_month" date NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rollups" (
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
	CONSTRAINT "rollups_grain" CHECK ("rollups"."grain" in ('all', 'domain', 'sub_domain', 'section', 'capability', 'level', 'domain_level'))
);
--> statement-breakpoint
CREATE TABLE "staff_groups" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"long_name" text NOT NULL,
	"sort_order" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "submissions" (
	"id" serial PRIMARY KEY NOT NULL,
	"batch_id" integer NOT NULL,
	"wave_id" integer NOT NULL,
	"organisation_code" text NOT NULL,
	"status" text DEFAULT 'current' NOT NULL,
	"rows" integer NOT NULL,
	"respondents" integer NOT NULL,
	"superseded_by_batch_id" integer,
	"ended_at" timestamp with time zone,
	CONSTRAINT "submissions_status" CHECK ("submissions"."status" in ('current', 'superseded', 'withdrawn'))
);
--> statement-breakpoint
CREATE TABLE "waves" (
	"id" serial PRIMARY KEY NOT NULL,
	"label" text NOT NULL,
	"framework_id" integer NOT NULL,
	"reference_date" date NOT NULL,
	"reference_date_source" text DEFAULT 'data' NOT NULL,
	"window_start" date NOT NULL,
	"window_end" date NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "waves_label_unique" UNIQUE("label"),
	CONSTRAINT "waves_status" CHECK ("waves"."status" in ('open', 'closed', 'published')),
	CONSTRAINT "waves_reference_date_source" CHECK ("waves"."reference_date_source" in ('data', 'set'))
);
--> statement-breakpoint
ALTER TABLE "batches" ADD CONSTRAINT "batches_wave_id_waves_id_fk" FOREIGN KEY ("wave_id") REFERENCES "public"."waves"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "capabilities" ADD CONSTRAINT "capabilities_framework_id_frameworks_id_fk" FOREIGN KEY ("framework_id") REFERENCES "public"."frameworks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "capability_nodes" ADD CONSTRAINT "capability_nodes_capability_id_capabilities_id_fk" FOREIGN KEY ("capability_id") REFERENCES "public"."capabilities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "framework_nodes" ADD CONSTRAINT "framework_nodes_framework_id_frameworks_id_fk" FOREIGN KEY ("framework_id") REFERENCES "public"."frameworks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "icbs" ADD CONSTRAINT "icbs_region_code_regions_code_fk" FOREIGN KEY ("region_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organisation_memberships" ADD CONSTRAINT "organisation_memberships_organisation_code_organisations_code_fk" FOREIGN KEY ("organisation_code") REFERENCES "public"."organisations"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organisation_memberships" ADD CONSTRAINT "organisation_memberships_icb_code_icbs_code_fk" FOREIGN KEY ("icb_code") REFERENCES "public"."icbs"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organisation_memberships" ADD CONSTRAINT "organisation_memberships_region_code_regions_code_fk" FOREIGN KEY ("region_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "respondents" ADD CONSTRAINT "respondents_submission_id_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."submissions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "respondents" ADD CONSTRAINT "respondents_wave_id_waves_id_fk" FOREIGN KEY ("wave_id") REFERENCES "public"."waves"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "respondents" ADD CONSTRAINT "respondents_staff_group_code_staff_groups_code_fk" FOREIGN KEY ("staff_group_code") REFERENCES "public"."staff_groups"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "respondents" ADD CONSTRAINT "respondents_archetype_code_archetypes_code_fk" FOREIGN KEY ("archetype_code") REFERENCES "public"."archetypes"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "respondents" ADD CONSTRAINT "respondents_band_code_bands_code_fk" FOREIGN KEY ("band_code") REFERENCES "public"."bands"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rollups" ADD CONSTRAINT "rollups_wave_id_waves_id_fk" FOREIGN KEY ("wave_id") REFERENCES "public"."waves"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "submissions" ADD CONSTRAINT "submissions_batch_id_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "submissions" ADD CONSTRAINT "submissions_wave_id_waves_id_fk" FOREIGN KEY ("wave_id") REFERENCES "public"."waves"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "submissions" ADD CONSTRAINT "submissions_organisation_code_organisations_code_fk" FOREIGN KEY ("organisation_code") REFERENCES "public"."organisations"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "submissions" ADD CONSTRAINT "submissions_superseded_by_batch_id_batches_id_fk" FOREIGN KEY ("superseded_by_batch_id") REFERENCES "public"."batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "waves" ADD CONSTRAINT "waves_framework_id_frameworks_id_fk" FOREIGN KEY ("framework_id") REFERENCES "public"."frameworks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "batches_sha256" ON "batches" USING btree ("sha256");--> statement-breakpoint
CREATE UNIQUE INDEX "capabilities_framework_code" ON "capabilities" USING btree ("framework_id","code");--> statement-breakpoint
CREATE UNIQUE INDEX "respondents_wave_pseudonym" ON "respondents" USING btree ("wave_id","pseudonym");--> statement-breakpoint
CREATE INDEX "respondents_submission" ON "respondents" USING btree ("submission_id");--> statement-breakpoint
CREATE UNIQUE INDEX "rollups_cell" ON "rollups" USING btree ("wave_id","grain","organisation_code","staff_group_code","archetype_code",coalesce("band_code", ''),"grain_key");--> statement-breakpoint
CREATE UNIQUE INDEX "submissions_one_current" ON "submissions" USING btree ("wave_id","organisation_code") WHERE "submissions"."status" = 'current';