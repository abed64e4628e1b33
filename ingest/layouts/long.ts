// Long layout (v1): one row per respondent × capability, with capability_code and rating
// columns. See docs/formats.md.
import type { Column } from "../profile";

export const LONG_REQUIRED = [
  "respondent_id",
  "organisation_code",
  "staff_group",
  "archetype",
  "assessed_on",
  "capability_code",
  "rating",
] as const satisfies readonly Column[];
