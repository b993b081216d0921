/**
 * The live view (issues 16, 24): what the streaming job has computed from the events and purchases topics,
 * polled every few seconds. Each topic has its own clock: the events' windows end at the latest event time
 * seen on the events topic, the orders' at the latest on the purchases topic.
 */
import { useEffect, useState } from 'react';
import { REALTIME, type LiveView, type RecommendationsResponse } from '../../../contract';
import type { ApiClient, Failure } from '../api';
import { LiveCard, LiveTable } from '../components/LiveTable';
import { formatCategory, formatCount, formatMoney, formatNumber } from '../format';

// As often as the job may write a view (its micro-batch trigger): a slower poll only shows each batch later.
const POLL_MS = REALTIME.triggerSeconds * 1000;
const HOUR_MINUTES = Math.max(...REALTIME.funnelWindowsMinutes);

const sum = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);
const percent = (ratio: number | null): string => (ratio === null ? '–' : `${(ratio * 100).toFixed(1)} %`);
const clock = (iso: string | null | undefined): string => (iso ? iso.replace('T', ' ').replace('Z', ' UTC') : '–');

/** How long ago the job wrote the view: with no new events it writes nothing, so this grows while lag does not. */
const secondsAgo = (iso: string, nowMs: number): number => Math.max(0, nowMs - Date.parse(iso)) / 1000;

/** The sentence an empty events window shows: no event at all yet, or none in the window before the clock. */
const noEventsYet = 'No event has arrived on the events topic yet.';

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

const Stat = ({ label, value, testId, title }: { label: string; value: string; testId?: string; title?: string }) => (
  <div className="card stat">
    <div className="stat-label">{label}</div>
    <div className="stat-value" data-testid={testId} title={title}>
      {value}
    </div>
  </div>
);

const Totals = ({ view, checkedAt }: { view: LiveView; checkedAt: number }) => (
  <section aria-label="Totals" className="summary">
    <Stat label="Events processed" value={formatNumber(sum(view.totals.events))} testId="live-events" />
    <Stat label={`Active sessions (last ${REALTIME.activeSessionSeconds / 60} min)`} value={formatNumber(view.active_sessions)} testId="live-active-sessions" />
    <Stat label="Orders (purchases topic)" value={formatNumber(view.totals.orders)} title={formatMoney(view.totals.order_revenue)} />
    <Stat label="Job lag at its last batch" value={view.lag_seconds === null ? '–' : `${view.lag_seconds.toFixed(1)} s`} testId="live-lag" />
    <Stat label="Late events (in no window)" value={formatNumber(view.totals.late_events)} />
    <p className="hint period">
      Events as of <span data-testid="live-as-of">{clock(view.as_of)}</span>
      {view.orders_as_of !== undefined && <>; orders as of <span data-testid="live-orders-as-of">{clock(view.orders_as_of)}</span></>} (event time). Last
      batch {view.batch_id} written {secondsAgo(view.written_at, checkedAt).toFixed(0)} s ago; orders' revenue so far {formatMoney(view.totals.order_revenue)}.
    </p>
  </section>
);

/** A window where no session did anything is left out (no row of zeros); with none left, the sentence says why. */
const Funnel = ({ view }: { view: LiveView }) => (
  <LiveCard id="live-funnel" title="Live funnel">
    <LiveTable
      caption="Sessions that did each step in the window"
      columns={['Window', 'Viewed', 'Carted', 'Bought', 'View → cart', 'Cart → purchase']}
      rows={view.funnel
        .filter((f) => f.viewed + f.carted + f.bought > 0)
        .map((f) => ({
          key: String(f.minutes),
          cells: [`last ${f.minutes} min`, formatNumber(f.viewed), formatNumber(f.carted), formatNumber(f.bought), percent(f.view_to_cart), percent(f.cart_to_purchase)],
        }))}
      empty={view.as_of === null ? noEventsYet : `No session viewed, carted or bought in the ${HOUR_MINUTES} minutes before ${clock(view.as_of)}.`}
    />
  </LiveCard>
);

const PerMinute = ({ view }: { view: LiveView }) => (
  <LiveCard id="live-minutes" title="Events per minute">
    <LiveTable
      caption="Events per minute of the last hour (latest first)"
      columns={['Minute', 'Views', 'Carts', 'Purchases', 'Purchase revenue']}
      rows={view.per_minute
        .slice(-10)
        .reverse()
        .map((m) => ({
          key: m.minute,
          cells: [clock(m.minute), formatNumber(m.events.view ?? 0), formatNumber(m.events.cart ?? 0), formatNumber(m.events.purchase ?? 0), m.events.purchase ? formatMoney(m.purchase_revenue) : '–'],
        }))}
      empty={view.as_of === null ? noEventsYet : `No event in the ${HOUR_MINUTES} minutes before ${clock(view.as_of)}.`}
    />
  </LiveCard>
);

