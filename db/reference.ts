// Loads the reference data shipped in db/reference/ (regions, ICBs, organisations with dated
// membership, staff groups, bands, archetypes). Idempotent: skipped when the files are unchanged.
import { readFileSync } from "node:fs";
import type { Sql } from "./client";
import { dbPath, readCsvRecords, sha256 } from "./files";

const FILES = [
  "nhs_england_regions.csv",
  "icbs_2025.csv",
  "icbs_2026.csv",
  "nhs_trusts_england.csv",
  "staff_groups.csv",
  "ai_dht_framework_archetypes.csv",
] as const;

/** ICBs were established on 1 July 2022 and many merged on 1 April 2026. */
export const ICB_START = "2022-07-01";
export const ICB_MERGER_DATE = "2026-04-01";
const DAY_BEFORE_MERGER = "2026-03-31";

/** Agenda for Change bands in pay order; code is what follows "Band ". */
export const BAND_CODES = ["1", "2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9"];

export interface ReferenceData {
  regions: { code: string; name: string; onsCode: string }[];
  icbs: { code: string; name: string; regionCode: string; validFrom: string; validTo: string | null }[];
  organisations: { code: string; name: string; orgType: string; openedOn: string; closedOn: string | null }[];
  memberships: {
    organisationCode: string;
    icbCode: string;
    regionCode: string;
    validFrom: string;
    validTo: string | null;
  }[];
  staffGroups: { code: string; name: string; longName: string }[];
  archetypes: { code: string; name: string }[];
}

const read = (file: string) => readCsvRecords(dbPath("reference", file));
const isoFromYmd = (ymd: string) => `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}`;

/** Turns the shipped files into rows, resolving the April 2026 ICB changes into dated membership. */
export function readReferenceData(): ReferenceData {
  const regions = read("nhs_england_regions.csv").map((r) => ({
    code: r.region_code,
    name: r.region_name,
    onsCode: r.ons_code_nhser19,
  }));
  const before = read("icbs_2025.csv");
  const after = read("icbs_2026.csv");
  const afterByCode = new Map(after.map((r) => [r.icb_code, r]));
  const beforeCodes = new Set(before.map((r) => r.icb_code));
  const icbs = [
    ...before.map((r) => {
      const continues = afterByCode.get(r.icb_code);
      return {
        code: r.icb_code,
        name: (continues ?? r).icb_name,
        regionCode: (continues ?? r).region_code,
        validFrom: ICB_START,
        validTo: continues ? null : DAY_BEFORE_MERGER,
      };
    }),
    ...after
      .filter((r) => !beforeCodes.has(r.icb_code))
      .map((r) => ({
        code: r.icb_code,
        name: r.icb_name,
        regionCode: r.region_code,
        validFrom: ICB_MERGER_DATE,
        validTo: null,
      })),
  ];
  const regionOfIcbAfter = new Map(after.map((r) => [r.icb_code, r.region_code]));

  const organisations: ReferenceData["organisations"] = [];
  const memberships: ReferenceData["memberships"] = [];
  for (const t of read("nhs_trusts_england.csv")) {
    const closedOn = t.status_2026_07.startsWith("closed_") ? isoFromYmd(t.status_2026_07.slice(7)) : null;
    organisations.push({
      code: t.ods_code,
      name: t.name_2026_07_if_changed || t.name,
      orgType: t.trust_type,
      openedOn: isoFromYmd(t.ods_open_date),
      closedOn,
    });
    const laterIcb = t.icb_code_2026_07;
    const laterRegion = regionOfIcbAfter.get(laterIcb) ?? t.region_code;
    const moves = laterIcb !== t.icb_code || laterRegion !== t.region_code;
    const closesBeforeMerger = closedOn !== null && closedOn < ICB_MERGER_DATE;
    const split = moves && !closesBeforeMerger;
    memberships.push({
      organisationCode: t.ods_code,
      icbCode: t.icb_code,
      regionCode: t.region_code,
      validFrom: ICB_START,
      validTo: split ? DAY_BEFORE_MERGER : null,
    });
    if (split) {
      memberships.push({
        organisationCode: t.ods_code,
        icbCode: laterIcb,
        regionCode: laterRegion,
        validFrom: ICB_MERGER_DATE,
        validTo: null,
      });
    }
  }
  const staffGroups = read("staff_groups.csv").map((r) => ({
    code: r.code,
    name: r.esr_name,
    longName: r.long_name,
  }));
  const archetypes = read("ai_dht_framework_archetypes.csv").map((r) => ({ code: r.code, name: r.name }));
  return { regions, icbs, organisations, memberships, staffGroups, archetypes };
}

