CREATE TABLE "disclosure_patterns" (
	"wave_id" integer PRIMARY KEY NOT NULL,
	"k" integer NOT NULL,
	"data_version" text NOT NULL,
	"hidden" text[] NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL
);