const OrdersPerMinute = ({ view }: { view: LiveView }) => (
  <LiveCard id="live-orders" title="Orders per minute">
    <LiveTable
      caption="Orders per minute of the last hour (latest first)"
      columns={['Minute', 'Orders', 'Order lines', 'Revenue']}
      rows={(view.orders_per_minute ?? [])
        .slice(-10)
        .reverse()
        .map((m) => ({ key: m.minute, cells: [clock(m.minute), formatNumber(m.orders), formatNumber(m.order_lines), formatMoney(m.order_revenue)] }))}
      empty={
        view.orders_per_minute === undefined
          ? 'The running streaming job predates orders per minute (restart it with the current code).'
          : view.orders_as_of
            ? `No order in the ${HOUR_MINUTES} minutes before ${clock(view.orders_as_of)}.`
            : 'No order has arrived on the purchases topic yet.'
      }
    />
  </LiveCard>
);

const Trending = ({ view }: { view: LiveView }) => (
  <LiveCard id="live-trending" title={`Trending, last ${REALTIME.trendingMinutes} min`}>
    {view.trending.products.length === 0 ? (
      <p className="hint" data-empty="Trending">
        {view.as_of === null ? noEventsYet : `No product was viewed or carted in the ${REALTIME.trendingMinutes} minutes before ${clock(view.as_of)}.`}
      </p>
    ) : (
      <div className="live-pair">
        <LiveTable
          caption="Trending products (views, then carts)"
          columns={['Product', 'Category', 'Views', 'Carts']}
          rows={view.trending.products.map((p) => ({
            key: p.product_id,
            cells: [`${p.product_id}${p.brand ? ` · ${p.brand}` : ''}`, formatCategory(p.category_path.join('.') || null), formatNumber(p.views), formatNumber(p.carts)],
          }))}
          empty=""
        />
        <LiveTable
          caption="Trending categories"
          columns={['Category', 'Views', 'Carts']}
          rows={view.trending.categories.map((c) => ({ key: c.category, cells: [formatCategory(c.category), formatNumber(c.views), formatNumber(c.carts)] }))}
          empty="None of the trending products has a category code."
        />
      </div>
    )}
  </LiveCard>
);

/** The open sessions the served intent model scores highest; without a served model, why there are no scores. */
const LikelyBuyers = ({ view }: { view: LiveView }) => {
  const intent = view.intent;
  return (
    <LiveCard id="likely" title="Most likely to buy">
      {!intent ? (
        <p className="hint">No purchase-intent scores: the running streaming job predates them (restart it with the current code).</p>
      ) : intent.model_run === null ? (
        <p className="hint" data-testid="live-intent-unavailable">
          No purchase-intent scores: {intent.unavailable}. The batch intent job (emr-jobs/main.py intent) trains and serves a model; the streaming job loads it at its next batch.
        </p>
      ) : (
        <>
          <p className="hint" data-testid="live-intent-model">
            {`Model run ${intent.model_run}: ${formatCount(intent.scored_sessions, 'open session')} without a purchase scored on their events so far.`}
          </p>
          <LiveTable
            caption="Open sessions most likely to buy (purchase probability)"
            columns={['Session', 'User', 'Probability', 'Events so far', 'Last event']}
            rows={intent.likely_buyers.map((b) => ({
              key: b.session_id,
              cells: [b.session_id, b.user_id ?? '–', percent(b.score), formatNumber(b.events), clock(b.last_event)],
            }))}
            empty={`No open session without a purchase has events to score in the ${REALTIME.activeSessionSeconds / 60} minutes before ${clock(view.as_of)}.`}
          />
        </>
      )}
    </LiveCard>
  );
};

/** Open carts least likely to be bought (the abandonment model), for a reminder; without a served model, why none. */
const OpenCarts = ({ view }: { view: LiveView }) => {
  const a = view.abandonment;
  if (!a) return null; // a job that predates the abandonment scores writes none
  return (
    <LiveCard id="carts" title="Open carts at risk">
      {a.model_run === null ? (
        <p className="hint" data-testid="live-abandonment-unavailable">
          No cart-abandonment scores: {a.unavailable}.
        </p>
      ) : (
        <>
          <p className="hint" data-testid="live-abandonment-model">
            {`Model run ${a.model_run}: ${formatCount(a.scored_carts, 'open session')} with a cart and no purchase yet, least likely to buy first.`}
          </p>
          <LiveTable
            caption="Open carts least likely to be bought in the session (purchase probability)"
            columns={['Session', 'User', 'Probability to buy', 'Cart value', 'Events so far', 'Last event']}
            rows={a.open_carts.map((c) => ({
              key: c.session_id,
              cells: [c.session_id, c.user_id ?? '–', percent(c.buy_probability), formatMoney(c.cart_value), formatNumber(c.events), clock(c.last_event)],
            }))}
            empty={`No open session holds a cart without a purchase in the ${REALTIME.activeSessionSeconds / 60} minutes before ${clock(view.as_of)}.`}
          />
        </>
      )}
    </LiveCard>
  );
};

