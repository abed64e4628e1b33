// The numbers behind the funnel plot for an area's organisations: respondents, gap rate, the 95%
// limits at that many respondents, and where the organisation lies, in words.
import { Link } from "@remix-run/react";
import type { FunnelRow } from "~/lib/funnel-figure.server";
import { formatCount, formatPercent } from "~/lib/format";
import { DataTable } from "./DataTable";

/** `query` is the page's normal query string, kept on the links to organisations. */
export function FunnelTable({ rows, area, query }: { rows: FunnelRow[]; area: string; query: string }) {
  return (
    <DataTable
      id="funnel-table"
      caption={`Organisations in ${area} against England's funnel limits`}
      rowHeader="Organisation"
      columns={[
        { key: "respondents", header: "Respondents", numeric: true },
        { key: "gap", header: "Gap rate", numeric: true },
        { key: "limits", header: "95% limits", numeric: true },
        { key: "flag", header: "Against the limits" },
      ]}
      rows={rows.map((r) => ({
        key: r.organisation,
        header: <Link to={`/organisations/${r.organisation}${query}`}>{r.name}</Link>,
        cells: [formatCount(r.respondents), formatPercent(r.gapRate), `${formatPercent(r.limitLow)} to ${formatPercent(r.limitHigh)}`, r.flag],
      }))}
    />
  );
}
