// Moves one staged, valid file into the assessment tables in a single transaction: the file's
// submissions replace the current ones of each organisation × wave it holds, its scratch files are
// copied straight into ratings, respondents and rollups (COPY, no intermediate table), and the
// wave's dates follow. Either all of it commits or none of it does. Only the ratings are copied
// before the wave's lock is taken, so loads into one wave overlap there (decision 015).
import path from "node:path";
import type { Sql } from "../db/client";
import { InputError, type Problem } from "../db/problems";
import { WAVE_LOCK_CLASS } from "../db/waves";
import { refreshCrosswalkRollups } from "./crosswalk-rollups";
import { deleteRollups, insertRollups } from "./rollups";
import { capabilityOf, ratingOf, RatingSpill } from "./spill";
import {
  ATTAINMENT_ROLLUP_SPILL_COLUMNS,
  CAPABILITY_ROLLUP_SPILL_COLUMNS,
  RESPONDENT_SPILL_COLUMNS,
  ROLLUP_SPILL_COLUMNS,
  type StagedFile,
} from "./stage";
import { createWave, findWave, organisationsNotInWave, refreshWave } from "./waves";

/** Serialises loads into one wave across processes (PostgreSQL); PGlite has one writer anyway. */
export { WAVE_LOCK_CLASS };

export interface LoadRequest {
  staged: StagedFile;
  sha256: string;
  waveLabel: string;
  frameworkId: number;
  synthetic: boolean;
  startedAt: number;
  /** Mapping profile name, if any. */
  profile: string | null;
}

export type LoadOutcome =
  | { kind: "loaded"; batchId: number; rows: number; respondents: number; organisations: string[]; replaced: number; superseded: string[] }
  | { kind: "already-loaded"; message: string };

/** Is this exact content already in the database? Returns the message to print, or null. */
export async function alreadyLoaded(tx: Sql, sha256: string, waveLabel: string): Promise<string | null> {
  const [batch] = await tx.query<{ id: number; label: string; statuses: string[]; by_file: string | null; ended_at: string | null }>(
    `select b.id, w.label, array_agg(distinct s.status) as statuses,
       (select nb.file_name from batches nb where nb.id = max(s.superseded_by_batch_id)) as by_file,
       to_char(max(s.ended_at), 'YYYY-MM-DD HH24:MI') as ended_at
     from batches b join waves w on w.id = b.wave_id join submissions s on s.batch_id = b.id
     where b.sha256 = $1 group by b.id, w.label order by b.id desc limit 1`,
    [sha256],
  );
  if (!batch) return null;
  if (batch.label !== waveLabel) {
    throw new InputError(
      `This file's content was already loaded as wave ${batch.label}; the same export cannot belong to two waves. ` +
        `Check --wave, or load it again only after withdrawing it from ${batch.label}.`,
    );
  }
  if (batch.statuses.includes("current")) return "already loaded (current) — nothing changed";
  if (batch.statuses.includes("superseded")) {
    return `already loaded (superseded by ${batch.by_file ?? "a later file"} on ${batch.ended_at}) — nothing changed`;
  }
  return null; // withdrawn: loading it again is a deliberate reinstatement
}

