// Mapping profiles: how one source system's export maps onto our columns and codes (renamed
// columns, rating labels, question ids, local staff-group names, date format). A profile is a
// small JSON file in ingest/profiles/ (or anywhere, by path); see docs/formats.md.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { SetupError } from "../db/migrate";
import { normaliseHeader } from "./pii";
import { nameKey } from "./vocabulary";

export const COLUMNS = [
  "respondent_id",
  "organisation_code",
  "staff_group",
  "archetype",
  "assessed_on",
  "band",
  "capability_code",
  "rating",
] as const;
export type Column = (typeof COLUMNS)[number];

export const DATE_FORMATS = ["YYYY-MM-DD", "DD/MM/YYYY", "MM/DD/YYYY"] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

/** A parsed profile, with lookups keyed the way values are compared. */
export interface Profile {
  name: string;
  description: string;
  layout: "long" | "wide" | null;
  /** normaliseHeader(source header) → our column. */
  columns: Map<string, Column>;
  /** normaliseHeader(source header) of columns that are read, screened for personal data and dropped. */
  ignore: Set<string>;
  /** Source question id (exact, trimmed) → capability code; in wide files, the column header. */
  capabilities: Map<string, string>;
  /** nameKey(label) → rating. */
  ratings: Map<string, number>;
  /** nameKey(local name) → ESR staff group (code or name, looked up as usual). */
  staffGroups: Map<string, string>;
  /** nameKey(local name) → archetype (code or name). */
  archetypes: Map<string, string>;
  dateFormat: DateFormat;
  /** Source columns named in "ignore", as written. */
  ignoreNames: string[];
  /** Our value → the source's spelling (the first listed), for writing files in this profile. */
  reverse: {
    columns: Map<Column, string>;
    capabilities: Map<string, string>;
    ratings: Map<number, string>;
    /** nameKey(our staff group or archetype as the profile writes it) → local name. */
    staffGroups: Map<string, string>;
    archetypes: Map<string, string>;
  };
}

/** The profile that changes nothing: our own layouts as documented. */
export const NO_PROFILE: Profile = {
  name: "",
  description: "",
  layout: null,
  columns: new Map(),
  ignore: new Set(),
  capabilities: new Map(),
  ratings: new Map(),
  staffGroups: new Map(),
  archetypes: new Map(),
  dateFormat: "YYYY-MM-DD",
  ignoreNames: [],
  reverse: { columns: new Map(), capabilities: new Map(), ratings: new Map(), staffGroups: new Map(), archetypes: new Map() },
};

export const PROFILES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "profiles");

/** `--profile <name>` reads ingest/profiles/<name>.json; a value ending in .json is a path. */
export function loadProfile(nameOrPath: string): Profile {
  const file = nameOrPath.endsWith(".json") ? path.resolve(nameOrPath) : path.join(PROFILES_DIR, `${nameOrPath}.json`);
  if (!existsSync(file)) {
    throw new SetupError(
      `No mapping profile ${nameOrPath}: ${file} does not exist. Profiles shipped: ${shippedProfiles().join(", ") || "none"}; ` +
        "or give the path of your own profile ending in .json (docs/formats.md describes the format).",
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new SetupError(`Mapping profile ${file} is not valid JSON: ${(error as Error).message}`);
  }
  return parseProfile(json, path.basename(file));
}

export function shippedProfiles(): string[] {
  if (!existsSync(PROFILES_DIR)) return [];
  return readdirSync(PROFILES_DIR)
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -5))
    .sort();
}

