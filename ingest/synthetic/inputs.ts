/**
 * Reads the project's reference CSVs into the plain inputs the (pure)
 * synthetic generator needs. All file access for synthetic data lives here so
 * generate.ts stays testable with small in-code inputs.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import type {
  SyntheticCapability,
  SyntheticInputs,
  SyntheticOrganisation,
  SyntheticStaffGroup,
} from "./generate";

export const REFERENCE_PATHS = {
  trusts: "db/reference/nhs_trusts_england.csv",
  staffGroups: "db/reference/esr_staff_groups.csv",
  bands: "db/reference/afc_bands.csv",
  capabilities: "db/framework/ai-dht-2023-illustrative/capabilities.csv",
} as const;

/**
 * Approximate share of NHS trust headcount by ESR staff group. The published
 * workforce table (nhs_workforce_main_staff_groups.csv) uses different
 * categories (e.g. "Support to ST&T staff"), so these are a judgement-based
 * mapping of it onto the 9 ESR groups, rounded. Only relative sizes matter.
 */
const STAFF_GROUP_WEIGHTS: Record<string, number> = {
  "Nursing and Midwifery Registered": 26,
  "Additional Clinical Services": 24,
  "Administrative and Clerical": 24,
  "Medical and Dental": 10,
  "Add Prof Scientific and Technic": 7,
  "Allied Health Professionals": 6,
  "Estates and Ancillary": 2.5,
  "Healthcare Scientists": 1.5,
  Students: 0.5,
};

/** ESR truncates names to 30 characters; some trusts export the full name instead. */
const STAFF_GROUP_LONG_NAMES: Record<string, string> = {
  "Add Prof Scientific and Technic": "Additional Professional Scientific and Technical",
};

type CsvRecord = Record<string, string>;

function readCsv(root: string, relPath: string, required: readonly string[]): CsvRecord[] {
  const text = readFileSync(join(root, relPath), "utf8");
  const records = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as CsvRecord[];
  const first = records[0];
  for (const col of required) {
    if (!first || !(col in first)) throw new Error(`${relPath}: missing column "${col}" (or no rows)`);
  }
  return records;
}

/** "20241101" → "2024-11-01"; the reference file stores ODS dates without separators. */
function yyyymmddToIso(value: string, where: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  if (!m) throw new Error(`${where}: expected a YYYYMMDD date, got "${value}"`);
  return `${m[1]}-${m[2]}-${m[3]}`;
}

export function loadOrganisations(root: string = process.cwd()): SyntheticOrganisation[] {
  const cols = ["ods_code", "region_code", "trust_type", "ods_open_date", "status_2026_07"];
  return readCsv(root, REFERENCE_PATHS.trusts, cols).map((r) => {
    const code = r.ods_code!;
    const status = r.status_2026_07!;
    let closedOn: string | null = null;
    if (status !== "open") {
      // e.g. "closed_20260331": the trust's last day, as recorded in the reference data.
      const m = /^closed_(\d{8})$/.exec(status);
      if (!m) throw new Error(`${REFERENCE_PATHS.trusts}: ${code} has unknown status "${status}"`);
      closedOn = yyyymmddToIso(m[1]!, `${code} status`);
    }
    return {
      code,
      regionCode: r.region_code!,
      type: r.trust_type!,
      openedOn: yyyymmddToIso(r.ods_open_date!, `${code} ods_open_date`),
      closedOn,
    };
  });
}

export function loadStaffGroups(root: string = process.cwd()): SyntheticStaffGroup[] {
  return readCsv(root, REFERENCE_PATHS.staffGroups, ["esr_staff_group"]).map((r) => {
    const name = r.esr_staff_group!;
    const weight = STAFF_GROUP_WEIGHTS[name];
    // A new ESR group we have no figure for still appears, but rarely.
    return { name, longName: STAFF_GROUP_LONG_NAMES[name] ?? name, weight: weight ?? 0.5 };
  });
}

export function loadBands(root: string = process.cwd()): string[] {
  return readCsv(root, REFERENCE_PATHS.bands, ["band"]).map((r) => r.band!);
}

export function loadCapabilities(root: string = process.cwd()): SyntheticCapability[] {
  const rows = readCsv(root, REFERENCE_PATHS.capabilities, ["code", "node_code", "level", "archetypes"]);
  return rows.map((r) => {
    const level = Number(r.level);
    if (!Number.isInteger(level) || level < 1) {
      throw new Error(`${REFERENCE_PATHS.capabilities}: ${r.code} has invalid level "${r.level}"`);
    }
    // Tolerate "S;D;U" as well as "SDU": keep only the archetype letters.
    const archetypes = r.archetypes!.toUpperCase().replace(/[^SDCEU]/g, "");
    return { code: r.code!, domainCode: r.node_code!.split(".")[0]!, level, archetypes };
  });
}

export interface LoadOptions {
  /** Set false to skip the framework file (e.g. before it has been written). Default true. */
  capabilities?: boolean;
}

export function loadSyntheticInputs(root: string = process.cwd(), options: LoadOptions = {}): SyntheticInputs {
  return {
    organisations: loadOrganisations(root),
    capabilities: options.capabilities === false ? [] : loadCapabilities(root),
    staffGroups: loadStaffGroups(root),
    bands: loadBands(root),
  };
}
