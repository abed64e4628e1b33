// The database schema, as code. drizzle-kit generates db/migrations from this file
// (`npm run db:generate`); the same migrations serve PGlite and PostgreSQL 15+.
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  pgView,
  primaryKey,
  real,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

// ---------------------------------------------------------------- framework

/** A framework version. Immutable once imported: its content hash guards re-imports. */
export const frameworks = pgTable("frameworks", {
  id: serial("id").primaryKey(),
  version: text("version").notNull().unique(),
  title: text("title").notNull(),
  /** Rating scale, e.g. 0..4, and the rating at or above which a required capability is met. */
  scaleMin: smallint("scale_min").notNull(),
  scaleMax: smallint("scale_max").notNull(),
  metThreshold: smallint("met_threshold").notNull(),
  scaleLabels: jsonb("scale_labels").$type<string[]>().notNull(),
  contentSha256: text("content_sha256").notNull(),
  importedAt: timestamp("imported_at", { withTimezone: true }).notNull().defaultNow(),
});

/** A Node of the framework tree: a domain, sub-domain or section. */
export const frameworkNodes = pgTable(
  "framework_nodes",
  {
    frameworkId: integer("framework_id").notNull().references(() => frameworks.id),
    code: text("code").notNull(),
    parentCode: text("parent_code"),
    nodeType: text("node_type").notNull(),
    title: text("title").notNull(),
    domainCode: text("domain_code").notNull(),
    sortOrder: integer("sort_order").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.frameworkId, t.code] }),
    check("framework_nodes_type", sql`${t.nodeType} in ('domain', 'sub_domain', 'section')`),
  ],
);

/** A Capability: one capability statement of a framework version. */
export const capabilities = pgTable(
  "capabilities",
  {
    id: serial("id").primaryKey(),
    frameworkId: integer("framework_id").notNull().references(() => frameworks.id),
    code: text("code").notNull(),
    nodeCode: text("node_code").notNull(),
    domainCode: text("domain_code").notNull(),
    level: smallint("level").notNull(),
    /** Archetype badges as letters in S, D, C, E, U order, e.g. "SDU". */
    archetypes: text("archetypes").notNull(),
    title: text("title").notNull(),
    illustrative: boolean("illustrative").notNull(),
    sortOrder: integer("sort_order").notNull(),
  },
  (t) => [
    uniqueIndex("capabilities_framework_code").on(t.frameworkId, t.code),
    check("capabilities_level", sql`${t.level} between 1 and 4`),
  ],
);

/** Every node a capability counts toward: its own node and each ancestor. */
export const capabilityNodes = pgTable(
  "capability_nodes",
  {
    capabilityId: integer("capability_id").notNull().references(() => capabilities.id),
    nodeCode: text("node_code").notNull(),
    nodeType: text("node_type").notNull(),
  },
  (t) => [primaryKey({ columns: [t.capabilityId, t.nodeCode] })],
);

// ---------------------------------------------------------------- reference

export const archetypes = pgTable("archetypes", {
  code: text("code").primaryKey(),
  name: text("name").notNull(),
  sortOrder: integer("sort_order").notNull(),
});

export const regions = pgTable("regions", {
  code: text("code").primaryKey(),
  name: text("name").notNull(),
  onsCode: text("ons_code"),
});

export const icbs = pgTable("icbs", {
  code: text("code").primaryKey(),
  name: text("name").notNull(),
  regionCode: text("region_code").notNull().references(() => regions.code),
  validFrom: date("valid_from").notNull(),
  validTo: date("valid_to"),
});

export const organisations = pgTable("organisations", {
  code: text("code").primaryKey(),
  name: text("name").notNull(),
  orgType: text("org_type").notNull(),
  openedOn: date("opened_on").notNull(),
  closedOn: date("closed_on"),
});

