import { useId, type ReactNode } from 'react';
import { WithCsv } from './DownloadCsv';

export interface Column<T> {
  label: string;
  value: (row: T) => string;
}

/** A chart with its caption and, for screen readers and exact numbers, the data as a table (and as a CSV download). */
export const ChartFigure = <T,>({ title, rows, columns, children, wide }: { title: string; rows: T[]; columns: Column<T>[]; children: ReactNode; wide?: boolean }) => {
  const captionId = useId();
  return (
    <figure className={`card chart${wide ? ' chart-wide' : ''}`} aria-labelledby={captionId} data-chart={title}>
      <figcaption id={captionId}>{title}</figcaption>
      {rows.length === 0 ? <p className="hint">No data yet.</p> : children}
      {rows.length > 0 && (
        <WithCsv name={title}>
          <details>
            <summary>Show data</summary>
            <table>
              <thead>
                <tr>
                  {columns.map((c) => (
                    <th key={c.label} scope="col">
                      {c.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((row, i) => (
                  <tr key={i}>
                    {columns.map((c) => (
                      <td key={c.label}>{c.value(row)}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </WithCsv>
      )}
    </figure>
  );
};