function referenceSha256(): string {
  return sha256(...FILES.map((f) => readFileSync(dbPath("reference", f))), BAND_CODES.join(","));
}

/**
 * Upserts the reference data when the shipped files changed since the last load.
 * Call inside the setup transaction (which holds the setup lock).
 */
export async function loadReferenceData(tx: Sql): Promise<boolean> {
  const hash = referenceSha256();
  const [loaded] = await tx.query<{ sha256: string }>(
    "select sha256 from reference_loads where dataset = 'reference'",
  );
  if (loaded?.sha256 === hash) return false;
  const ref = readReferenceData();
  const json = (rows: unknown[]) => [JSON.stringify(rows)];
  await tx.query(
    `insert into regions (code, name, ons_code)
     select code, name, "onsCode" from json_to_recordset($1::json) as x(code text, name text, "onsCode" text)
     on conflict (code) do update set name = excluded.name, ons_code = excluded.ons_code`,
    json(ref.regions),
  );
  await tx.query(
    `insert into icbs (code, name, region_code, valid_from, valid_to)
     select code, name, "regionCode", "validFrom", "validTo"
     from json_to_recordset($1::json) as x(code text, name text, "regionCode" text, "validFrom" date, "validTo" date)
     on conflict (code) do update set name = excluded.name, region_code = excluded.region_code,
       valid_from = excluded.valid_from, valid_to = excluded.valid_to`,
    json(ref.icbs),
  );
  await tx.query(
    `insert into organisations (code, name, org_type, opened_on, closed_on)
     select code, name, "orgType", "openedOn", "closedOn"
     from json_to_recordset($1::json) as x(code text, name text, "orgType" text, "openedOn" date, "closedOn" date)
     on conflict (code) do update set name = excluded.name, org_type = excluded.org_type,
       opened_on = excluded.opened_on, closed_on = excluded.closed_on`,
    json(ref.organisations),
  );
  await tx.query("delete from organisation_memberships");
  await tx.query(
    `insert into organisation_memberships (organisation_code, icb_code, region_code, valid_from, valid_to)
     select "organisationCode", "icbCode", "regionCode", "validFrom", "validTo"
     from json_to_recordset($1::json)
       as x("organisationCode" text, "icbCode" text, "regionCode" text, "validFrom" date, "validTo" date)`,
    json(ref.memberships),
  );
  await tx.query(
    `insert into staff_groups (code, name, long_name, sort_order)
     select code, name, "longName", "sortOrder"
     from json_to_recordset($1::json) as x(code text, name text, "longName" text, "sortOrder" int)
     on conflict (code) do update set name = excluded.name, long_name = excluded.long_name,
       sort_order = excluded.sort_order`,
    json(ref.staffGroups.map((g, i) => ({ ...g, sortOrder: i + 1 }))),
  );
  await tx.query(
    `insert into archetypes (code, name, sort_order)
     select code, name, "sortOrder" from json_to_recordset($1::json) as x(code text, name text, "sortOrder" int)
     on conflict (code) do update set name = excluded.name, sort_order = excluded.sort_order`,
    json(ref.archetypes.map((a, i) => ({ ...a, sortOrder: i + 1 }))),
  );
  await tx.query(
    `insert into bands (code, name, sort_order)
     select code, 'Band ' || code, ord::int from unnest($1::text[]) with ordinality as x(code, ord)
     on conflict (code) do update set name = excluded.name, sort_order = excluded.sort_order`,
    [BAND_CODES],
  );
  await tx.query(
    `insert into reference_loads (dataset, sha256) values ('reference', $1)
     on conflict (dataset) do update set sha256 = excluded.sha256, loaded_at = now()`,
    [hash],
  );
  return true;
}
