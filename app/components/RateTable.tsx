// Gap rates of one dimension as a table: respondents, gap rate and its 95% interval, with
// suppressed and missing figures spelled out. The same rows a bar chart draws (app/charts/bars.server.ts).
import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import type { RateBar } from "~/lib/bar-labels";
import { formatCount, formatPercent } from "~/lib/format";
import { DataTable } from "./DataTable";

const note = (text: string) => <span className="app-cell-note">{text}</span>;

/** Respondents, gap rate and interval of a row, as table cells. */
export function rateCells(b: RateBar): ReactNode[] {
  if (b.state === "suppressed") return [note("suppressed"), note("suppressed"), note("suppressed")];
  return [
    b.respondents === null ? note("no data") : formatCount(b.respondents),
    b.rate === null ? note("no data") : formatPercent(b.rate),
    b.low === null || b.high === null ? note("no data") : `${formatPercent(b.low)} to ${formatPercent(b.high)}`,
  ];
}

export interface ExtraColumn<T> {
  key: string;
  header: string;
  cell: (row: T) => ReactNode;
  numeric?: boolean;
}

export function RateTable<T extends RateBar & { href?: string }>({
  id,
  caption,
  rowHeader,
  rows,
  weighted = false,
  extra = [],
}: {
  id: string;
  caption: ReactNode;
  rowHeader: string;
  rows: T[];
  /** The rates are weighted to the workforce in post: the headers say so. */
  weighted?: boolean;
  extra?: ExtraColumn<T>[];
}) {
  return (
    <DataTable
      id={id}
      caption={caption}
      rowHeader={rowHeader}
      columns={[
        { key: "respondents", header: "Respondents", numeric: true },
        { key: "rate", header: weighted ? "Weighted gap rate" : "Gap rate", numeric: true },
        { key: "interval", header: "95% interval", numeric: true },
        ...extra.map((e) => ({ key: e.key, header: e.header, numeric: e.numeric })),
      ]}
      rows={rows.map((r) => ({
        key: r.code,
        header: r.href ? <Link to={r.href}>{r.name}</Link> : r.name,
        cells: [...rateCells(r), ...extra.map((e) => e.cell(r))],
      }))}
    />
  );
}