/** Checks a profile's JSON and builds its lookups. Pure; throws SetupError naming the key at fault. */
export function parseProfile(json: unknown, source: string): Profile {
  const fail = (key: string, expected: string): never => {
    throw new SetupError(`Mapping profile ${source}: "${key}" ${expected}`);
  };
  if (!isObject(json)) return fail("(top level)", "must be a JSON object");
  const known = ["name", "description", "layout", "columns", "ignore", "capabilities", "ratings", "staff_groups", "archetypes", "date_format"];
  for (const key of Object.keys(json)) {
    if (!known.includes(key)) fail(key, `is not a profile key; expected one of ${known.join(", ")}`);
  }
  const text = (key: string) => {
    const v = json[key];
    if (v === undefined) return "";
    return typeof v === "string" ? v : fail(key, "must be a string");
  };
  const record = (key: string): Record<string, unknown> => {
    const v = json[key];
    if (v === undefined) return {};
    return isObject(v) ? v : fail(key, "must be an object mapping source values to ours");
  };
  const strings = (key: string) =>
    Object.entries(record(key)).map(([from, to]) => {
      if (typeof to !== "string" || !to.trim()) fail(`${key}.${from}`, "must map to a non-empty string");
      return [from, (to as string).trim()] as const;
    });

  const layout = json.layout ?? null;
  if (layout !== null && layout !== "long" && layout !== "wide") fail("layout", 'must be "long" or "wide"');

  const columns = new Map<string, Column>();
  for (const [from, to] of strings("columns")) {
    if (!(COLUMNS as readonly string[]).includes(to)) fail(`columns.${from}`, `maps to ${JSON.stringify(to)}; expected one of ${COLUMNS.join(", ")}`);
    if ([...columns.values()].includes(to as Column)) fail(`columns.${from}`, `maps to ${to}, which another source column already maps to`);
    // Headers compare ignoring case and punctuation, so two such spellings are one source column.
    if (columns.has(normaliseHeader(from))) fail(`columns.${from}`, "is the same source column as another entry (names compare ignoring case and punctuation)");
    columns.set(normaliseHeader(from), to as Column);
  }

  const ignoreList = json.ignore ?? [];
  if (!Array.isArray(ignoreList) || ignoreList.some((v) => typeof v !== "string")) fail("ignore", "must be a list of source column names");
  const ignore = new Set((ignoreList as string[]).map(normaliseHeader));
  for (const name of ignore) if (columns.has(name)) fail("ignore", `lists ${name}, which "columns" maps; a column is either mapped or ignored`);

  const ratings = new Map<string, number>();
  for (const [label, value] of Object.entries(record("ratings"))) {
    if (typeof value !== "number" || !Number.isInteger(value)) fail(`ratings.${label}`, "must map to a whole-number rating");
    ratings.set(nameKey(label), value as number);
  }

  const dateFormat = (json.date_format ?? "YYYY-MM-DD") as DateFormat;
  if (!DATE_FORMATS.includes(dateFormat)) fail("date_format", `must be one of ${DATE_FORMATS.join(", ")}`);

  const firstOf = <K, V>(pairs: (readonly [V, K])[]) => {
    const map = new Map<K, V>();
    for (const [from, to] of pairs) if (!map.has(to)) map.set(to, from);
    return map;
  };
  return {
    name: text("name") || source.replace(/\.json$/, ""),
    description: text("description"),
    layout: layout as Profile["layout"],
    columns,
    ignore,
    capabilities: new Map(strings("capabilities").map(([from, to]) => [from.trim(), to])),
    ratings,
    staffGroups: new Map(strings("staff_groups").map(([from, to]) => [nameKey(from), to])),
    archetypes: new Map(strings("archetypes").map(([from, to]) => [nameKey(from), to])),
    dateFormat,
    ignoreNames: ignoreList as string[],
    reverse: {
      columns: firstOf(strings("columns").map(([from, to]) => [from, to as Column] as const)),
      capabilities: firstOf(strings("capabilities")),
      ratings: firstOf(Object.entries(record("ratings")).map(([label, value]) => [label, value as number] as const)),
      staffGroups: firstOf(strings("staff_groups").map(([from, to]) => [from, nameKey(to)] as const)),
      archetypes: firstOf(strings("archetypes").map(([from, to]) => [from, nameKey(to)] as const)),
    },
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * A date as YYYY-MM-DD, read in the profile's format; a time after the date (survey tools add
 * one) is ignored. Null when the value is not a real calendar date in that format.
 */
export function parseDate(value: string, format: DateFormat): string | null {
  const v = value.trim();
  let y: string, m: string, d: string;
  let hour: string | undefined, minute: string | undefined, second: string | undefined;
  if (format === "YYYY-MM-DD") {
    const match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(v);
    if (!match) return null;
    [, y, m, d, hour, minute, second] = match;
  } else {
    const match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:,? (\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(v);
    if (!match) return null;
    [d, m] = format === "DD/MM/YYYY" ? [match[1], match[2]] : [match[2], match[1]];
    [, , , y, hour, minute, second] = match;
  }
  // A time is not stored, but an impossible one means the cell is not what it seems.
  if (hour !== undefined && (Number(hour) > 23 || Number(minute) > 59 || Number(second ?? 0) > 59)) return null;
  const iso = `${y}-${m.padStart(2, "0")}-${d.padStart(2, "0")}`;
  const date = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === iso ? iso : null;
}
