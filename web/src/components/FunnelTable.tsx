import type { FunnelRow } from '../../../contract';
import { formatNumber } from '../format';
import { formatDuration, formatRate } from '../behaviour-text';
import { WithCsv } from './DownloadCsv';

/** One breakdown of the funnel (by category, brand, day or hour): counts and rates per group, as the job wrote them. */
export const FunnelTable = ({ title, unit, rows, group, limit }: { title: string; unit: string; rows: FunnelRow[]; group: (row: FunnelRow) => string; limit?: number }) => {
  const shown = limit === undefined ? rows : rows.slice(0, limit);
  return (
    <figure className="card breakdown" data-breakdown={title}>
      <figcaption>
        {title}
        {shown.length < rows.length && <span className="hint"> (the {shown.length} viewed by the most {unit}s; the job keeps {rows.length})</span>}
      </figcaption>
      {rows.length === 0 ? (
        <p className="hint">No data yet.</p>
      ) : (
        <WithCsv name={`Funnel ${title.toLowerCase()} (${unit}s)`}>
          <div className="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">Group</th>
                  <th scope="col">Viewed</th>
                  <th scope="col">Carted</th>
                  <th scope="col">Bought</th>
                  <th scope="col">View → cart</th>
                  <th scope="col">Cart → purchase</th>
                  <th scope="col">Cart abandonment</th>
                  <th scope="col">Median view → cart</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((row) => (
                  <tr key={group(row)}>
                    <th scope="row">{group(row)}</th>
                    <td>{formatNumber(row.reached.view)}</td>
                    <td>{formatNumber(row.reached.cart)}</td>
                    <td>{formatNumber(row.reached.purchase)}</td>
                    <td>{formatRate(row.conversion.view_to_cart)}</td>
                    <td>{formatRate(row.conversion.cart_to_purchase)}</td>
                    <td>{formatRate(row.cart_abandonment)}</td>
                    <td>{formatDuration(row.median_seconds.view_to_cart)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </WithCsv>
      )}
    </figure>
  );
};
