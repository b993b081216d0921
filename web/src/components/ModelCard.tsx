import type { IntentResponse, IntentRun } from '../../../contract';
import { formatNumber } from '../format';
import { confusionOf, familyName, formatRate, importanceNote, modelSentence, paramsText } from '../behaviour-text';

const Confusion = ({ run }: { run: IntentRun }) => {
  const c = confusionOf(run.test.chosen);
  if (!c) return <p className="hint">This run did not record its confusion counts (runs before they were kept).</p>;
  return (
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
  );
};

const Importances = ({ run }: { run: IntentRun }) => {
  const fi = run.feature_importances;
  if (!fi) return <p className="hint">This run did not record feature importances (runs before they were kept).</p>;
  const top = Math.max(...fi.by_feature.map((f) => f.value), Number.MIN_VALUE);
  return (
    <>
      <p className="hint">{importanceNote(fi.kind)}</p>
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
    </>
  );
};

/** The intent model card: what is served and how well it does, its confusion matrix, importances and every run. */
export const ModelCard = ({ intent }: { intent: IntentResponse }) => {
  const run = intent.run;
  return (
    <section className="card model-card" aria-labelledby="model-title">
      <h2 id="model-title">Purchase-intent model</h2>
      {run === null ? (
        <p className="hint">No model is served yet.</p>
      ) : (
        <>
          <p data-sentence="model">{modelSentence(run)}</p>
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
              <h3>Confusion matrix (test window, threshold {run.threshold.toFixed(3)})</h3>
              <Confusion run={run} />
            </div>
            <div>
              <h3>Test window by model family</h3>
              <table aria-label="Test metrics by model">
                <thead>
                  <tr>
                    <th scope="col">Model</th>
                    <th scope="col">AUC-PR</th>
                    <th scope="col">AUC-ROC</th>
                    <th scope="col">Precision</th>
                    <th scope="col">Recall</th>
                    <th scope="col">F1</th>
                  </tr>
                </thead>
                <tbody>
                  {[...Object.entries(run.test.by_family), ['majority baseline', run.test.majority_baseline] as const].map(([name, m]) => (
                    <tr key={name} data-family={name}>
                      <th scope="row">
                        {familyName(name)}
                        {name === run.family ? ' (served)' : ''}
                      </th>
                      <td>{m.auc_pr.toFixed(4)}</td>
                      <td>{m.auc_roc.toFixed(4)}</td>
                      <td>{formatRate(m.precision)}</td>
                      <td>{formatRate(m.recall)}</td>
                      <td>{m.f1.toFixed(4)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
          <h3>Feature importances</h3>
          <Importances run={run} />
        </>
      )}
      <h3>Run history</h3>
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
                <td>
                  {familyName(r.family)} ({paramsText(r.params)})
                </td>
                <td>{r.test_auc_pr.toFixed(4)}</td>
                <td>{r.run_id === intent.served_run ? 'yes' : 'no'}</td>
                <td>{r.promoted ? '' : (r.reason ?? 'not promoted')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
};
