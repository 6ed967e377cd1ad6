/** A plain data table whose first cell in each row is the row header, as the Activity view's tables all are. */
import type { ReactNode } from 'react';

export interface DataRow {
  key: string | number;
  /** The first cell names the row (a minute, a class, a credential); the rest are its values. */
  cells: readonly ReactNode[];
}

export interface DataTableProps {
  /** Read by screen readers only: the figure or section around the table already shows a visible title. */
  caption?: string;
  columns: readonly string[];
  rows: readonly DataRow[];
}

export function DataTable({ caption, columns, rows }: DataTableProps) {
  return (
    <table>
      {caption ? <caption className="sr-only">{caption}</caption> : null}
      <thead>
        <tr>
          {columns.map((c, i) => (
            <th key={i} scope="col">
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.key}>
            {row.cells.map((cell, i) =>
              i === 0 ? (
                <th key={i} scope="row">
                  {cell}
                </th>
              ) : (
                <td key={i}>{cell}</td>
              ),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
