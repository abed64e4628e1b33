// The figures behind a heatmap as a table: one row per Region/Organisation/StaffGroup, one
// column per Domain, with suppressed and missing cells spelled out rather than left blank.
import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import type { GapMatrix, MatrixCell } from "~/lib/gap-matrix";
import { formatPercent } from "~/lib/format";
import type { Downloads as Links } from "~/lib/downloads";
import { DataTable } from "./DataTable";
import { Downloads } from "./Downloads";

export function gapCellText(cell: MatrixCell): ReactNode {
  if (cell.state === "suppressed") return <span className="app-cell-note">suppressed</span>;
  if (cell.state === "no-data" || cell.gapRate === null) return <span className="app-cell-note">no data</span>;
  return formatPercent(cell.gapRate);
}

export function GapMatrixTable({ id, caption, matrix, downloads }: { id: string; caption: ReactNode; matrix: GapMatrix; downloads?: Links }) {
  return (
    <>
      <DataTable
        id={id}
        className="app-table--matrix"
        caption={caption}
        rowHeader={matrix.rowNoun}
        columns={matrix.columns.map((c) => ({ key: c.code, header: `${c.code}. ${c.name}`, numeric: true }))}
        rows={matrix.rows.map((r) => ({
          key: r.code,
          header: r.href ? <Link to={r.href}>{r.name}</Link> : r.name,
          cells: r.cells.map(gapCellText),
        }))}
      />
      {downloads ? <Downloads links={downloads} what="this table" /> : null}
    </>
  );
}