/** Which ICB and region an organisation belonged to, and when (ICBs merged on 1 April 2026). */
export const organisationMemberships = pgTable(
  "organisation_memberships",
  {
    organisationCode: text("organisation_code").notNull().references(() => organisations.code),
    icbCode: text("icb_code").notNull().references(() => icbs.code),
    regionCode: text("region_code").notNull().references(() => regions.code),
    validFrom: date("valid_from").notNull(),
    validTo: date("valid_to"),
  },
  (t) => [primaryKey({ columns: [t.organisationCode, t.validFrom] })],
);

export const staffGroups = pgTable("staff_groups", {
  code: text("code").primaryKey(),
  name: text("name").notNull(),
  longName: text("long_name").notNull(),
  sortOrder: integer("sort_order").notNull(),
});

export const bands = pgTable("bands", {
  code: text("code").primaryKey(),
  name: text("name").notNull(),
  sortOrder: integer("sort_order").notNull(),
});

/** Content hash of each reference dataset loaded, so a start-up reloads only what changed. */
export const referenceLoads = pgTable("reference_loads", {
  dataset: text("dataset").primaryKey(),
  sha256: text("sha256").notNull(),
  loadedAt: timestamp("loaded_at", { withTimezone: true }).notNull().defaultNow(),
});

// ---------------------------------------------------------------- assessments

