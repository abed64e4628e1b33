// Export layout v1 ("long"): one row per respondent × capability. See docs/formats.md.
import type { Problem } from "../../db/problems";
import { isPersonalDataHeader, normaliseHeader } from "../pii";

export const LONG_REQUIRED = [
  "respondent_id",
  "organisation_code",
  "staff_group",
  "archetype",
  "assessed_on",
  "capability_code",
  "rating",
] as const;
export const LONG_OPTIONAL = ["band"] as const;

export type LongColumn = (typeof LONG_REQUIRED)[number] | (typeof LONG_OPTIONAL)[number];
/** Position of each column in the file's rows; band is -1 when the file has none. */
export type LongColumns = Record<LongColumn, number>;

/** Maps a header row to column positions, or explains why the file cannot be read as layout v1. */
export function mapLongHeader(header: string[], file: string): { columns: LongColumns } | { problems: Problem[] } {
  const problems: Problem[] = [];
  const accepted = [...LONG_REQUIRED, ...LONG_OPTIONAL];
  const names = header.map(normaliseHeader);
  header.forEach((raw, i) => {
    if (isPersonalDataHeader(raw)) {
      problems.push({
        file,
        row: 1,
        column: raw.trim(),
        message:
          "this column holds personal data, which must never be loaded: remove the column from the export " +
          "(only the anonymised columns listed in docs/formats.md are accepted)",
      });
    } else if (!(accepted as readonly string[]).includes(names[i])) {
      problems.push({
        file,
        row: 1,
        column: raw.trim() || `(column ${i + 1}, no name)`,
        message: `unexpected column; layout v1 accepts ${LONG_REQUIRED.join(", ")} and optionally band`,
      });
    }
  });
  const seen = new Set<string>();
  names.forEach((n, i) => {
    if (seen.has(n) && (accepted as readonly string[]).includes(n)) {
      problems.push({ file, row: 1, column: header[i].trim(), message: "column appears twice" });
    }
    seen.add(n);
  });
  for (const required of LONG_REQUIRED) {
    if (!names.includes(required)) {
      problems.push({ file, row: 1, column: required, message: `missing column; layout v1 needs ${LONG_REQUIRED.join(", ")}` });
    }
  }
  if (problems.length) return { problems };
  const at = (name: string) => names.indexOf(name);
  return {
    columns: Object.fromEntries(accepted.map((name) => [name, at(name)])) as LongColumns,
  };
}