export async function loadStaged(tx: Sql, req: LoadRequest): Promise<LoadOutcome> {
  const { staged } = req;
  const file = path.basename(staged.file);
  const respondents = staged.respondents;
  // Respondent ids come from the table's own sequence, so concurrent loads never collide; the
  // file's respondent numbers map to them when the ratings are copied.
  const [{ ids }] = await tx.query<{ ids: number[] }>(
    "select coalesce(array_agg(nextval(pg_get_serial_sequence('respondents', 'id'))::int), '{}') as ids from generate_series(1, $1)",
    [respondents],
  );
  const idOf = Int32Array.from(ids);
  // The ratings, the bulk of the work, are copied before the wave's lock is taken: they carry no
  // foreign key and their respondents' ids are already theirs, so another file's load into the
  // same wave can hold the lock meanwhile (decision 015). Nothing is visible before the commit.
  await tx.query("savepoint ratings_copied");
  await tx.copyBinary("ratings", ["respondent_id", "capability_id", "rating"], ratingTuples(staged.ratings, idOf));
  await tx.query("select pg_advisory_xact_lock($1, hashtext($2))", [WAVE_LOCK_CLASS, req.waveLabel]);
  const again = await alreadyLoaded(tx, req.sha256, req.waveLabel);
  if (again) {
    // The same content loaded by another process while this one copied: its ratings go.
    await tx.query("rollback to savepoint ratings_copied");
    return { kind: "already-loaded", message: again };
  }

  let wave = await findWave(tx, req.waveLabel);
  const waveId = wave ? wave.id : await createWave(tx, req.waveLabel, req.frameworkId, staged.dates);
  wave ??= await findWave(tx, req.waveLabel);
  if (wave!.status !== "open") {
    throw new InputError(
      `Wave ${req.waveLabel} is ${wave!.status}: its data are final. Reopen it with ` +
        `\`npm run wave -- set ${req.waveLabel} --status open\` if this file really belongs to it.`,
    );
  }
  const organisations = [...staged.organisations.keys()].sort();
  const [{ id: batchId }] = await tx.query<{ id: number }>(
    `insert into batches (file_name, sha256, wave_id, rows, ratings, respondents, layout, source_format, profile, synthetic, seconds)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0) returning id`,
    [file, req.sha256, waveId, staged.rows, staged.ratingCount, respondents, staged.layout, staged.format, req.profile, req.synthetic],
  );
  // The files whose submissions this one replaces are named in the outcome and the audit log.
  const replaced = await tx.query<{ id: number; file: string }>(
    `with replaced as (
       update submissions set status = 'superseded', superseded_by_batch_id = $1, ended_at = now()
       where wave_id = $2 and organisation_code = any($3::text[]) and status = 'current' returning id, batch_id)
     select r.id, b.file_name as file from replaced r join batches b on b.id = r.batch_id`,
    [batchId, waveId, organisations],
  );
  await deleteSubmissionData(tx, replaced.map((r) => r.id));
  const counts = organisations.map((o) => staged.organisations.get(o)!);
  // Each submission carries its data quality from the stage (decision 021): nothing more to compute here.
  const submissions = await tx.query<{ id: number; organisation_code: string }>(
    `insert into submissions (batch_id, wave_id, organisation_code, rows, respondents, required_capabilities, required_answered, straight_lining, no_required)
     select $1, $2, o.code, o.rows, o.respondents, o.required_capabilities, o.required_answered, o.straight_lining, o.no_required
     from unnest($3::text[], $4::int[], $5::int[], $6::int[], $7::int[], $8::int[], $9::int[])
       as o(code, rows, respondents, required_capabilities, required_answered, straight_lining, no_required)
     returning id, organisation_code`,
    [
      batchId, waveId, organisations, counts.map((c) => c.rows), counts.map((c) => c.respondents),
      counts.map((c) => c.quality.requiredCapabilities), counts.map((c) => c.quality.requiredAnswered),
      counts.map((c) => c.quality.straightLining), counts.map((c) => c.quality.noRequired),
    ],
  );
  const months = submissions.flatMap((s) => [...staged.organisations.get(s.organisation_code)!.months].map(([month, n]) => ({ id: s.id, month, n })));
  await tx.query(
    // Months as text: postgres.js's date parameter type does not take an array.
    "insert into submission_months (submission_id, month, respondents) select s, m::date, n from unnest($1::int[], $2::text[], $3::int[]) as u(s, m, n)",
    [months.map((m) => m.id), months.map((m) => m.month), months.map((m) => m.n)],
  );
  const submissionOf = new Map(submissions.map((s) => [s.organisation_code, s.id]));
  await tx.copyCsv(
    "respondents",
    ["id", "submission_id", "wave_id", ...RESPONDENT_SPILL_COLUMNS],
    respondentRows(staged, idOf, submissionOf, waveId),
  );
  await deleteRollups(tx, waveId, organisations);
  if (staged.rollupLines && staged.capabilityRollupLines && staged.attainmentRollupLines) {
    await tx.copyCsv("rollups", ["wave_id", ...ROLLUP_SPILL_COLUMNS], prefixed(staged.rollupLines.lines(), `${waveId},`));
    await tx.copyCsv(
      "capability_rollups",
      ["wave_id", ...CAPABILITY_ROLLUP_SPILL_COLUMNS],
      prefixed(staged.capabilityRollupLines.lines(), `${waveId},`),
    );
    await tx.copyCsv(
      "attainment_rollups",
      ["wave_id", ...ATTAINMENT_ROLLUP_SPILL_COLUMNS],
      prefixed(staged.attainmentRollupLines.lines(), `${waveId},`),
    );
  } else {
    await insertRollups(
      tx,
      waveId,
      `(select r.organisation_code, r.staff_group_code, r.archetype_code, r.band_code, r.pseudonym, t.capability_id, t.rating
        from ratings t join respondents r on r.id = t.respondent_id
        where r.submission_id in (${submissions.map((s) => Number(s.id)).join(", ")}))`,
    );
  }
  await tx.query(
    `insert into respondent_counts (wave_id, organisation_code, staff_group_code, archetype_code, band_code, respondents)
     select $1, organisation_code, staff_group_code, archetype_code, band_code, count(*)::int
     from respondents where submission_id = any($2::int[])
     group by organisation_code, staff_group_code, archetype_code, band_code`,
    [waveId, submissions.map((s) => s.id)],
  );
  await refreshCrosswalkRollups(tx, waveId, organisations);
  await refreshWave(tx, waveId, staged.dates);
  await checkOrganisationsOpen(tx, waveId, req.waveLabel, staged, file);
  await tx.query("update batches set seconds = $2 where id = $1", [batchId, (Date.now() - req.startedAt) / 1000]);
  return { kind: "loaded", batchId, rows: staged.rows, respondents, organisations, replaced: replaced.length, superseded: [...new Set(replaced.map((r) => r.file))].sort() };
}

