import { useEffect, useState } from 'react';
import type { FunnelDocument, IntentResponse, SessionMetricsResponse } from '../../../contract';
import type { ApiClient, Failure, Result } from '../api';
import { biggestDropSentence, formatDuration, formatRate, funnelFigureLines, funnelSentence, sessionsSentence, type FunnelUnit } from '../behaviour-text';
import { FunnelChart } from '../components/FunnelChart';
import { WithCsv } from '../components/DownloadCsv';
import { FunnelTable } from '../components/FunnelTable';
import { ModelCard } from '../components/ModelCard';
import { formatCategory, formatNumber } from '../format';

type Loaded<T> = { state: 'loading' } | { state: 'done'; data: T } | ({ state: 'error' } & Failure);
const loaded = <T,>(r: Result<T>): Loaded<T> => (r.ok ? { state: 'done', data: r.data } : { state: 'error', ...r });

const Problem = ({ what, failure }: { what: string; failure: Failure }) => (
  <p className="notice notice-error" role="alert">
    The {what} could not be loaded: {failure.message}
    {failure.kind === 'failed' && failure.requestId ? ` (request id ${failure.requestId})` : ''}
  </p>
);

const BREAKDOWN_ROWS = 10;

const Funnel = ({ doc }: { doc: FunnelDocument }) => {
  const [unit, setUnit] = useState<FunnelUnit>('session');
  const level = doc[unit];
  const drop = biggestDropSentence(level.overall);
  return (
    <section className="card" aria-labelledby="funnel-title">
      <h2 id="funnel-title">Funnel: view → cart → purchase</h2>
      <fieldset className="unit-switch">
        <legend>Count</legend>
        {(['session', 'user'] as const).map((u) => (
          <label key={u}>
            <input type="radio" name="unit" value={u} checked={unit === u} onChange={() => setUnit(u)} /> {u}s
          </label>
        ))}
      </fieldset>
      <FunnelChart row={level.overall} unit={unit} />
      <p data-sentence="funnel">{funnelSentence(level.overall, unit)}</p>
      {drop && <p data-sentence="drop">{drop}</p>}
      <p className="hint">
        Median time from the first view to the cart {formatDuration(level.overall.median_seconds.view_to_cart)}, from the cart to the purchase{' '}
        {formatDuration(level.overall.median_seconds.cart_to_purchase)}.
      </p>
      <ul className="hint" aria-label="What each figure counts" data-lines="funnel">
        {funnelFigureLines(level.overall, unit).map((line) => (
          <li key={line.figure} data-figure-line={line.figure}>
            <strong>{line.figure}</strong>: <span data-counts>{line.counts}</span>
          </li>
        ))}
      </ul>
      <details className="hint">
        <summary>How the funnel counts</summary>
        <pre className="definition">{doc.definition}</pre>
      </details>
      <div className="breakdowns">
        <FunnelTable title="By category" unit={unit} rows={level.by_category} limit={BREAKDOWN_ROWS} group={(r) => (r.category_code ? formatCategory(r.category_code) : `category ${r.category_id}`)} />
        <FunnelTable title="By brand" unit={unit} rows={level.by_brand} limit={BREAKDOWN_ROWS} group={(r) => r.brand ?? ''} />
        <FunnelTable title="By day (UTC)" unit={unit} rows={level.by_day} group={(r) => String(r.day)} />
        <FunnelTable title="By hour (UTC)" unit={unit} rows={level.by_hour} group={(r) => `${String(r.hour).padStart(2, '0')}:00`} />
      </div>
    </section>
  );
};

const quarantinedTotal = (report: Record<string, unknown>): number =>
  Object.values((report.quarantined ?? {}) as Record<string, number>).reduce((a, b) => a + Number(b), 0);

