// Wide layout: one row per respondent, with a column per capability code holding the rating; an
// empty cell means the capability was not asked. See docs/formats.md.
import type { Column } from "../profile";

export const WIDE_REQUIRED = [
  "respondent_id",
  "organisation_code",
  "staff_group",
  "archetype",
  "assessed_on",
] as const satisfies readonly Column[];
