// Peer benchmarking (docs/metrics.md, "Peers"): an organisation's gap rate against the pooled rate
// of the other organisations of its type, nationally and within its region. Comparators are
// computed from all organisations' data whatever the caller's scope, so a trust sees the same
// comparison as the national team does.
import type { Sql } from "../client";
import { type GapPlan, GEOGRAPHY, type PersonDimension } from "./dimensions";
import type { Cell, CellReader, GapRow, RawCell } from "./gaps";
import { gapRate, type Interval } from "./metrics";
import { publishedRate } from "./suppression";

export type PeerFlag = "better" | "similar" | "worse";
/** What a comparison reads when its pool is too small to publish. */
export const NOT_ENOUGH_PEERS = "not enough organisations to compare";
/** A pool must hold at least this many other organisations (and k respondents) to be shown. */
export const MIN_PEER_ORGANISATIONS = 3;

/** Columns added to a gap table grouped by organisation, after the measures. */
export const PEER_COLUMNS = ["peer_group", "peer_group_name", "peer_rate", "peer_flag", "region_peer_rate", "region_peer_flag"] as const;

export interface Pool {
  organisations: number;
  respondents: number;
  required: number;
  met: number;
}

/**
 * Lower gap rates are better: "better" when the organisation's whole 95% interval lies below the
 * peer rate, "worse" when it lies above, otherwise "similar".
 */
export function peerFlag(ci: Interval, peerRate: number): PeerFlag {
  if (ci.high < peerRate) return "better";
  if (ci.low > peerRate) return "worse";
  return "similar";
}

/**
 * The comparison with the other organisations of a group: the group's totals less the
 * organisation's own. Too small a pool (fewer than 3 other organisations, or k respondents) is
 * not published: its rate would say too much about the few organisations in it.
 */
export function compareWithPool(own: { respondents: number; required: number; met: number; ci: Interval | null }, group: Pool, k: number): { rate: number | null; flag: PeerFlag | typeof NOT_ENOUGH_PEERS | null } {
  const contributes = own.respondents > 0 ? 1 : 0;
  const others: Pool = {
    organisations: group.organisations - contributes,
    respondents: group.respondents - own.respondents,
    required: group.required - own.required,
    met: group.met - own.met,
  };
  const rate = gapRate(others.required, others.met);
  if (others.organisations < MIN_PEER_ORGANISATIONS || others.respondents < k || rate === null) return { rate: null, flag: NOT_ENOUGH_PEERS };
  return { rate, flag: own.ci ? peerFlag(own.ci, rate) : null };
}

const TYPE_NAMES: Record<string, string> = {
  acute: "Acute trusts",
  acute_specialist: "Specialist acute trusts",
  ambulance: "Ambulance trusts",
  community: "Community trusts",
  mental_health: "Mental health trusts",
};

/** Organisation types come from the reference data and have not been checked against ODS: the label says so. */
export function peerGroupName(type: string): string {
  return `${TYPE_NAMES[type] ?? type} (type unverified)`;
}

/**
 * Adds the peer columns to the published rows of a table grouped by organisation. `own` holds the
 * exact cells behind `rows` (same order) with their intervals; `national` reads the same cells for
 * every organisation in England.
 */
export async function addPeerColumns(
  db: Sql,
  plan: GapPlan,
  rows: GapRow[],
  own: { cell: RawCell; ci: Interval | null }[],
  national: CellReader,
  k: number,
): Promise<void> {
  const geography = new Set<string>(GEOGRAPHY);
  const person = plan.person.filter((d) => !geography.has(d));
  const keyDims = [...person, ...plan.framework];
  const filters = Object.fromEntries(Object.entries(plan.filters).filter(([d]) => !geography.has(d))) as Record<string, string>;
  const cells = await national({ by: [...(["region", "organisation"] as PersonDimension[]), ...keyDims], filters });
  const types = new Map((await db.query<{ code: string; org_type: string }>("select code, org_type from organisations")).map((o) => [o.code, o.org_type]));

  const keyOf = (c: Record<string, Cell>) => keyDims.map((d) => String(c[d] ?? "")).join("\x1f");
  const pools = new Map<string, Pool>();
  const regionOf = new Map<string, string>();
  const add = (key: string, c: RawCell) => {
    const pool = pools.get(key) ?? { organisations: 0, respondents: 0, required: 0, met: 0 };
    pool.organisations += c.respondents > 0 ? 1 : 0;
    pool.respondents += c.respondents;
    pool.required += c.required;
    pool.met += c.met;
    pools.set(key, pool);
  };
  for (const c of cells) {
    const type = types.get(String(c.organisation)) ?? "";
    const key = keyOf(c);
    add(`${type}\x1e${key}`, c);
    add(`${type}\x1e${c.region}\x1e${key}`, c);
    regionOf.set(`${c.organisation}\x1e${key}`, String(c.region));
  }

  rows.forEach((row, i) => {
    const { cell, ci } = own[i];
    const type = types.get(String(cell.organisation)) ?? "";
    const key = keyOf(cell);
    if (row.suppressed) {
      for (const c of PEER_COLUMNS) row[c] = null;
      return;
    }
    const mine = { respondents: cell.respondents, required: cell.required, met: cell.met, ci };
    const alone: Pool = { organisations: 1, respondents: cell.respondents, required: cell.required, met: cell.met };
    const nationally = compareWithPool(mine, pools.get(`${type}\x1e${key}`) ?? alone, k);
    const region = regionOf.get(`${cell.organisation}\x1e${key}`);
    const regionally = compareWithPool(mine, pools.get(`${type}\x1e${region}\x1e${key}`) ?? alone, k);
    row.peer_group = type;
    row.peer_group_name = peerGroupName(type);
    row.peer_rate = nationally.rate === null ? null : publishedRate(nationally.rate);
    row.peer_flag = nationally.flag;
    row.region_peer_rate = regionally.rate === null ? null : publishedRate(regionally.rate);
    row.region_peer_flag = regionally.flag;
  });
}
