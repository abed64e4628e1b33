// An NHS.UK table with a caption, column and row headers (scope), right-aligned tabular numbers,
// and a keyboard-scrollable wrapper for narrow screens.
import type { ReactNode } from "react";

export interface TableColumn {
  key: string;
  header: ReactNode;
  numeric?: boolean;
}

export interface TableRow {
  key: string;
  /** The row header cell (first column). */
  header: ReactNode;
  cells: ReactNode[];
}

export interface DataTableProps {
  id: string;
  caption: ReactNode;
  /** Header of the row-header column, then one per data column. */
  rowHeader: ReactNode;
  columns: TableColumn[];
  rows: TableRow[];
  /** Extra class on the table, e.g. "app-table--matrix" for wide row names. */
  className?: string;
}

export function DataTable({ id, caption, rowHeader, columns, rows, className }: DataTableProps) {
  const captionId = `${id}-caption`;
  return (
    // Focusable so keyboard users can scroll a wide table; labelled by its caption.
    <div className="app-table-scroll" role="region" aria-labelledby={captionId} tabIndex={0}>
      <table className={`nhsuk-table app-table--numbers${className ? ` ${className}` : ""}`} id={id}>
        <caption className="nhsuk-table__caption nhsuk-table__caption--s" id={captionId}>
          {caption}
        </caption>
        <thead className="nhsuk-table__head">
          <tr className="nhsuk-table__row">
            <th className="nhsuk-table__header" scope="col">
              {rowHeader}
            </th>
            {columns.map((c) => (
              <th className={`nhsuk-table__header${c.numeric ? " nhsuk-table__header--numeric" : ""}`} scope="col" key={c.key}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="nhsuk-table__body">
          {rows.map((r) => (
            <tr className="nhsuk-table__row" key={r.key}>
              <th className="nhsuk-table__header" scope="row">
                {r.header}
              </th>
              {r.cells.map((cell, i) => (
                <td className={`nhsuk-table__cell${columns[i]?.numeric ? " nhsuk-table__cell--numeric" : ""}`} key={columns[i]?.key ?? i}>
                  {cell}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
