// Reading a file's header row: personal-data headers are refused before any mapping; then a
// profile renames and ignores source columns; then the layout (long or wide) is detected from
// what is left, or taken from --layout / the profile. Pure.
import type { Problem } from "../../db/problems";
import { isPersonalDataHeader, normaliseHeader } from "../pii";
import { type Column, COLUMNS, type Profile } from "../profile";
import { LONG_REQUIRED } from "./long";
import { WIDE_REQUIRED } from "./wide";

export type Layout = "long" | "wide";

export interface LayoutPlan {
  layout: Layout;
  /** Cells per row, from the header. */
  width: number;
  /** Position of each of our columns in a row; -1 when the file has none. */
  at: Record<Column, number>;
  /** The file's own header for each of our columns, for messages. */
  names: Record<Column, string>;
  /** Wide layout: one entry per capability column. */
  capabilityColumns: { index: number; capabilityId: number; name: string }[];
  /** Columns a profile ignores: screened for personal data, never stored. */
  ignored: { index: number; name: string }[];
}

export interface HeaderContext {
  file: string;
  profile: Profile;
  /** Capability code → id, for the wave's framework. */
  capabilities: Map<string, number>;
  frameworkVersion: string;
  /** --layout long|wide, else the profile's, else detected. */
  layout?: Layout | null;
}

export function mapHeader(header: string[], ctx: HeaderContext): { plan: LayoutPlan } | { problems: Problem[] } {
  const problems: Problem[] = [];
  const bad = (column: string, message: string) => problems.push({ file: ctx.file, row: 1, column, message });
  const at = Object.fromEntries(COLUMNS.map((c) => [c, -1])) as Record<Column, number>;
  const names = { ...(Object.fromEntries(COLUMNS.map((c) => [c, c])) as Record<Column, string>) };
  const capabilityColumns: LayoutPlan["capabilityColumns"] = [];
  const ignored: LayoutPlan["ignored"] = [];
  const unexpected: { index: number; name: string }[] = [];
  const capabilitySeen = new Map<number, string>();

  header.forEach((raw, index) => {
    const name = raw.trim() || `(column ${index + 1}, no name)`;
    const key = normaliseHeader(raw);
    // Before any mapping: a profile cannot rename or ignore personal data into the database.
    if (isPersonalDataHeader(raw)) {
      bad(name, "this column holds personal data, which must never be loaded: remove the column from the export (only the anonymised columns listed in docs/formats.md are accepted)");
      return;
    }
    // Unnamed columns (Excel keeps empty columns at the right as trailing delimiters) can mean
    // nothing: they are screened like ignored ones and never stored.
    if (ctx.profile.ignore.has(key) || key === "") {
      ignored.push({ index, name });
      return;
    }
    const column = ctx.profile.columns.get(key) ?? ((COLUMNS as readonly string[]).includes(key) ? (key as Column) : null);
    if (column) {
      if (at[column] >= 0) bad(name, `column appears twice (as ${names[column]} and ${name}); keep one`);
      else {
        at[column] = index;
        names[column] = name;
      }
      return;
    }
    const code = ctx.profile.capabilities.get(raw.trim()) ?? raw.trim();
    const capabilityId = ctx.capabilities.get(code);
    if (capabilityId !== undefined) {
      const earlier = capabilitySeen.get(capabilityId);
      if (earlier) bad(name, `is capability ${code}, like column ${earlier}; keep one column per capability`);
      else {
        capabilitySeen.set(capabilityId, name);
        capabilityColumns.push({ index, capabilityId, name });
      }
      return;
    }
    unexpected.push({ index, name });
  });

  const layout = ctx.layout ?? ctx.profile.layout ?? detect(at, capabilityColumns.length);
  const ourColumns = "respondent_id, organisation_code, staff_group, archetype, assessed_on, optional band";
  if (!layout) {
    bad("(header)", `cannot tell the layout: expected capability_code and rating columns (long layout) or one column per capability code of framework ${ctx.frameworkVersion} (wide layout), besides ${ourColumns}`);
    return { problems };
  }
  const required: readonly Column[] = layout === "long" ? LONG_REQUIRED : WIDE_REQUIRED;
  for (const { name } of unexpected) {
    bad(name, layout === "long"
      ? `unexpected column; the long layout accepts ${LONG_REQUIRED.join(", ")} and optionally band (a mapping profile can rename or ignore columns)`
      : `unexpected column: neither one of ${ourColumns} nor a capability code of framework ${ctx.frameworkVersion} (a mapping profile can rename or ignore columns)`);
  }
  if (layout === "long") {
    for (const c of capabilityColumns) bad(c.name, "a capability column belongs to the wide layout; in the long layout each rating is a row with capability_code and rating");
  } else {
    for (const column of ["capability_code", "rating"] as const) {
      if (at[column] >= 0) bad(names[column], "belongs to the long layout; in the wide layout each capability has its own column holding the rating");
    }
    if (capabilityColumns.length === 0) bad("(header)", `no capability columns: the wide layout needs one column per capability code of framework ${ctx.frameworkVersion}`);
  }
  for (const column of required) {
    if (at[column] < 0) bad(column, `missing column; the ${layout} layout needs ${required.join(", ")}${layout === "wide" ? " and one column per capability" : ""}`);
  }
  if (problems.length) return { problems };
  return { plan: { layout, width: header.length, at, names, capabilityColumns, ignored } };
}

function detect(at: Record<Column, number>, capabilityColumnCount: number): Layout | null {
  if (at.capability_code >= 0 || at.rating >= 0) return "long";
  if (capabilityColumnCount > 0) return "wide";
  return null;
}
