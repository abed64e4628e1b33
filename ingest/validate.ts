// Row-local validation rules, for every layout. Pure: cells in, clean values or problems out.
// A respondent's columns are checked once per respondent (validateRespondent); each rating on its
// own (validateCapability, validateRating). Problems may quote coded values (codes, ratings,
// dates) but never a respondent id, nor any value that looks like personal data.
import type { Problem } from "../db/problems";
import type { LayoutPlan } from "./layouts/header";
import { personalDataKind } from "./pii";
import { type DateFormat, parseDate, type Profile } from "./profile";
import { lookupArchetype, lookupBand, lookupStaffGroup, nameKey, type Vocabulary } from "./vocabulary";

export interface Respondent {
  respondentId: string;
  organisationCode: string;
  staffGroupCode: string;
  archetypeCode: string;
  bandCode: string | null;
  assessedOn: string;
}

export interface ValidRow extends Respondent {
  capabilityId: number;
  rating: number;
}

export function isIsoDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && parseDate(value, "YYYY-MM-DD") === value;
}

/**
 * Quotes a value for a message: shortened, and never if it looks like personal data (except a
 * date where a date belongs: assessed_on).
 */
export function quote(value: string, dateColumn = false): string {
  const kind = personalDataKind(value);
  if (kind && !(dateColumn && kind.startsWith("dates"))) return `(a value that looks like personal data: ${kind})`;
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}…` : value);
}

export interface RowContext {
  file: string;
  row: number;
  today: string;
}

type Columns = Pick<LayoutPlan, "at" | "names">;

const DATE_EXAMPLE: Record<DateFormat, string> = {
  "YYYY-MM-DD": "2026-06-15",
  "DD/MM/YYYY": "15/06/2026",
  "MM/DD/YYYY": "06/15/2026",
};

export function validateRespondent(
  cells: string[],
  plan: Columns,
  vocab: Vocabulary,
  profile: Profile,
  ctx: RowContext,
): { respondent: Respondent; problems: null } | { respondent: null; problems: Problem[] } {
  const problems: Problem[] = [];
  const bad = (column: keyof Columns["at"], message: string) =>
    problems.push({ file: ctx.file, row: ctx.row, column: plan.names[column], message });
  const cell = (column: keyof Columns["at"]) => {
    const i = plan.at[column];
    return i >= 0 ? (cells[i] ?? "").trim() : "";
  };

  const respondentId = cell("respondent_id");
  if (!respondentId) bad("respondent_id", "empty; every row needs the respondent's local id");

  const organisationCode = organisationCodeOf(cell("organisation_code"));
  if (!organisationCode) bad("organisation_code", "empty; expected the trust's ODS code, e.g. RX1");
  else if (!vocab.organisations.has(organisationCode)) {
    bad("organisation_code", `unknown organisation ${quote(organisationCode)}; expected an ODS code of an English NHS trust`);
  }

  const staffGroupRaw = cell("staff_group");
  const staffGroupCode = lookupStaffGroup(vocab, profile.staffGroups.get(nameKey(staffGroupRaw)) ?? staffGroupRaw);
  if (!staffGroupCode) {
    bad("staff_group", `${staffGroupRaw ? `unknown staff group ${quote(staffGroupRaw)}` : "empty"}; expected an ESR staff group such as "Nursing and Midwifery Registered"${profile.name ? ` or a local name listed in profile ${profile.name}` : ""}`);
  }

  const archetypeRaw = cell("archetype");
  const archetypeCode = lookupArchetype(vocab, profile.archetypes.get(nameKey(archetypeRaw)) ?? archetypeRaw);
  if (!archetypeCode) {
    bad("archetype", `${archetypeRaw ? `unknown archetype ${quote(archetypeRaw)}` : "empty"}; expected S, D, C, E or U, or Shapers, Drivers, Creators, Embedders or Users`);
  }

  const bandRaw = cell("band");
  const bandCode = bandRaw ? lookupBand(vocab, bandRaw) : null;
  if (bandCode === undefined) bad("band", `unknown band ${quote(bandRaw)}; expected an Agenda for Change band such as "Band 5" or "8a", or an empty cell`);

  const assessedRaw = cell("assessed_on");
  const assessedOn = parseDate(assessedRaw, profile.dateFormat);
  if (!assessedOn) {
    bad("assessed_on", `${assessedRaw ? quote(assessedRaw, true) : "empty"} is not a date; expected ${profile.dateFormat}, e.g. ${DATE_EXAMPLE[profile.dateFormat]}`);
  } else if (assessedOn > ctx.today) bad("assessed_on", `${assessedOn} is in the future; expected the date the assessment was completed`);

  if (problems.length) return { respondent: null, problems };
  return {
    respondent: {
      respondentId,
      organisationCode,
      staffGroupCode: staffGroupCode!,
      archetypeCode: archetypeCode!,
      bandCode: bandCode ?? null,
      assessedOn: assessedOn!,
    },
    problems: null,
  };
}

/** A capability id, or why the cell is not a capability code (long layout). */
export function validateCapability(raw: string, vocab: Vocabulary, profile: Profile): number | string {
  const value = raw.trim();
  const id = vocab.capabilities.get(profile.capabilities.get(value) ?? value);
  if (id !== undefined) return id;
  return `${value ? `unknown capability ${quote(value)}` : "empty"}; expected a capability code of framework ${vocab.frameworkVersion}${profile.capabilities.size ? ` or a question id listed in profile ${profile.name}` : ""}`;
}

/** A rating on the framework's scale, or why the cell is not one. */
export function validateRating(raw: string, vocab: Vocabulary, profile: Profile): number | string {
  const value = raw.trim();
  const rating = /^\d+$/.test(value) ? Number(value) : (profile.ratings.get(nameKey(value)) ?? NaN);
  if (rating >= vocab.scaleMin && rating <= vocab.scaleMax) return rating;
  const labels = profile.ratings.size ? ` or one of profile ${profile.name}'s answer labels` : "";
  return `${value ? quote(value) : "empty"} is not a rating; expected a whole number from ${vocab.scaleMin} (not yet) to ${vocab.scaleMax} (expert)${labels}`;
}

/** A whole long-layout row: the respondent's columns and its one rating. */
export function validateLongRow(
  cells: string[],
  plan: Columns,
  vocab: Vocabulary,
  profile: Profile,
  ctx: RowContext,
): { row: ValidRow; problems: null } | { row: null; problems: Problem[] } {
  const result = validateRespondent(cells, plan, vocab, profile, ctx);
  const problems = result.problems ?? [];
  const capabilityId = validateCapability(cells[plan.at.capability_code] ?? "", vocab, profile);
  if (typeof capabilityId === "string") problems.push({ file: ctx.file, row: ctx.row, column: plan.names.capability_code, message: capabilityId });
  const rating = validateRating(cells[plan.at.rating] ?? "", vocab, profile);
  if (typeof rating === "string") problems.push({ file: ctx.file, row: ctx.row, column: plan.names.rating, message: rating });
  if (problems.length) return { row: null, problems };
  return { row: { ...result.respondent!, capabilityId: capabilityId as number, rating: rating as number }, problems: null };
}

/** An organisation cell as the code it stands for: ODS codes are upper case, spaces around ignored. */
export function organisationCodeOf(cell: string): string {
  return cell.trim().toUpperCase();
}
