/**
 * The live view (issue 16): what the streaming job has computed from the events and purchases
 * topics, polled every few seconds, with the event time it is "as of" and how far behind the job is.
 */
import { useEffect, useState } from 'react';
import type { LiveView } from '../../../contract';
import type { ApiClient, Failure } from '../api';
import { formatCategory, formatMoney, formatNumber } from '../format';

const POLL_MS = 2_000;

const sum = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);
const percent = (ratio: number | null): string => (ratio === null ? '–' : `${(ratio * 100).toFixed(1)} %`);
const clock = (iso: string | null): string => (iso ? iso.replace('T', ' ').replace('Z', ' UTC') : '–');

/** How long ago the job wrote the view: with no new events it writes nothing, so this grows while lag does not. */
const secondsAgo = (iso: string, nowMs: number): number => Math.max(0, nowMs - Date.parse(iso)) / 1000;

const useLiveView = (api: ApiClient) => {
  const [view, setView] = useState<LiveView>();
  const [failure, setFailure] = useState<Failure>();
  const [checkedAt, setCheckedAt] = useState(Date.now());
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const poll = async () => {
      const result = await api.live();
      if (stopped) return;
      setCheckedAt(Date.now());
      if (result.ok) {
        setView(result.data);
        setFailure(undefined);
      } else setFailure(result);
      timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [api]);
  return { view, failure, checkedAt };
};

const Totals = ({ view, checkedAt }: { view: LiveView; checkedAt: number }) => {
  return (
    <dl className="live-totals">
      <div>
        <dt>As of (event time)</dt>
        <dd data-testid="live-as-of">{clock(view.as_of)}</dd>
      </div>
      <div>
        <dt>Job lag at its last batch</dt>
        <dd data-testid="live-lag">{view.lag_seconds === null ? '–' : `${view.lag_seconds.toFixed(1)} s`}</dd>
      </div>
      <div>
        <dt>Last batch written</dt>
        <dd>{`${secondsAgo(view.written_at, checkedAt).toFixed(0)} s ago (batch ${view.batch_id})`}</dd>
      </div>
      <div>
        <dt>Events processed</dt>
        <dd data-testid="live-events">{formatNumber(sum(view.totals.events))}</dd>
      </div>
      <div>
        <dt>Active sessions</dt>
        <dd data-testid="live-active-sessions">{formatNumber(view.active_sessions)}</dd>
      </div>
      <div>
        <dt>Orders (purchases topic)</dt>
        <dd>
          {formatNumber(view.totals.orders)} · {formatMoney(view.totals.order_revenue)}
        </dd>
      </div>
      <div>
        <dt>Late events (outside the windows)</dt>
        <dd>{formatNumber(view.totals.late_events)}</dd>
      </div>
    </dl>
  );
};

const Funnel = ({ view }: { view: LiveView }) => (
  <table>
    <caption>Live funnel: sessions that did each step in the window</caption>
    <thead>
      <tr>
        <th scope="col">Window</th>
        <th scope="col">Viewed</th>
        <th scope="col">Carted</th>
        <th scope="col">Bought</th>
        <th scope="col">View → cart</th>
        <th scope="col">Cart → purchase</th>
      </tr>
    </thead>
    <tbody>
      {view.funnel.map((f) => (
        <tr key={f.minutes}>
          <th scope="row">last {f.minutes} min</th>
          <td>{formatNumber(f.viewed)}</td>
          <td>{formatNumber(f.carted)}</td>
          <td>{formatNumber(f.bought)}</td>
          <td>{percent(f.view_to_cart)}</td>
          <td>{percent(f.cart_to_purchase)}</td>
        </tr>
      ))}
    </tbody>
  </table>
);

const PerMinute = ({ view }: { view: LiveView }) => (
  <table>
    <caption>Events, purchases and orders per minute (latest first)</caption>
    <thead>
      <tr>
        <th scope="col">Minute</th>
        <th scope="col">Views</th>
        <th scope="col">Carts</th>
        <th scope="col">Purchases</th>
        <th scope="col">Purchase revenue</th>
        <th scope="col">Orders</th>
      </tr>
    </thead>
    <tbody>
      {view.per_minute
        .slice(-10)
        .reverse()
        .map((m) => (
          <tr key={m.minute}>
            <th scope="row">{clock(m.minute)}</th>
            <td>{formatNumber(m.events.view ?? 0)}</td>
            <td>{formatNumber(m.events.cart ?? 0)}</td>
            <td>{formatNumber(m.events.purchase ?? 0)}</td>
            <td>{formatMoney(m.purchase_revenue)}</td>
            <td>{formatNumber(m.orders)}</td>
          </tr>
        ))}
    </tbody>
  </table>
);

const Trending = ({ view }: { view: LiveView }) => (
  <div className="live-trending">
    <table>
      <caption>Trending products (views, then carts)</caption>
      <thead>
        <tr>
          <th scope="col">Product</th>
          <th scope="col">Category</th>
          <th scope="col">Views</th>
          <th scope="col">Carts</th>
        </tr>
      </thead>
      <tbody>
        {view.trending.products.map((p) => (
          <tr key={p.product_id}>
            <th scope="row">
              {p.product_id}
              {p.brand ? ` · ${p.brand}` : ''}
            </th>
            <td>{formatCategory(p.category_path.join('.') || null)}</td>
            <td>{formatNumber(p.views)}</td>
            <td>{formatNumber(p.carts)}</td>
          </tr>
        ))}
      </tbody>
    </table>
    <table>
      <caption>Trending categories</caption>
      <thead>
        <tr>
          <th scope="col">Category</th>
          <th scope="col">Views</th>
          <th scope="col">Carts</th>
        </tr>
      </thead>
      <tbody>
        {view.trending.categories.map((c) => (
          <tr key={c.category}>
            <th scope="row">{formatCategory(c.category)}</th>
            <td>{formatNumber(c.views)}</td>
            <td>{formatNumber(c.carts)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  </div>
);

export const LivePage = ({ api }: { api: ApiClient }) => {
  const { view, failure, checkedAt } = useLiveView(api);
  return (
    <section aria-labelledby="live-title">
      <h1 id="live-title">Live</h1>
      <p className="notice">
        Computed by the streaming job from the events as they arrive; windows end at the latest event time seen. Refreshes every {POLL_MS / 1000} s.
      </p>
      {failure && (
        <p className="notice" role="status">
          {failure.message}
        </p>
      )}
      {view && (
        <>
          <Totals view={view} checkedAt={checkedAt} />
          <Funnel view={view} />
          <Trending view={view} />
          <PerMinute view={view} />
        </>
      )}
    </section>
  );
};
