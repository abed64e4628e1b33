/**
 * Writes a generated export the way real source systems do: long or wide layout, through a
 * mapping profile (their column names, answer labels, question ids, local staff-group names and
 * date format), in Excel's encodings and delimiters, or as Arrow IPC. Each shape reads back to
 * the same ratings, which is what the ingest tests check.
 */
import { Table, tableToIPC, Utf8, type Vector, vectorFromArray } from "apache-arrow";
import { type Column, NO_PROFILE, type Profile } from "../profile";
import { normaliseHeader } from "../pii";
import { nameKey } from "../vocabulary";
import { ARCHETYPES, type GeneratedExport, type LongRow, type SyntheticStaffGroup } from "./generate";

export const ENCODINGS = ["utf-8", "utf-8-bom", "windows-1252", "utf-16le"] as const;
export type Encoding = (typeof ENCODINGS)[number];
export const DELIMITERS = { comma: ",", semicolon: ";", tab: "\t" } as const;

export interface ExportShape {
  layout: "long" | "wide";
  profile: Profile;
  encoding: Encoding;
  delimiter: "," | ";" | "\t";
  /** arrow: IPC file format (.arrow); arrow-stream: IPC stream format (.arrows). */
  format: "csv" | "arrow" | "arrow-stream";
}

export const PLAIN_SHAPE: ExportShape = { layout: "long", profile: NO_PROFILE, encoding: "utf-8", delimiter: ",", format: "csv" };

export interface ShapeContext {
  /** Every capability code of the framework, in order: the wide layout's columns. */
  capabilityCodes: string[];
  staffGroups: SyntheticStaffGroup[];
}

/** Plausible values for the columns the shipped profiles ignore. */
const IGNORED_VALUES: Record<string, string[]> = {
  collector: ["Web link 1", "Email invitation"],
  language: ["English"],
  course: ["AI and digital capability self-assessment – 2026"],
  attempt: ["1", "2"],
};

const RESPONDENT_COLUMNS: Column[] = ["respondent_id", "organisation_code", "staff_group", "archetype", "assessed_on", "band"];

/** The export as a header and rows of text cells ("" = empty), in the shape's layout and profile. */
export function shapeRows(exp: GeneratedExport, shape: ExportShape, ctx: ShapeContext): { header: string[]; rows: string[][] } {
  const { profile } = shape;
  const name = (c: Column) => profile.reverse.columns.get(c) ?? c;
  const respondentColumns = RESPONDENT_COLUMNS.filter((c) => c !== "band" || exp.hasBand);
  const ignored = profile.ignoreNames;
  const ignoredCell = (column: string, i: number) => {
    const values = IGNORED_VALUES[normaliseHeader(column)] ?? ["n/a"];
    return values[i % values.length];
  };
  const staffGroup = localStaffGroup(profile, ctx.staffGroups);
  const archetype = (value: string) => {
    if (!profile.reverse.archetypes.size) return value;
    const code = archetypeCode(value);
    const local = profile.reverse.archetypes.get(nameKey(code));
    if (!local) throw new Error(`profile ${profile.name} has no local name for archetype ${code}`);
    return local;
  };
  const respondentCells = (r: LongRow, i: number) =>
    respondentColumns.map((c) => {
      switch (c) {
        case "staff_group": return staffGroup(r.staff_group);
        case "archetype": return archetype(r.archetype);
        case "assessed_on": return formatDate(r.assessed_on, profile.dateFormat, i);
        case "band": return r.band ?? "";
        default: return String(r[c as "respondent_id" | "organisation_code"]);
      }
    });
  const rating = (n: number) => profile.reverse.ratings.get(n) ?? String(n);
  const capability = (code: string) => profile.reverse.capabilities.get(code) ?? code;

  if (shape.layout === "long") {
    // Band last, as layout v1 has always been written (and as the fixture files are).
    const band = exp.hasBand ? 1 : 0;
    const header = [...respondentColumns.slice(0, 5).map(name), name("capability_code"), name("rating"), ...respondentColumns.slice(5).map(name), ...ignored];
    const rows = exp.rows.map((r, i) => {
      const cells = respondentCells(r, i);
      return [...cells.slice(0, 5), capability(r.capability_code), rating(r.rating), ...cells.slice(5, 5 + band), ...ignored.map((c) => ignoredCell(c, i))];
    });
    return { header, rows };
  }
  const header = [...respondentColumns.map(name), ...ctx.capabilityCodes.map(capability), ...ignored];
  const column = new Map(ctx.capabilityCodes.map((code, i) => [code, respondentColumns.length + i]));
  const rows: string[][] = [];
  let current: string[] | null = null;
  let currentKey = "";
  exp.rows.forEach((r, i) => {
    const key = `${r.organisation_code}\x1f${r.respondent_id}`;
    if (key !== currentKey) {
      currentKey = key;
      current = [...respondentCells(r, rows.length), ...ctx.capabilityCodes.map(() => ""), ...ignored.map((c) => ignoredCell(c, i))];
      rows.push(current);
    }
    current![column.get(r.capability_code)!] = rating(r.rating);
  });
  return { header, rows };
}

