/**
 * The live view (issue 16): what the streaming job has computed from the events and purchases
 * topics, polled every few seconds, with the event time it is "as of" and how far behind the job is.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { REALTIME, type LiveView } from '../../../contract';
import type { ApiClient, Failure } from '../api';
import { formatCategory, formatCount, formatMoney, formatNumber } from '../format';

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

interface Row {
  key: string;
  /** The first cell heads its row. */
  cells: ReactNode[];
}

/** Every table of the page: a caption, column heads, rows headed by their first cell. */
const Table = ({ caption, columns, rows }: { caption: string; columns: string[]; rows: Row[] }) => (
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
);

const Funnel = ({ view }: { view: LiveView }) => (
  <Table
    caption="Live funnel: sessions that did each step in the window"
    columns={['Window', 'Viewed', 'Carted', 'Bought', 'View → cart', 'Cart → purchase']}
    rows={view.funnel.map((f) => ({
      key: String(f.minutes),
      cells: [`last ${f.minutes} min`, formatNumber(f.viewed), formatNumber(f.carted), formatNumber(f.bought), percent(f.view_to_cart), percent(f.cart_to_purchase)],
    }))}
  />
);

const PerMinute = ({ view }: { view: LiveView }) => (
  <Table
    caption="Events, purchases and orders per minute (latest first)"
    columns={['Minute', 'Views', 'Carts', 'Purchases', 'Purchase revenue', 'Orders']}
    rows={view.per_minute
      .slice(-10)
      .reverse()
      .map((m) => ({
        key: m.minute,
        cells: [clock(m.minute), formatNumber(m.events.view ?? 0), formatNumber(m.events.cart ?? 0), formatNumber(m.events.purchase ?? 0), formatMoney(m.purchase_revenue), formatNumber(m.orders)],
      }))}
  />
);

const Trending = ({ view }: { view: LiveView }) => (
  <div className="live-trending">
    <Table
      caption="Trending products (views, then carts)"
      columns={['Product', 'Category', 'Views', 'Carts']}
      rows={view.trending.products.map((p) => ({
        key: p.product_id,
        cells: [`${p.product_id}${p.brand ? ` · ${p.brand}` : ''}`, formatCategory(p.category_path.join('.') || null), formatNumber(p.views), formatNumber(p.carts)],
      }))}
    />
    <Table
      caption="Trending categories"
      columns={['Category', 'Views', 'Carts']}
      rows={view.trending.categories.map((c) => ({ key: c.category, cells: [formatCategory(c.category), formatNumber(c.views), formatNumber(c.carts)] }))}
    />
  </div>
);

/** The open sessions the served intent model scores highest; without a served model, why there are no scores. */
const LikelyBuyers = ({ view }: { view: LiveView }) => {
  if (!view.intent) {
    return (
      <section aria-labelledby="likely-title">
        <h2 id="likely-title">Most likely to buy</h2>
        <p className="notice">No purchase-intent scores: the running streaming job predates them (restart it with the current code).</p>
      </section>
    );
  }
  const { model_run, unavailable, scored_sessions, likely_buyers } = view.intent;
  if (model_run === null) {
    return (
      <section aria-labelledby="likely-title">
        <h2 id="likely-title">Most likely to buy</h2>
        <p className="notice" data-testid="live-intent-unavailable">
          No purchase-intent scores: {unavailable}. The batch intent job (emr-jobs/main.py intent) trains and serves a model; the streaming job loads it at its next batch.
        </p>
      </section>
    );
  }
  return (
    <section aria-labelledby="likely-title">
      <h2 id="likely-title">Most likely to buy</h2>
      <p className="notice" data-testid="live-intent-model">
        {`Model run ${model_run}: ${formatCount(scored_sessions, 'open session')} without a purchase scored on their events so far.`}
      </p>
      <Table
        caption="Open sessions most likely to buy (purchase probability)"
        columns={['Session', 'User', 'Probability', 'Events so far', 'Last event']}
        rows={likely_buyers.map((b) => ({
          key: b.session_id,
          cells: [b.session_id, b.user_id ?? '–', percent(b.score), formatNumber(b.events), clock(b.last_event)],
        }))}
      />
    </section>
  );
};

