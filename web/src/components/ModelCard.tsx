import type { CategoriesMetrics, IntentResponse, IntentRun, ModelQuality, TaskRecord } from '../../../contract';
import { formatNumber } from '../format';
import { WithCsv } from './DownloadCsv';
import { baselineName, categoriesSentence, confusionOf, familyName, formatRate, GENERATED_DATA_NOTE, importanceNote, modelSentence, notServedSentence, paramsText, qualitySentence } from '../behaviour-text';

const Confusion = ({ run }: { run: IntentRun }) => {
  const c = confusionOf(run.test!.chosen);
  if (!c) return <p className="hint">This run did not record its confusion counts (runs before they were kept).</p>;
  return (
    <WithCsv name="Confusion matrix on the test window">
      <table className="confusion" aria-label="Confusion matrix on the test window">
        <thead>
          <tr>
            <td />
            <th scope="col">Predicted to buy</th>
            <th scope="col">Predicted not to buy</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">Bought</th>
            <td data-cell="tp">{formatNumber(c.tp)}</td>
            <td data-cell="fn">{formatNumber(c.fn)}</td>
          </tr>
          <tr>
            <th scope="row">Did not buy</th>
            <td data-cell="fp">{formatNumber(c.fp)}</td>
            <td data-cell="tn">{formatNumber(c.tn)}</td>
          </tr>
        </tbody>
      </table>
    </WithCsv>
  );
};