/** The staged respondents as CSV lines for COPY into respondents, with their new ids and submissions. */
function* respondentRows(staged: StagedFile, idOf: Int32Array, submissionOf: Map<string, number>, waveId: number): Generator<string> {
  let text = "";
  let i = 0;
  for (const line of staged.respondentLines.lines()) {
    const organisation = line.slice(0, line.indexOf(","));
    text += `${idOf[i++]},${submissionOf.get(organisation)},${waveId},${line}\n`;
    if (text.length >= 1 << 16) {
      yield text;
      text = "";
    }
  }
  if (text) yield text;
}

/** The staged ratings as binary COPY tuples for ratings (respondent_id, capability_id, rating). */
function* ratingTuples(spill: RatingSpill, idOf: Int32Array): Generator<Uint8Array> {
  for (const block of spill.blocks()) {
    const out = Buffer.allocUnsafe((block.length / RatingSpill.FIELDS) * 24);
    // A DataView (big-endian by default): about ten times faster than Buffer#writeInt32BE here.
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    let o = 0;
    for (let i = 0; i < block.length; i += 3) {
      view.setInt16(o, 3); // fields
      view.setInt32(o + 2, 4);
      view.setInt32(o + 6, idOf[block[i + 1] - 1]);
      view.setInt32(o + 10, 4);
      view.setInt32(o + 14, capabilityOf(block[i + 2]));
      view.setInt32(o + 18, 2);
      view.setInt16(o + 22, ratingOf(block[i + 2]));
      o += 24;
    }
    yield out;
  }
}

/** Lines with a prefix and a line end, in COPY-sized chunks. */
function* prefixed(lines: Iterable<string>, prefix: string): Generator<string> {
  let text = "";
  for (const line of lines) {
    text += `${prefix}${line}\n`;
    if (text.length >= 1 << 16) {
      yield text;
      text = "";
    }
  }
  if (text) yield text;
}

/** Deletes the ratings and respondents of submissions (ratings first: they carry no foreign key). */
export async function deleteSubmissionData(tx: Sql, submissionIds: number[]): Promise<void> {
  if (submissionIds.length === 0) return;
  await tx.query(
    `delete from ratings where respondent_id in (select id from respondents where submission_id = any($1::int[]))`,
    [submissionIds],
  );
  await tx.query("delete from respondents where submission_id = any($1::int[])", [submissionIds]);
}

async function checkOrganisationsOpen(tx: Sql, waveId: number, label: string, staged: StagedFile, file: string) {
  const outside = await organisationsNotInWave(tx, waveId);
  if (!outside.length) return;
  const [{ reference_date }] = await tx.query<{ reference_date: string }>(
    "select reference_date from waves where id = $1",
    [waveId],
  );
  const problems: Problem[] = outside
    .filter((o) => staged.organisations.has(o.code))
    .map((o) => ({
      file,
      row: staged.organisations.get(o.code)!.firstRow,
      column: "organisation_code",
      message: `organisation ${o.code} ${o.reason} on wave ${label}'s reference date ${reference_date}; every figure for a wave uses membership on that date`,
    }));
  const others = outside.filter((o) => !staged.organisations.has(o.code));
  if (others.length) {
    problems.push({
      file,
      message:
        `loading this file would move wave ${label}'s reference date to ${reference_date}, when ` +
        `${others.map((o) => `${o.code} (${o.reason})`).join(", ")} already loaded for the wave would be outside it; ` +
        `fix the date with \`npm run wave -- set ${label} --reference-date YYYY-MM-DD\``,
    });
  }
  throw new InputError(`${file} was not loaded.`, problems);
}