const Sessions = ({ data }: { data: SessionMetricsResponse }) => {
  const r = data.report;
  const m = data.metrics;
  const n = (key: string) => formatNumber(Number(r[key] ?? 0));
  return (
    <section className="card" aria-labelledby="sessions-title">
      <h2 id="sessions-title">Sessions</h2>
      {m ? <p data-sentence="sessions">{sessionsSentence(m)}</p> : <p className="hint">Session durations appear after the next load into the serving table.</p>}
      <dl className="facts stats" data-report="sessions">
        <dt>Sessions</dt>
        <dd data-metric="sessions">{n('sessions')}</dd>
        <dt>Events in sessions</dt>
        <dd data-metric="events">{n('events')}</dd>
        <dt>Sessions with a purchase (in any order, with or without a cart)</dt>
        <dd data-metric="purchasing_sessions">{n('purchasing_sessions')}</dd>
        <dt>Cut by the {formatDuration(Number(r.inactivity_seconds ?? 0))} inactivity rule (no tracker id)</dt>
        <dd>{n('sessions_by_inactivity_rule')}</dd>
        <dt>Tracker sessions split at a longer gap</dt>
        <dd>{n('user_sessions_split_by_inactivity')}</dd>
        <dt>Duplicate events dropped</dt>
        <dd>{n('duplicates_dropped')}</dd>
        <dt>Events quarantined</dt>
        <dd>{formatNumber(quarantinedTotal(r))}</dd>
        {m && (
          <>
            <dt>Median / 90th percentile duration</dt>
            <dd data-metric="duration">
              {formatDuration(m.duration_seconds.median)} / {formatDuration(m.duration_seconds.p90)}
            </dd>
          </>
        )}
      </dl>
      {m && (
        <WithCsv name="Sessions by number of events">
          <table aria-label="Sessions by number of events">
            <thead>
              <tr>
                <th scope="col">Events in the session</th>
                <th scope="col">Sessions</th>
                <th scope="col">Share</th>
              </tr>
            </thead>
            <tbody>
              {m.events_histogram.map((b) => (
                <tr key={b.events}>
                  <th scope="row">{b.events}</th>
                  <td>{formatNumber(b.sessions)}</td>
                  <td>{formatRate(m.sessions ? b.sessions / m.sessions : null)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </WithCsv>
      )}
    </section>
  );
};

/** Issue 15: how shoppers move through the store, and the model that guesses who will buy. */
export const Behaviour = ({ api }: { api: ApiClient }) => {
  const [funnel, setFunnel] = useState<Loaded<FunnelDocument>>({ state: 'loading' });
  const [sessions, setSessions] = useState<Loaded<SessionMetricsResponse>>({ state: 'loading' });
  const [intent, setIntent] = useState<Loaded<IntentResponse>>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    void api.behaviour.funnel().then((r) => live && setFunnel(loaded(r)));
    void api.behaviour.sessions().then((r) => live && setSessions(loaded(r)));
    void api.behaviour.intent().then((r) => live && setIntent(loaded(r)));
    return () => {
      live = false;
    };
  }, [api]);
  const busy = [funnel, sessions, intent].some((x) => x.state === 'loading');
  return (
    <section aria-labelledby="behaviour-title" aria-busy={busy} className="behaviour">
      <h1 id="behaviour-title">Behaviour</h1>
      <p className="lede">How shoppers move from viewing to buying, how long they stay, and how well we can tell early who will buy.</p>
      {busy && (
        <p className="notice" role="status">
          Loading…
        </p>
      )}
      {funnel.state === 'done' && <Funnel doc={funnel.data} />}
      {funnel.state === 'error' && <Problem what="funnel" failure={funnel} />}
      {sessions.state === 'done' && <Sessions data={sessions.data} />}
      {sessions.state === 'error' && <Problem what="session metrics" failure={sessions} />}
      {intent.state === 'done' && <ModelCard intent={intent.data} />}
      {intent.state === 'error' && <Problem what="intent model" failure={intent} />}
    </section>
  );
};
