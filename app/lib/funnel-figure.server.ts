// The funnel plot of an area's organisations against every organisation in England, and the rows
// of its table, from queryFunnel (suppression and rounding applied there).
import type { Filters } from "~db/analytics/dimensions";
import { queryFunnel, queryGaps } from "~db/analytics/gaps";
import { NATIONAL } from "~db/analytics/scope";
import type { Sql } from "~db/client";
import { type FunnelPoint, renderFunnel } from "~/charts/funnel.server";

export interface FunnelRow extends FunnelPoint {
  limitLow: number;
  limitHigh: number;
}

export interface FunnelFigure {
  chart: string;
  /** The area's organisations with a published point, by gap rate (largest first). */
  rows: FunnelRow[];
}

/** The funnel of `wave`'s gap rate, the area (`filters`: one region or ICB) highlighted. */
export async function funnelFigure(db: Sql, wave: string, area: { name: string; filters: Filters }): Promise<FunnelFigure> {
  const funnel = await queryFunnel(db, NATIONAL, { wave });
  const inArea = new Set(
    (await queryGaps(db, NATIONAL, { by: ["organisation"], filters: { ...area.filters, wave } })).rows.map((r) => String(r.organisation)),
  );
  const rows: FunnelRow[] = funnel.rows
    .filter((r) => r.suppressed === false && typeof r.gap_rate === "number")
    .map((r) => ({
      organisation: String(r.organisation),
      name: String(r.organisation_name),
      respondents: Number(r.respondents),
      gapRate: Number(r.gap_rate),
      flag: String(r.funnel_flag),
      inArea: inArea.has(String(r.organisation)),
      limitLow: Number(r.limit95_low),
      limitHigh: Number(r.limit95_high),
    }));
  const basis = funnel.meta.funnel!;
  const title = `Gap rate against respondents: ${area.name}'s organisations among all in England`;
  const chart =
    basis.p0 === null || basis.sigma1 === null
      ? renderFunnel({ id: "funnel", title, area: area.name, points: [], basis: { p0: 0, sigma1: 0, phi: 1 } })
      : renderFunnel({ id: "funnel", title, area: area.name, points: rows, basis: { p0: basis.p0, sigma1: basis.sigma1, phi: basis.phi } });
  return { chart, rows: rows.filter((r) => r.inArea).sort((a, b) => b.gapRate - a.gapRate) };
}
