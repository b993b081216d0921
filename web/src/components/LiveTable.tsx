/**
 * The Live page's building blocks: a section card with its heading, and a table whose rows are headed by their
 * first cell; a table with no rows is replaced by one sentence saying why it is empty.
 */
import type { ReactNode } from 'react';

export interface Row {
  key: string;
  /** The first cell heads its row. */
  cells: ReactNode[];
}

export const LiveCard = ({ id, title, children }: { id: string; title: string; children: ReactNode }) => (
  <section className="card" aria-labelledby={`${id}-title`} data-card={id}>
    <h2 id={`${id}-title`}>{title}</h2>
    {children}
  </section>
);

/** `empty`: the one sentence shown instead of a table with no rows (why there are none). */
export const LiveTable = ({ caption, columns, rows, empty }: { caption: string; columns: string[]; rows: Row[]; empty: string }) =>
  rows.length === 0 ? (
    <p className="hint" data-empty={caption}>
      {empty}
    </p>
  ) : (
    <div className="table-scroll">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map(({ key, cells: [head, ...rest] }) => (
            <tr key={key}>
              <th scope="row">{head}</th>
              {rest.map((cell, i) => (
                <td key={i}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