const KIND_DONE: Record<string, string> = { view: 'viewed', cart: 'carted', purchase: 'bought' };

/**
 * Issue 24: the customers who did something just now, and how it changed their top-3 (their live list against the
 * batch list), each linking to their page. The lists are asked of the API as the Recommendations page asks them.
 */
const ChangedJustNow = ({ view, api }: { view: LiveView; api: ApiClient }) => {
  const customers = view.live_customers;
  const [answers, setAnswers] = useState<Record<string, RecommendationsResponse | undefined>>({});
  const key = (customers ?? []).map((c) => `${c.user_id}@${c.at}`).join(',');
  useEffect(() => {
    let stopped = false;
    void Promise.all((customers ?? []).map(async (c) => [c.user_id, await api.recommendations(c.user_id)] as const)).then((results) => {
      if (!stopped) setAnswers(Object.fromEntries(results.map(([user, r]) => [user, r.ok ? r.data : undefined])));
    });
    return () => {
      stopped = true;
    };
    // The customers' newest interactions name what to ask again; the same ones are not asked twice.
  }, [api, key]);
  if (!customers) return null; // a job that predates live recommendations lists none
  const changed = customers.filter((c) => answers[c.user_id]?.source === 'live');
  // One id a line: three 19-digit ids side by side do not fit a card.
  const ids = (list: string[]) => list.map((id, i) => <div key={i}>{id}</div>);
  return (
    <LiveCard id="live-changed" title="Recommendations changed just now">
      <LiveTable
        caption="Customers whose top-3 their session changed (newest first)"
        columns={['Customer', 'Did', 'Before (batch)', 'After (live)']}
        rows={changed.map((c) => ({
          key: c.user_id,
          cells: [
            <a href={`#/?user=${encodeURIComponent(c.user_id)}`}>{c.user_id}</a>,
            `${KIND_DONE[c.kind] ?? c.kind} ${c.product_id} at ${clock(c.at)}`,
            ids(answers[c.user_id]!.batch_product_ids ?? []),
            ids(answers[c.user_id]!.recommendations.map((r) => r.product_id)),
          ],
        }))}
        empty={
          customers.length === 0
            ? `No customer interacted in the ${REALTIME.liveRecommendations.activeMinutes} minutes before ${clock(view.as_of)}.`
            : 'The API serves none of the newest customers a live list (live recommendations are off, their session changed nothing, or the API did not answer).'
        }
      />
    </LiveCard>
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
    <LiveCard id="audience" title="Devices and countries">
      {devices.length === 0 && countries.length === 0 ? (
        <p className="hint" data-testid="live-audience-none">
          No event of the last {REALTIME.enrichment.minutes} minutes carried a user agent or an address: only a storefront posting to POST /events sends them (replayed CSV events carry neither).
        </p>
      ) : (
        <div className="live-pair">
          <LiveTable
            caption={`Events by device, last ${REALTIME.enrichment.minutes} min (from the user agent)`}
            columns={['Device', 'Events']}
            rows={devices.map((d) => ({ key: d.device, cells: [d.device, formatNumber(d.events)] }))}
            empty={`No event of the last ${REALTIME.enrichment.minutes} minutes carried a user agent.`}
          />
          <LiveTable
            caption={`Events by country, last ${REALTIME.enrichment.minutes} min (from the address; unknown: private or unallocated)`}
            columns={['Country', 'Events']}
            rows={[...listed.map((c) => ({ key: c.country, cells: [c.country, formatNumber(c.events)] })), ...restRow]}
            empty={`No event of the last ${REALTIME.enrichment.minutes} minutes carried an address.`}
          />
        </div>
      )}
    </LiveCard>
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
    <section aria-labelledby="live-title" className="live">
      <h1 id="live-title">Live</h1>
      <p className="lede">
        Computed by the streaming job from the events and orders as they arrive; each topic's windows end at its own latest event time. Refreshes every {POLL_MS / 1000} s.
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
          <ChangedJustNow view={view} api={api} />
          <LikelyBuyers view={view} />
          <OpenCarts view={view} />
          <Trending view={view} />
          <Audience view={view} />
          <PerMinute view={view} />
          <OrdersPerMinute view={view} />
        </>
      )}
    </section>
  );
};