/** Open carts least likely to be bought (the abandonment model), for a reminder; without a served model, why none. */
const OpenCarts = ({ view }: { view: LiveView }) => {
  const a = view.abandonment;
  if (!a) return null; // a job that predates the abandonment scores writes none
  return (
    <section aria-labelledby="carts-title">
      <h2 id="carts-title">Open carts at risk</h2>
      {a.model_run === null ? (
        <p className="notice" data-testid="live-abandonment-unavailable">
          No cart-abandonment scores: {a.unavailable}.
        </p>
      ) : (
        <>
          <p className="notice" data-testid="live-abandonment-model">
            {`Model run ${a.model_run}: ${formatCount(a.scored_carts, 'open session')} with a cart and no purchase yet, least likely to buy first.`}
          </p>
          <Table
            caption="Open carts least likely to be bought in the session (purchase probability)"
            columns={['Session', 'User', 'Probability to buy', 'Cart value', 'Events so far', 'Last event']}
            rows={a.open_carts.map((c) => ({
              key: c.session_id,
              cells: [c.session_id, c.user_id ?? '–', percent(c.buy_probability), c.cart_value, formatNumber(c.events), clock(c.last_event)],
            }))}
          />
        </>
      )}
    </section>
  );
};

/** Countries listed by name; the rest are summed in one row, so no event drops out of the table. */
const COUNTRY_ROWS = 10;

/**
 * Where the window's events came from: device class from the user agent, country from the address. Only
 * events a storefront sent through the collector with `user_agent` / `ip` count (the CSV formats carry neither).
 */
const Audience = ({ view }: { view: LiveView }) => {
  // A job started before the enrichment writes neither list (a deploy does not restart a running job).
  const devices = view.by_device ?? [];
  const countries = view.by_country ?? [];
  const listed = countries.slice(0, COUNTRY_ROWS);
  const rest = countries.slice(COUNTRY_ROWS);
  const restRow = rest.length > 0 ? [{ key: 'other', cells: [`${rest.length} other countries`, formatNumber(rest.reduce((n, c) => n + c.events, 0))] }] : [];
  return (
    <section aria-labelledby="audience-title">
      <h2 id="audience-title">Devices and countries</h2>
      {devices.length === 0 && countries.length === 0 ? (
        <p className="notice" data-testid="live-audience-none">
          No event of the last {REALTIME.enrichment.minutes} minutes carried a user agent or an address: only a storefront posting to POST /events sends them (replayed CSV events carry neither).
        </p>
      ) : (
        <div className="live-trending">
          <Table
            caption={`Events by device, last ${REALTIME.enrichment.minutes} min (from the user agent)`}
            columns={['Device', 'Events']}
            rows={devices.map((d) => ({ key: d.device, cells: [d.device, formatNumber(d.events)] }))}
          />
          <Table
            caption={`Events by country, last ${REALTIME.enrichment.minutes} min (from the address; unknown: private or unallocated)`}
            columns={['Country', 'Events']}
            rows={[...listed.map((c) => ({ key: c.country, cells: [c.country, formatNumber(c.events)] })), ...restRow]}
          />
        </div>
      )}
    </section>
  );
};

/** The job rewrites `alive_at` every heartbeat while it runs (contract REALTIME.heartbeatSeconds); three missed ones: it is not running. */
const NotRunning = ({ view, checkedAt }: { view: LiveView; checkedAt: number }) =>
  view.alive_at !== undefined && secondsAgo(view.alive_at, checkedAt) > 3 * REALTIME.heartbeatSeconds ? (
    <p className="notice notice-error" role="alert" data-testid="live-not-running">
      The live job is not running since {clock(view.alive_at)}: the figures below are as it left them.
    </p>
  ) : null;

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
          <NotRunning view={view} checkedAt={checkedAt} />
          <Totals view={view} checkedAt={checkedAt} />
          <Funnel view={view} />
          <LikelyBuyers view={view} />
          <OpenCarts view={view} />
          <Trending view={view} />
          <Audience view={view} />
          <PerMinute view={view} />
        </>
      )}
    </section>
  );
};