export const waves = pgTable(
  "waves",
  {
    id: serial("id").primaryKey(),
    label: text("label").notNull().unique(),
    frameworkId: integer("framework_id").notNull().references(() => frameworks.id),
    /** Order key and the date at which organisation membership is read. */
    referenceDate: date("reference_date").notNull(),
    /** 'data' = median assessed_on of the wave's data, kept up to date; 'set' = fixed by a person. */
    referenceDateSource: text("reference_date_source").notNull().default("data"),
    windowStart: date("window_start").notNull(),
    windowEnd: date("window_end").notNull(),
    status: text("status").notNull().default("open"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /** When the status last became published (null while open or closed): retention counts from it. */
    publishedAt: timestamp("published_at", { withTimezone: true }),
    /** When `npm run purge` deleted the wave's respondent-level rows; its aggregates are kept. */
    respondentsPurgedAt: timestamp("respondents_purged_at", { withTimezone: true }),
  },
  (t) => [
    check("waves_status", sql`${t.status} in ('open', 'closed', 'published')`),
    check("waves_reference_date_source", sql`${t.referenceDateSource} in ('data', 'set')`),
  ],
);

/** One loaded file. */
export const batches = pgTable(
  "batches",
  {
    id: serial("id").primaryKey(),
    fileName: text("file_name").notNull(),
    sha256: text("sha256").notNull(),
    waveId: integer("wave_id").notNull().references(() => waves.id),
    /** Data rows in the file (not counting the header). */
    rows: integer("rows").notNull(),
    /** Ratings loaded: equals rows in the long layout; one per answered capability in the wide. */
    ratings: integer("ratings").notNull().default(0),
    respondents: integer("respondents").notNull(),
    /** How the file was read: layout (long, wide), format ("CSV, Windows-1252, …") and mapping profile. */
    layout: text("layout").notNull().default("long"),
    sourceFormat: text("source_format").notNull().default(""),
    profile: text("profile"),
    synthetic: boolean("synthetic").notNull(),
    seconds: real("seconds").notNull(),
    loadedAt: timestamp("loaded_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("batches_sha256").on(t.sha256)],
);

/** An organisation's data for a wave, as delivered by one batch. */
export const submissions = pgTable(
  "submissions",
  {
    id: serial("id").primaryKey(),
    batchId: integer("batch_id").notNull().references(() => batches.id),
    waveId: integer("wave_id").notNull().references(() => waves.id),
    organisationCode: text("organisation_code").notNull().references(() => organisations.code),
    status: text("status").notNull().default("current"),
    /** Ratings of this organisation in the batch. */
    rows: integer("rows").notNull(),
    respondents: integer("respondents").notNull(),
    supersededByBatchId: integer("superseded_by_batch_id").references(() => batches.id),
    endedAt: timestamp("ended_at", { withTimezone: true }),
    // Data quality (docs/metrics.md, "Data quality"; decision 021), worked out by the load from the
    // file's own respondents and kept with the submission whatever happens to it later, so a page
    // reads one row per organisation. Null only where the ratings were gone before these existed
    // (submissions superseded or withdrawn before migration 0012).
    /** Σ over respondents of the capabilities badged for their archetype in the wave's framework. */
    requiredCapabilities: integer("required_capabilities"),
    /** Ratings given for those capabilities. */
    requiredAnswered: integer("required_answered"),
    /** Respondents with at least two ratings, all the same. */
    straightLining: integer("straight_lining"),
    /** Respondents with no rating of a capability badged for their archetype. */
    noRequired: integer("no_required"),
  },
  (t) => [
    check("submissions_status", sql`${t.status} in ('current', 'superseded', 'withdrawn')`),
    uniqueIndex("submissions_one_current")
      .on(t.waveId, t.organisationCode)
      .where(sql`${t.status} = 'current'`),
  ],
);

/**
 * A Respondent in a wave, known only by a keyed pseudonym of (organisation, local id). Only the
 * submission is a foreign key: the wave and the codes come from the submission and from reference
 * tables whose rows are never deleted, and the load has just checked every code against them. The
 * four other per-row checks more than doubled the insert (3.0 s against 1.3 s for 200,000
 * respondents; decision 013).
 */
export const respondents = pgTable(
  "respondents",
  {
    id: serial("id").primaryKey(),
    submissionId: integer("submission_id")
      .notNull()
      .references(() => submissions.id, { onDelete: "cascade" }),
    waveId: integer("wave_id").notNull(),
    organisationCode: text("organisation_code").notNull(),
    pseudonym: text("pseudonym").notNull(),
    staffGroupCode: text("staff_group_code").notNull(),
    archetypeCode: text("archetype_code").notNull(),
    bandCode: text("band_code"),
    /** First day of the month assessed: a finer date would help re-identify people. */
    assessedMonth: date("assessed_month").notNull(),
  },
  (t) => [
    uniqueIndex("respondents_wave_pseudonym").on(t.waveId, t.pseudonym),
    index("respondents_submission").on(t.submissionId),
  ],
);

/**
 * Respondents per person-axis cell (organisation × staff group × archetype × band) of a wave's
 * current submissions, everyone in them, including those with no required rating (whom rollups do
 * not count). Written by the load beside the rollups and replaced with them, so response rates,
 * weights and priorities read these few rows, and still read them once the retention purge has
 * deleted the respondents themselves. Derived, like rollups: no foreign key (decision 012).
 */
export const respondentCounts = pgTable(
  "respondent_counts",
  {
    waveId: integer("wave_id").notNull(),
    organisationCode: text("organisation_code").notNull(),
    staffGroupCode: text("staff_group_code").notNull(),
    archetypeCode: text("archetype_code").notNull(),
    bandCode: text("band_code"),
    respondents: integer("respondents").notNull(),
  },
  (t) => [index("respondent_counts_wave_organisation").on(t.waveId, t.organisationCode)],
);

/**
 * Respondents of a submission per assessment month (the first of the month): the wave's median
 * month, its reference date, is read from these few rows rather than from every respondent.
 */
export const submissionMonths = pgTable(
  "submission_months",
  {
    submissionId: integer("submission_id")
      .notNull()
      .references(() => submissions.id, { onDelete: "cascade" }),
    month: date("month").notNull(),
    respondents: integer("respondents").notNull(),
  },
  (t) => [primaryKey({ columns: [t.submissionId, t.month] })],
);

/**
 * A Rating: one respondent's 0..4 answer for one capability. The largest table by far, so it has
 * no foreign keys: per-row FK checks tripled bulk-load time. Loads insert ratings only for
 * respondents and capabilities they have just resolved, and deletes go through ingest/load.ts.
 */
export const ratings = pgTable(
  "ratings",
  {
    respondentId: integer("respondent_id").notNull(),
    capabilityId: integer("capability_id").notNull(),
    rating: smallint("rating").notNull(),
  },
  (t) => [primaryKey({ columns: [t.respondentId, t.capabilityId] })],
);

/**
 * Pre-aggregated gaps at the node grains (all, domain, sub-domain, section, level, domain × level).
 * Additive across the person axis (organisation, staff group, archetype, band) only: a respondent
 * counts once per grain value, so rows of different grain values must never be summed. The
 * capability grain is kept apart, compactly (capabilityRollups); `rollup_cells` shows both as one.
 * See docs/decisions/006-rollup-grains.md and 014-compact-capability-rollups.md.
 */
export const rollups = pgTable(
  "rollups",
  {
    // No foreign key and no unique index: rollups are derived, written only by ingest/load.ts
    // (one row per cell by construction, checked by the tests), and the checks cost more than
    // the insert itself (decision 012).
    waveId: integer("wave_id").notNull(),
    organisationCode: text("organisation_code").notNull(),
    staffGroupCode: text("staff_group_code").notNull(),
    archetypeCode: text("archetype_code").notNull(),
    bandCode: text("band_code"),
    grain: text("grain").notNull(),
    grainKey: text("grain_key").notNull(),
    respondents: integer("respondents").notNull(),
    required: integer("required").notNull(),
    met: integer("met").notNull(),
    sumR2: bigint("sum_r2", { mode: "number" }).notNull(),
    sumU2: bigint("sum_u2", { mode: "number" }).notNull(),
    sumRu: bigint("sum_ru", { mode: "number" }).notNull(),
  },
  (t) => [
    check("rollups_grain", sql`${t.grain} in ('all', 'domain', 'sub_domain', 'section', 'level', 'domain_level')`),
    // Queries read one wave and grain; a load or withdrawal replaces organisations' rows in a wave.
    index("rollups_wave_grain_organisation").on(t.waveId, t.grain, t.organisationCode),
  ],
);

/**
 * The capability grain: one row per person-axis cell, with the cell's required and met ratings
 * for every capability of the wave's framework, element i being the capability whose sort_order
 * is i. A respondent has at most one rating per capability, so respondents = required and the
 * per-respondent sums follow (Σr² = required, Σu² = Σru = required − met). One row instead of up
 * to one per capability: these were three in four rollup rows, and most of a load's time beyond
 * the ratings themselves (decision 014).
 */
export const capabilityRollups = pgTable(
  "capability_rollups",
  {
    waveId: integer("wave_id").notNull(),
    organisationCode: text("organisation_code").notNull(),
    staffGroupCode: text("staff_group_code").notNull(),
    archetypeCode: text("archetype_code").notNull(),
    bandCode: text("band_code"),
    required: integer("required").array().notNull(),
    met: integer("met").array().notNull(),
  },
  (t) => [index("capability_rollups_wave_organisation").on(t.waveId, t.organisationCode)],
);

/**
 * Attained levels (docs/metrics.md, "Attained level"; decision 019): per person-axis cell × domain,
 * respondents by the highest level whose required capabilities (and all below) they meet, from 0
 * to 4, those missing a required rating (incomplete), and those placed below the archetype's
 * expected level in the domain. Computed per respondent during the load, like the rollups, and
 * additive across the person axis in the same way; rows of different domains must never be summed.
 */
export const attainmentRollups = pgTable(
  "attainment_rollups",
  {
    // Derived like rollups: no foreign key, no unique index (decision 012).
    waveId: integer("wave_id").notNull(),
    organisationCode: text("organisation_code").notNull(),
    staffGroupCode: text("staff_group_code").notNull(),
    archetypeCode: text("archetype_code").notNull(),
    bandCode: text("band_code"),
    domainCode: text("domain_code").notNull(),
    /** The archetype's expected level in the domain: the highest level with a capability badged for it. */
    expectedLevel: smallint("expected_level").notNull(),
    attained0: integer("attained_0").notNull(),
    attained1: integer("attained_1").notNull(),
    attained2: integer("attained_2").notNull(),
    attained3: integer("attained_3").notNull(),
    attained4: integer("attained_4").notNull(),
    incomplete: integer("incomplete").notNull(),
    belowExpected: integer("below_expected").notNull(),
  },
  (t) => [index("attainment_rollups_wave_organisation").on(t.waveId, t.organisationCode)],
);

/**
 * Every rollup cell as a row, the capability grain unpacked: what the gaps query and the tests
 * read. Capabilities nobody in the cell was required to rate have no row, as at the other grains.
 */
export const rollupCells = pgView("rollup_cells", {
  waveId: integer("wave_id").notNull(),
  organisationCode: text("organisation_code").notNull(),
  staffGroupCode: text("staff_group_code").notNull(),
  archetypeCode: text("archetype_code").notNull(),
  bandCode: text("band_code"),
  grain: text("grain").notNull(),
  grainKey: text("grain_key").notNull(),
  respondents: integer("respondents").notNull(),
  required: integer("required").notNull(),
  met: integer("met").notNull(),
  sumR2: bigint("sum_r2", { mode: "number" }).notNull(),
  sumU2: bigint("sum_u2", { mode: "number" }).notNull(),
  sumRu: bigint("sum_ru", { mode: "number" }).notNull(),
}).as(sql`select wave_id, organisation_code, staff_group_code, archetype_code, band_code, grain, grain_key,
    respondents, required, met, sum_r2, sum_u2, sum_ru
  from rollups
  union all
  select cr.wave_id, cr.organisation_code, cr.staff_group_code, cr.archetype_code, cr.band_code,
    'capability'::text, c.code, u.required, u.required, u.met,
    u.required::bigint, (u.required - u.met)::bigint, (u.required - u.met)::bigint
  from capability_rollups cr
  join waves w on w.id = cr.wave_id
  cross join lateral unnest(cr.required, cr.met) with ordinality as u(required, met, position)
  join capabilities c on c.framework_id = w.framework_id and c.sort_order = u.position
  where u.required > 0`);

/** Rejected load attempts: what was wrong, never the values. */
export const ingestAttempts = pgTable("ingest_attempts", {
  id: serial("id").primaryKey(),
  fileName: text("file_name").notNull(),
  sha256: text("sha256").notNull(),
  waveLabel: text("wave_label"),
  attemptedAt: timestamp("attempted_at", { withTimezone: true }).notNull().defaultNow(),
  problemCount: integer("problem_count").notNull(),
  problems: jsonb("problems").$type<{ row?: number; column?: string; message: string }[]>().notNull(),
});

/**
 * Complementary suppression (decision 017): for each wave, the cells hidden to protect cells under
 * k (cell keys: db/analytics/cube.ts), with the k and data version the pattern was worked out for.
 * Derived: worked out again, in one statement, whenever the wave's data or k change, before any
 * figure of the wave is published.
 */
export const disclosurePatterns = pgTable("disclosure_patterns", {
  waveId: integer("wave_id").primaryKey(),
  k: integer("k").notNull(),
  dataVersion: text("data_version").notNull(),
  hidden: text("hidden").array().notNull(),
  computedAt: timestamp("computed_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Staff in post by organisation × ESR staff group (× band) for a wave, from
 * `npm run headcount:import`: the denominator of response rates and coverage weights. Band ""
 * means the organisation's staff group across all bands.
 */
export const headcounts = pgTable(
  "headcounts",
  {
    waveId: integer("wave_id").notNull().references(() => waves.id),
    organisationCode: text("organisation_code").notNull().references(() => organisations.code),
    staffGroupCode: text("staff_group_code").notNull().references(() => staffGroups.code),
    bandCode: text("band_code").notNull().default(""),
    headcount: integer("headcount").notNull(),
    /** When the import committed: part of the data version, so cached weighted figures go stale with it. */
    importedAt: timestamp("imported_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.waveId, t.organisationCode, t.staffGroupCode, t.bandCode] }),
    check("headcounts_not_negative", sql`${t.headcount} >= 0`),
    index("headcounts_imported_at").on(t.importedAt),
  ],
);

// ---------------------------------------------------------------- crosswalks

/**
 * A Crosswalk from an earlier framework version to a later one (`npm run crosswalk:import`,
 * decision 018): which capability of the earlier version is which of the later. Only through one
 * are waves on the two versions compared. Importing it again replaces its pairs and rollups.
 */
export const crosswalks = pgTable(
  "crosswalks",
  {
    id: serial("id").primaryKey(),
    fromFrameworkId: integer("from_framework_id").notNull().references(() => frameworks.id),
    toFrameworkId: integer("to_framework_id").notNull().references(() => frameworks.id),
    /** The file of explicit pairs and its content hash; null when only the default pairs were imported. */
    fileName: text("file_name"),
    sha256: text("sha256"),
    importedAt: timestamp("imported_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("crosswalks_versions").on(t.fromFrameworkId, t.toFrameworkId),
    check("crosswalks_two_versions", sql`${t.fromFrameworkId} <> ${t.toFrameworkId}`),
  ],
);

/**
 * A pair of a crosswalk: this earlier capability is that later one. 'default' pairs have the same
 * code, level and badges; 'file' pairs are rows of the imported file. A pair is comparable only
 * when neither capability is in another pair (1:1): a split or merge has no like-for-like figure.
 */
export const crosswalkPairs = pgTable(
  "crosswalk_pairs",
  {
    crosswalkId: integer("crosswalk_id")
      .notNull()
      .references(() => crosswalks.id, { onDelete: "cascade" }),
    fromCapabilityId: integer("from_capability_id").notNull().references(() => capabilities.id),
    toCapabilityId: integer("to_capability_id").notNull().references(() => capabilities.id),
    origin: text("origin").notNull(),
    comparable: boolean("comparable").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.crosswalkId, t.fromCapabilityId, t.toCapabilityId] }),
    check("crosswalk_pairs_origin", sql`${t.origin} in ('default', 'file')`),
  ],
);

/**
 * Crosswalked rollups: every wave on either version of a crosswalk re-expressed in the later
 * version's capabilities over its comparable (1:1) pairs only, at the node grains, so that both
 * sides of a comparison hold the same capabilities. The columns of `rollups`; built from the
 * ratings when the crosswalk is imported and for the organisations a load or withdrawal touches.
 * The capability grain needs no copy: crosswalkCells reads it from capability_rollups. Derived,
 * like rollups: no foreign key (decision 012).
 */
export const crosswalkRollups = pgTable(
  "crosswalk_rollups",
  {
    crosswalkId: integer("crosswalk_id").notNull(),
    waveId: integer("wave_id").notNull(),
    organisationCode: text("organisation_code").notNull(),
    staffGroupCode: text("staff_group_code").notNull(),
    archetypeCode: text("archetype_code").notNull(),
    bandCode: text("band_code"),
    grain: text("grain").notNull(),
    grainKey: text("grain_key").notNull(),
    respondents: integer("respondents").notNull(),
    required: integer("required").notNull(),
    met: integer("met").notNull(),
    sumR2: bigint("sum_r2", { mode: "number" }).notNull(),
    sumU2: bigint("sum_u2", { mode: "number" }).notNull(),
    sumRu: bigint("sum_ru", { mode: "number" }).notNull(),
  },
  (t) => [
    check("crosswalk_rollups_grain", sql`${t.grain} in ('all', 'domain', 'sub_domain', 'section', 'level', 'domain_level')`),
    index("crosswalk_rollups_crosswalk_wave_grain").on(t.crosswalkId, t.waveId, t.grain, t.organisationCode),
  ],
);

/**
 * Every crosswalked cell as a row, like rollup_cells: crosswalk_rollups, and the capability grain
 * from the wave's own capability_rollups through the 1:1 pairs. A capability cell holds one
 * archetype, so "badged in both versions" keeps or drops the whole cell, and its ratings were met
 * at the wave's own threshold: nothing needs recomputing.
 */
export const crosswalkCells = pgView("crosswalk_cells", {
  crosswalkId: integer("crosswalk_id").notNull(),
  waveId: integer("wave_id").notNull(),
  organisationCode: text("organisation_code").notNull(),
  staffGroupCode: text("staff_group_code").notNull(),
  archetypeCode: text("archetype_code").notNull(),
  bandCode: text("band_code"),
  grain: text("grain").notNull(),
  grainKey: text("grain_key").notNull(),
  respondents: integer("respondents").notNull(),
  required: integer("required").notNull(),
  met: integer("met").notNull(),
  sumR2: bigint("sum_r2", { mode: "number" }).notNull(),
  sumU2: bigint("sum_u2", { mode: "number" }).notNull(),
  sumRu: bigint("sum_ru", { mode: "number" }).notNull(),
}).as(sql`select crosswalk_id, wave_id, organisation_code, staff_group_code, archetype_code, band_code, grain, grain_key,
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
  where u.required > 0 and strpos(fc.archetypes, cr.archetype_code) > 0 and strpos(tc.archetypes, cr.archetype_code) > 0`);

// ---------------------------------------------------------------- access (decision 024)

/**
 * Who may sign in and what they may see: a Role (national, region, icb, organisation) with the
 * code of its Scope, and whether they administer (ingest, users). Only what access needs: the
 * email (lower-cased), a password hash (scrypt) or an OIDC subject, never a name.
 */
export const users = pgTable(
  "users",
  {
    id: serial("id").primaryKey(),
    email: text("email").notNull(),
    role: text("role").notNull(),
    scopeCode: text("scope_code"),
    admin: boolean("admin").notNull().default(false),
    passwordHash: text("password_hash"),
    oidcSubject: text("oidc_subject"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /** A disabled account cannot sign in, and its sessions end. */
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("users_email").on(t.email),
    uniqueIndex("users_oidc_subject").on(t.oidcSubject),
    check("users_role", sql`${t.role} in ('national', 'region', 'icb', 'organisation')`),
    check("users_scope", sql`(${t.role} = 'national') = (${t.scopeCode} is null)`),
    check("users_email_lower", sql`${t.email} = lower(${t.email})`),
  ],
);

/**
 * Signed-in sessions. The cookie holds a random token; only its SHA-256 is stored, so a copy of
 * the database signs no one in. Ended by sign-out, idle or absolute timeout, or the account's change.
 */
export const sessions = pgTable(
  "sessions",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The token every state-changing form of this session must carry (CSRF). */
    csrfToken: text("csrf_token").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("sessions_user").on(t.userId)],
);

/**
 * What was done, by whom: sign-ins (and failures), views of a Scope, exports, loads and
 * withdrawals, changes to accounts. Append-only: a trigger refuses updates, and deletes except by
 * the retention purge. The email is copied, as events outlive accounts.
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: serial("id").primaryKey(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    userId: integer("user_id"),
    email: text("email"),
    action: text("action").notNull(),
    scope: text("scope"),
    detail: jsonb("detail").$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index("audit_events_at").on(t.at), index("audit_events_user").on(t.userId), index("audit_events_action").on(t.action, t.at)],
);
