// Row-local validation rules for layout v1. Pure: cells in, a clean record or problems out.
// Problems may quote coded values (codes, ratings, dates) but never a respondent id.
import type { Problem } from "../db/problems";
import type { LongColumns } from "./layouts/long";
import { lookupArchetype, lookupBand, lookupStaffGroup, type Vocabulary } from "./vocabulary";

export interface ValidRow {
  respondentId: string;
  organisationCode: string;
  staffGroupCode: string;
  archetypeCode: string;
  bandCode: string | null;
  assessedOn: string;
  capabilityId: number;
  rating: number;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** Shortens a quoted value so a message stays readable whatever a cell holds. */
function quote(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}…` : value);
}

export interface RowContext {
  file: string;
  row: number;
  today: string;
}

export function validateLongRow(
  cells: string[],
  columns: LongColumns,
  vocab: Vocabulary,
  ctx: RowContext,
): { row: ValidRow; problems: null } | { row: null; problems: Problem[] } {
  const problems: Problem[] = [];
  const bad = (column: string, message: string) => problems.push({ file: ctx.file, row: ctx.row, column, message });
  const cell = (i: number) => (i >= 0 ? (cells[i] ?? "").trim() : "");

  const respondentId = cell(columns.respondent_id);
  if (!respondentId) bad("respondent_id", "empty; every row needs the respondent's local id");

  const organisationCode = cell(columns.organisation_code).toUpperCase();
  if (!organisationCode) bad("organisation_code", "empty; expected the trust's ODS code, e.g. RX1");
  else if (!vocab.organisations.has(organisationCode)) {
    bad("organisation_code", `unknown organisation ${quote(organisationCode)}; expected an ODS code of an English NHS trust`);
  }

  const staffGroupRaw = cell(columns.staff_group);
  const staffGroupCode = lookupStaffGroup(vocab, staffGroupRaw);
  if (!staffGroupCode) {
    bad("staff_group", `${staffGroupRaw ? `unknown staff group ${quote(staffGroupRaw)}` : "empty"}; expected an ESR staff group such as "Nursing and Midwifery Registered"`);
  }

  const archetypeRaw = cell(columns.archetype);
  const archetypeCode = lookupArchetype(vocab, archetypeRaw);
  if (!archetypeCode) {
    bad("archetype", `${archetypeRaw ? `unknown archetype ${quote(archetypeRaw)}` : "empty"}; expected S, D, C, E or U, or Shapers, Drivers, Creators, Embedders or Users`);
  }

  const bandRaw = cell(columns.band);
  const bandCode = bandRaw ? lookupBand(vocab, bandRaw) : null;
  if (bandCode === undefined) bad("band", `unknown band ${quote(bandRaw)}; expected an Agenda for Change band such as "Band 5" or "8a", or an empty cell`);

  const assessedOn = cell(columns.assessed_on);
  if (!isIsoDate(assessedOn)) bad("assessed_on", `${assessedOn ? quote(assessedOn) : "empty"} is not a date; expected YYYY-MM-DD, e.g. 2026-06-15`);
  else if (assessedOn > ctx.today) bad("assessed_on", `${assessedOn} is in the future; expected the date the assessment was completed`);

  const capabilityCode = cell(columns.capability_code);
  const capabilityId = vocab.capabilities.get(capabilityCode);
  if (capabilityId === undefined) {
    bad("capability_code", `${capabilityCode ? `unknown capability ${quote(capabilityCode)}` : "empty"}; expected a capability code of framework ${vocab.frameworkVersion}`);
  }

  const ratingRaw = cell(columns.rating);
  const rating = /^\d+$/.test(ratingRaw) ? Number(ratingRaw) : NaN;
  if (!(rating >= vocab.scaleMin && rating <= vocab.scaleMax)) {
    bad("rating", `${ratingRaw ? quote(ratingRaw) : "empty"} is not a rating; expected a whole number from ${vocab.scaleMin} (not yet) to ${vocab.scaleMax} (expert)`);
  }

  if (problems.length) return { row: null, problems };
  return {
    row: {
      respondentId,
      organisationCode,
      staffGroupCode: staffGroupCode!,
      archetypeCode: archetypeCode!,
      bandCode: bandCode ?? null,
      assessedOn,
      capabilityId: capabilityId!,
      rating,
    },
    problems: null,
  };
}
