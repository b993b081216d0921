import { useEffect, useState } from 'react';
import type { CustomerBehaviourResponse } from '../../../contract';
import type { ApiClient, Failure } from '../api';
import { formatDuration } from '../behaviour-text';
import { formatCategory, formatCount, formatMoney, formatNumber } from '../format';
import { saveFile } from './DownloadCsv';

type View = { state: 'loading' } | { state: 'done'; data: CustomerBehaviourResponse } | ({ state: 'error' } & Failure);


const sessionsText = (d: CustomerBehaviourResponse): string =>
  d.sessions_total === 0
    ? 'No sessions of this customer are in the data.'
    : d.sessions_total > d.recent_sessions.length
      ? `The newest ${d.recent_sessions.length} of ${formatCount(d.sessions_total, 'session')}.`
      : `All ${formatNumber(d.sessions_total)} session${d.sessions_total === 1 ? '' : 's'}.`;

/** A customer's top categories and recent sessions, beside their top-3 products, exportable as JSON or CSV. */
export const CustomerBehaviour = ({ api, userId }: { api: ApiClient; userId: string }) => {
  const [view, setView] = useState<View>({ state: 'loading' });
  const [exportError, setExportError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setView({ state: 'loading' });
    void api.behaviour.customer(userId).then((r) => live && setView(r.ok ? { state: 'done', data: r.data } : { state: 'error', ...r }));
    return () => {
      live = false;
    };
  }, [api, userId]);

  const exportCsv = async () => {
    const r = await api.behaviour.customerCsv(userId);
    if (!r.ok) return setExportError(r.message);
    setExportError(null);
    saveFile(`customer-${userId}-behaviour.csv`, 'text/csv', r.data);
  };

  if (view.state === 'loading') return <p className="notice" role="status">Loading this customer's behaviour…</p>;
  if (view.state === 'error') return <p className="notice notice-error" role="alert">This customer's behaviour could not be loaded: {view.message}</p>;
  const d = view.data;
  return (
    <section className="customer-behaviour" aria-labelledby="customer-behaviour-title" data-customer={d.user_id}>
      <h2 id="customer-behaviour-title">Browsing behaviour</h2>
      {!d.known ? (
        <p className="hint" data-sentence="customer">No browsing events of this customer are in the data the behaviour jobs last ran on.</p>
      ) : (
        <div className="customer-grid">
          <div className="card">
            <h3>Top {d.top_categories.length} categories</h3>
            {d.top_categories.length === 0 ? (
              <p className="hint">None ranked for this customer.</p>
            ) : (
              <ol className="top-categories">
                {d.top_categories.map((c) => (
                  <li key={c.category_id} data-category={c.category_id}>
                    {c.category_code ? formatCategory(c.category_code) : <span className="mono">category {c.category_id}</span>}
                    {c.affinity === null && <span className="hint"> (a store favourite, filling the list)</span>}
                  </li>
                ))}
              </ol>
            )}
          </div>
          <div className="card">
            <h3>Recent sessions</h3>
            <p className="hint" data-sentence="customer">{sessionsText(d)}</p>
            {d.recent_sessions.length > 0 && (
              <div className="table-scroll">
                <table aria-label="Recent sessions">
                  <thead>
                    <tr>
                      <th scope="col">Started (UTC)</th>
                      <th scope="col">Length</th>
                      <th scope="col">Views</th>
                      <th scope="col">Carts</th>
                      <th scope="col">Purchases</th>
                      <th scope="col">Spent</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.recent_sessions.map((s) => (
                      <tr key={s.session_id} data-session={s.session_id}>
                        <td>{s.start.replace('T', ' ').replace('Z', '')}</td>
                        <td>{formatDuration(s.duration_seconds)}</td>
                        <td>{formatNumber(s.views)}</td>
                        <td>{formatNumber(s.carts)}</td>
                        <td>{formatNumber(s.purchases)}</td>
                        <td>{formatMoney(s.revenue)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </div>
        </div>
      )}
      {/* Nothing to export for a customer without events: no buttons that would download an empty file. */}
      {d.known && (
        <div className="export-row">
          <button type="button" className="chip" onClick={() => saveFile(`customer-${d.user_id}-behaviour.json`, 'application/json', JSON.stringify(d, null, 2))}>
            Export as JSON
          </button>
          <button type="button" className="chip" onClick={() => void exportCsv()}>
            Export as CSV
          </button>
          {exportError && <span className="field-error" role="alert">{exportError}</span>}
        </div>
      )}
    </section>
  );
};
