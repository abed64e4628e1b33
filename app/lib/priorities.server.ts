// The commissioning-priority list as a page shows it: the top of the ranked list for an area, and
// the links that download the whole list. Figures come from queryPriorities (suppression,
// borrowing, rounding); this module only picks and shapes rows.
import { QueryError } from "~db/analytics/dimensions";
import type { Filters } from "~db/analytics/dimensions";
import { queryPriorities } from "~db/analytics/priorities";
import { NATIONAL } from "~db/analytics/scope";
import type { Sql } from "~db/client";
import { type Downloads, downloadLinks } from "./downloads";

export interface PriorityRow {
  rank: number;
  capability: string;
  capabilityName: string;
  staffGroupName: string;
  headcount: number;
  staffBelow: number;
  low: number;
  high: number;
  organisations: number;
  borrowed: number;
}

export interface PriorityList {
  rows: PriorityRow[];
  /** Ranked rows in the whole list (the page shows the first few). */
  total: number;
  downloads: Downloads;
}

/** The first `top` rows of an area's list, or why there is none (no headcount for the wave). */
export async function priorityList(db: Sql, filters: Filters & { wave: string }, top = 20): Promise<PriorityList | { unavailable: string }> {
  let table;
  try {
    table = await queryPriorities(db, NATIONAL, filters);
  } catch (error) {
    if (error instanceof QueryError) return { unavailable: error.message };
    throw error;
  }
  const ranked = table.rows.filter((r) => r.rank !== null);
  return {
    rows: ranked.slice(0, top).map((r) => ({
      rank: Number(r.rank),
      capability: String(r.capability),
      capabilityName: String(r.capability_name),
      staffGroupName: String(r.staff_group_name),
      headcount: Number(r.headcount),
      staffBelow: Number(r.staff_below),
      low: Number(r.staff_below_low),
      high: Number(r.staff_below_high),
      organisations: Number(r.organisations),
      borrowed: Number(r.organisations_borrowed),
    })),
    total: ranked.length,
    downloads: downloadLinks("/api/priorities", filters),
  };
}