const Importances = ({ run }: { run: IntentRun }) => {
  const fi = run.feature_importances;
  if (!fi) return <p className="hint">This run did not record feature importances (runs before they were kept).</p>;
  const top = Math.max(...fi.by_feature.map((f) => f.value), Number.MIN_VALUE);
  return (
    <>
      <p className="hint">{importanceNote(fi.kind)}</p>
      <WithCsv name="Feature importances">
        <table className="importances" aria-label="Feature importances">
          <tbody>
            {fi.by_feature.map((f) => (
              <tr key={f.feature} data-feature={f.feature}>
                <th scope="row" className="mono">{f.feature}</th>
                <td className="bar-cell">
                  <span className="bar" style={{ width: `${(f.value / top) * 100}%` }} aria-hidden="true" />
                </td>
                <td>{fi.kind === 'impurity_importance' ? formatRate(f.value) : f.value.toFixed(4)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </WithCsv>
    </>
  );
};

/** A model's figure and each baseline's, with their intervals: the evidence behind the skill sentence. */
const QualityTable = ({ quality, label }: { quality: ModelQuality; label: string }) => {
  const value = (f: { auc_pr?: number; recall_at_3?: number }) => (quality.metric === 'auc_pr' ? f.auc_pr! : f.recall_at_3!);
  return (
    <WithCsv name={label}>
      <div className="table-scroll">
        <table aria-label={label} data-quality={label}>
          <thead>
            <tr>
              <th scope="col">{quality.metric === 'auc_pr' ? 'Model or baseline' : 'Lists'}</th>
              <th scope="col">{quality.metric === 'auc_pr' ? 'Test AUC-PR' : 'Test recall@3'}</th>
              <th scope="col">{Math.round(quality.level * 100)}% interval</th>
            </tr>
          </thead>
          <tbody>
            {[quality.model, ...quality.baselines].map((f) => (
              <tr key={f.name} data-figure={f.name}>
                <th scope="row">{f === quality.model && quality.metric === 'auc_pr' ? familyName(f.name) : baselineName(f.name)}</th>
                <td>{value(f).toFixed(4)}</td>
                <td>
                  {f.interval[0].toFixed(4)} – {f.interval[1].toFixed(4)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </WithCsv>
  );
};

/** ` [lo, hi]` of a family's (or the positive rate's) test AUC-PR when the run recorded intervals. */
const familyInterval = (run: IntentRun, name: string): string => {
  const q = run.quality;
  const key = name === 'majority baseline' ? 'positive_rate' : name;
  const f = q && [q.model, ...q.baselines, ...(q.families ?? [])].find((x) => x.name === key);
  return f ? ` [${f.interval[0].toFixed(4)}, ${f.interval[1].toFixed(4)}]` : '';
};

const Served = ({ intent, run }: { intent: IntentResponse; run: IntentRun }) => (
  <>
    <p data-sentence="model">{modelSentence(run)}</p>
    {run.quality && <QualityTable quality={run.quality} label="Intent model against its baselines" />}
    <dl className="facts">
      <dt>Served run</dt>
      <dd className="mono">{intent.served_run}</dd>
      <dt>Trained on sessions starting</dt>
      <dd>
        {run.data_window.first_session_start} to {run.data_window.validation_start} (validation to {run.data_window.test_start}, test to {run.data_window.last_session_start})
      </dd>
      <dt>Code version</dt>
      <dd className="mono">{run.code_version}</dd>
    </dl>
    <div className="model-grid">
      <div>
        <h3>Confusion matrix (test window, threshold {run.threshold!.toFixed(3)})</h3>
        <Confusion run={run} />
      </div>
      <div>
        <h3>Test window by model family</h3>
        <WithCsv name="Test metrics by model">
          <div className="table-scroll">
            <table aria-label="Test metrics by model">
              <thead>
                <tr>
                  <th scope="col">Model</th>
                  <th scope="col">AUC-PR [95% interval]</th>
                  <th scope="col">AUC-ROC</th>
                  <th scope="col">Precision</th>
                  <th scope="col">Recall</th>
                  <th scope="col">F1</th>
                </tr>
              </thead>
              <tbody>
                {[...Object.entries(run.test!.by_family), ['majority baseline', run.test!.majority_baseline] as const].map(([name, m]) => (
                  <tr key={name} data-family={name}>
                    <th scope="row">
                      {familyName(name)}
                      {name === run.family ? ' (served)' : ''}
                    </th>
                    <td>
                      {m.auc_pr.toFixed(4)}
                      {familyInterval(run, name)}
                    </td>
                    <td>{m.auc_roc.toFixed(4)}</td>
                    <td>{formatRate(m.precision)}</td>
                    <td>{formatRate(m.recall)}</td>
                    <td>{m.f1.toFixed(4)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </WithCsv>
      </div>
    </div>
    <h3>Feature importances</h3>
    <Importances run={run} />
  </>
);

/** A task whose latest run is not served: why, in one sentence, and the figures that say so (no model presented). */
const NotServed = ({ what, task, sentence }: { what: string; task: TaskRecord | undefined; sentence: string }) => (
  <>
    <p className="notice" data-sentence={sentence}>
      {notServedSentence(what, task)}
    </p>
    {task?.quality && <QualityTable quality={task.quality} label={`Latest ${what} run against its baselines`} />}
  </>
);

/** The abandonment model (sessions with a cart: will they buy in the session / within 24 h?). */
const Abandonment = ({ intent }: { intent: IntentResponse }) => {
  const latest = intent.latest_run ?? intent.run;
  const served = intent.served_abandonment_run !== null && intent.served_abandonment_run === latest?.run_id ? latest?.abandonment : undefined;
  const day = latest?.abandonment_24h;
  return (
    <>
      <h3>Cart abandonment</h3>
      {served?.quality ? (
        <>
          <p data-sentence="abandonment">
            {`Sessions with a cart, scored on their events so far for a purchase in the session by ${familyName(served.family!)}: its ${qualitySentence(served.quality)}`}
          </p>
          <QualityTable quality={served.quality} label="Abandonment model against its baselines" />
        </>
      ) : intent.served_abandonment_run !== null ? (
        <p data-sentence="abandonment">{`The abandonment model of run ${intent.served_abandonment_run} is served; the latest run's is not: ${latest?.abandonment?.reason ?? 'no reason recorded'}.`}</p>
      ) : (
        <NotServed what="cart-abandonment" task={latest?.abandonment} sentence="abandonment" />
      )}
      {day && (
        <p className="hint" data-sentence="abandonment-24h">
          {day.trained && day.quality ? `Within 24 hours (evaluated, not served): ${qualitySentence(day.quality)}` : `Within 24 hours (evaluated, not served): not trained — ${day.reason}.`}
        </p>
      )}
    </>
  );
};

const Categories = ({ metrics }: { metrics: CategoriesMetrics }) => (
  <>
    <h3>Top-3 categories</h3>
    <p data-sentence="categories">{categoriesSentence(metrics)}</p>
    {metrics.quality && 'skill' in metrics.quality && <QualityTable quality={metrics.quality} label="Top-3 categories against their baselines" />}
  </>
);

/** The models card: what is served and how well it does against its baselines, or why nothing is; every run. */
export const ModelCard = ({ intent }: { intent: IntentResponse }) => {
  const run = intent.run;
  return (
    <section className="card model-card" aria-labelledby="model-title">
      <h2 id="model-title">Purchase-intent model</h2>
      <p className="hint" data-sentence="generated">
        {GENERATED_DATA_NOTE}
      </p>
      {run !== null && run.test ? <Served intent={intent} run={run} /> : <NotServed what="purchase-intent" task={intent.latest_run ?? undefined} sentence="model" />}
      <Abandonment intent={intent} />
      {intent.categories && <Categories metrics={intent.categories} />}
      <h3>Run history</h3>
      <WithCsv name="Intent runs">
        <div className="table-scroll">
          <table aria-label="Intent runs">
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Created</th>
                <th scope="col">Model</th>
                <th scope="col">Test AUC-PR</th>
                <th scope="col">Served</th>
                <th scope="col">Note</th>
              </tr>
            </thead>
            <tbody>
              {[...intent.runs].reverse().map((r) => (
                <tr key={r.run_id} data-run={r.run_id}>
                  <td className="mono">{r.run_id}</td>
                  <td>{r.created}</td>
                  <td>{r.family === null ? 'not trained' : `${familyName(r.family)} (${paramsText(r.params ?? {})})`}</td>
                  <td>{r.test_auc_pr === null ? '–' : r.test_auc_pr.toFixed(4)}</td>
                  <td>{r.run_id === intent.served_run ? 'yes' : 'no'}</td>
                  <td>{r.promoted ? '' : (r.reason ?? 'not promoted')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </WithCsv>
    </section>
  );
};