function archetypeCode(value: string): string {
  const key = nameKey(value);
  const plural = ["shapers", "drivers", "creators", "embedders", "users"];
  const i = ARCHETYPES.findIndex((code, j) => nameKey(code) === key || plural[j] === key || plural[j].replace(/s$/, "") === key);
  return i >= 0 ? ARCHETYPES[i] : value;
}

/** Our staff group (ESR or long name) → the profile's local name. */
function localStaffGroup(profile: Profile, groups: SyntheticStaffGroup[]) {
  return (value: string) => {
    if (!profile.reverse.staffGroups.size) return value;
    const key = nameKey(value);
    const group = groups.find((g) => nameKey(g.name) === key || nameKey(g.longName) === key);
    const local = group && (profile.reverse.staffGroups.get(nameKey(group.name)) ?? profile.reverse.staffGroups.get(nameKey(group.longName)));
    if (!local) throw new Error(`profile ${profile.name} has no local name for staff group ${value}`);
    return local;
  };
}

/** An ISO date in the profile's format; survey tools add a time of day, so DD/MM and MM/DD get one. */
function formatDate(iso: string, format: Profile["dateFormat"], i: number): string {
  if (format === "YYYY-MM-DD") return iso;
  const [y, m, d] = iso.split("-");
  const time = `${String(8 + (i % 10)).padStart(2, "0")}:${String((i * 7) % 60).padStart(2, "0")}`;
  return format === "DD/MM/YYYY" ? `${d}/${m}/${y} ${time}` : `${m}/${d}/${y} ${time}`;
}

/** CSV text: fields quoted only where needed; CRLF for Excel's own encodings, as Excel writes. */
export function toDelimited(table: { header: string[]; rows: string[][] }, delimiter: string, crlf: boolean): string {
  const special = new RegExp(`["\\r\\n${delimiter === "\t" ? "\\t" : delimiter}]|^\\s|\\s$`);
  const field = (s: string) => (special.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const eol = crlf ? "\r\n" : "\n";
  return [table.header, ...table.rows].map((r) => r.map(field).join(delimiter)).join(eol) + eol;
}

// Windows-1252 code points outside Latin-1 (0x80–0x9F), for the characters exports actually hold.
const CP1252_EXTRA: Record<string, number> = { "€": 0x80, "‘": 0x91, "’": 0x92, "“": 0x93, "”": 0x94, "–": 0x96, "—": 0x97 };

export function encodeText(text: string, encoding: Encoding): Buffer {
  switch (encoding) {
    case "utf-8": return Buffer.from(text, "utf8");
    case "utf-8-bom": return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, "utf8")]);
    case "utf-16le": return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    case "windows-1252": {
      const bytes = Buffer.alloc(text.length);
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        const b = c < 0x80 || (c >= 0xa0 && c <= 0xff) ? c : CP1252_EXTRA[text[i]];
        if (b === undefined) throw new Error(`${JSON.stringify(text[i])} cannot be written in Windows-1252`);
        bytes[i] = b;
      }
      return bytes;
    }
  }
}

/** Arrow IPC file with every column as nullable text (empty cells null), as pandas writes object columns. */
export function toArrow(table: { header: string[]; rows: string[][] }, ipc: "file" | "stream" = "file"): Uint8Array {
  const columns: Record<string, Vector<Utf8>> = Object.fromEntries(
    table.header.map((h, j) => [h, vectorFromArray(table.rows.map((r) => (r[j] === "" ? null : r[j])), new Utf8())]),
  );
  return tableToIPC(new Table(columns), ipc);
}

/** A generated export as plain layout-v1 text (long, UTF-8, comma, LF): what the fixtures and demo load. */
export function plainCsv(exp: GeneratedExport): string {
  return toDelimited(shapeRows(exp, PLAIN_SHAPE, { capabilityCodes: [], staffGroups: [] }), ",", false);
}

/** The file's bytes and extension for a generated export in a shape. */
export function shapeFile(exp: GeneratedExport, shape: ExportShape, ctx: ShapeContext): { extension: string; bytes: Uint8Array } {
  const table = shapeRows(exp, shape, ctx);
  if (shape.format === "arrow") return { extension: ".arrow", bytes: toArrow(table, "file") };
  if (shape.format === "arrow-stream") return { extension: ".arrows", bytes: toArrow(table, "stream") };
  const excel = shape.encoding === "windows-1252" || shape.encoding === "utf-16le";
  const text = toDelimited(table, shape.delimiter, excel);
  return { extension: shape.encoding === "utf-16le" ? ".txt" : ".csv", bytes: encodeText(text, shape.encoding) };
}
