import { RECOMMENDER_MODELS, type RecommenderGenerator, type RecommenderModelResponse, type RecommenderRun, type UnseenSplit } from '../../../contract';
import { formatCount, formatNumber } from '../format';
import {
  collaborativeLine,
  evaluationLine,
  formatDifference,
  formatEstimate,
  formatMetric,
  judgedBy,
  MODEL_NAMES,
  scoredModels,
  servedLine,
  SOURCE_NAMES,
  verdict,
  VERDICT_RULE,
} from '../recommender-text';

const dash = '–';

/** A mean over its 95 % interval, in one cell. */
const EstimateCell = ({ value }: { value: { mean: string; interval: string } | undefined }) =>
  value === undefined ? (
    <td>{dash}</td>
  ) : (
    <td>
      {value.mean}
      <span className="interval">{value.interval}</span>
    </td>
  );

/** The periods no model saw, as the card's columns name them: the holdout, then the latest months (absent in older runs). */
const unseenSplits = (run: RecommenderRun): Array<{ label: string; split: UnseenSplit }> => [
  { label: 'Holdout', split: run.holdout },
  ...(run.latest_months ? [{ label: 'Latest months', split: run.latest_months }] : []),
];

/** Column headers, one per name. */
const Heads = ({ names }: { names: string[] }) => (
  <>
    {names.map((name) => (
      <th scope="col" key={name}>
        {name}
      </th>
    ))}
  </>
);

/** Recall@3 and NDCG@3 with their intervals, on each unseen split and on the mean of the rolling windows, per model. */
const Quality = ({ run }: { run: RecommenderRun }) => {
  const splits = unseenSplits(run);
  const models = scoredModels(Object.assign({}, run.window_mean, ...splits.map((s) => s.split.models)), RECOMMENDER_MODELS);
  return (
    <div className="table-scroll">
      <table aria-label="Recall and NDCG at 3 by model">
        <thead>
          <tr>
            <Heads names={['Model', ...splits.flatMap(({ label }) => [`${label} recall@3`, `${label} NDCG@3`]), 'Window mean recall@3', 'Window mean NDCG@3']} />
          </tr>
        </thead>
        <tbody>
          {models.map((m) => {
            const windows = run.window_mean[m];
            return (
              <tr key={m} data-model={m}>
                <th scope="row">
                  {MODEL_NAMES[m]}
                  {m === run.served.model ? ' (served)' : ''}
                </th>
                {splits.map(({ label, split }) => [
                  <EstimateCell key={`${label}-recall`} value={split.models[m] && formatEstimate(split.models[m]!.recall)} />,
                  <EstimateCell key={`${label}-ndcg`} value={split.models[m] && formatEstimate(split.models[m]!.ndcg)} />,
                ])}
                <EstimateCell value={windows && formatEstimate(windows.recall)} />
                <EstimateCell value={windows && formatEstimate(windows.ndcg)} />
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
};

/** The ranker's paired NDCG@3 differences against each rival, pooled over the windows and on each unseen split. */
const Comparisons = ({ run }: { run: RecommenderRun }) => {
  if (run.ranker_vs.length === 0) return <p className="hint">This run compared the ranker with no rival.</p>;
  const splits = unseenSplits(run).map(({ label, split }) => ({ label, by: new Map(split.ranker_vs.map((d) => [d.rival, d])) }));
  return (
    <div className="table-scroll">
      <table aria-label="The ranker against each rival">
        <thead>
          <tr>
            <Heads names={['Rival', 'Windows: difference', 'Windows', ...splits.flatMap(({ label }) => [`${label}: difference`, label])]} />
          </tr>
        </thead>
        <tbody>
          {run.ranker_vs.map((d) => (
            <tr key={d.rival} data-rival={d.rival}>
              <th scope="row">{MODEL_NAMES[d.rival]}</th>
              <EstimateCell value={formatDifference(d.ndcg_difference)} />
              <td>{verdict(d.wins)}</td>
              {splits.map(({ label, by }) => {
                const h = by.get(d.rival);
                return [
                  <EstimateCell key={`${label}-d`} value={h && formatDifference(h.ndcg_difference)} />,
                  <td key={`${label}-v`}>{h ? verdict(h.wins) : dash}</td>,
                ];
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
};

const SOURCES = Object.keys(SOURCE_NAMES) as (RecommenderGenerator | 'fallback')[];
type SourceCounts = Partial<Record<RecommenderGenerator | 'fallback', { served: number; hits: number }>>;

/** Cards per generator: over every served list, and on each unseen split with how many the customers then bought. */
const BySource = ({ run }: { run: RecommenderRun }) => {
  const splits = unseenSplits(run).map(({ label, split }) => ({ label, counts: split.by_source as SourceCounts }));
  const sources = SOURCES.filter((s) => run.serving.cards_by_source[s] !== undefined || splits.some(({ counts }) => counts[s] !== undefined));
  return (
    <div className="table-scroll">
      <table aria-label="Cards by source">
        <thead>
          <tr>
            <Heads names={['Source', 'Cards served', ...splits.flatMap(({ label }) => [`${label} cards`, `${label} cards then bought`])]} />
          </tr>
        </thead>
        <tbody>
          {sources.map((s) => (
            <tr key={s} data-source={s}>
              <th scope="row">{SOURCE_NAMES[s]}</th>
              <td>{formatNumber(run.serving.cards_by_source[s] ?? 0)}</td>
              {splits.map(({ label, counts }) => [
                <td key={`${label}-c`}>{counts[s] ? formatNumber(counts[s]!.served) : dash}</td>,
                <td key={`${label}-h`}>{counts[s] ? formatNumber(counts[s]!.hits) : dash}</td>,
              ])}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
};

const History = ({ history }: { history: RecommenderModelResponse['history'] }) => (
  <div className="table-scroll">
    <table aria-label="Recommender runs">
      <thead>
        <tr>
          <th scope="col">Run</th>
          <th scope="col">Served</th>
          <th scope="col">Judged by</th>
          <th scope="col">NDCG@3 served</th>
          <th scope="col">{MODEL_NAMES.ranker}</th>
          <th scope="col">{MODEL_NAMES.repeat}</th>
          <th scope="col">{MODEL_NAMES.popular}</th>
          <th scope="col">Holdout customers</th>
          <th scope="col">Code version</th>
        </tr>
      </thead>
      <tbody>
        {[...history].reverse().map((r) => {
          const ndcg = (m: keyof typeof MODEL_NAMES) => (r.holdout_ndcg[m] === undefined ? dash : formatMetric(r.holdout_ndcg[m]!));
          return (
            <tr key={r.run_id} data-run={r.run_id}>
              <td className="mono" title={`created ${r.created}`}>
                {r.run_id}
              </td>
              <td className="wrap">
                {MODEL_NAMES[r.served.model]}
                {r.served.pinned ? ' (pinned)' : ''}
              </td>
              <td className="mono">{judgedBy(r)}</td>
              <td>{ndcg(r.served.model)}</td>
              <td>{ndcg('ranker')}</td>
              <td>{ndcg('repeat')}</td>
              <td>{ndcg('popular')}</td>
              <td>{formatNumber(r.users)}</td>
              <td className="mono">{r.code_version}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  </div>
);

/** The recommender's model card: what is served and why, how it compares with the baselines, what it served, every run. */
export const RecommenderCard = ({ model }: { model: RecommenderModelResponse }) => {
  const run = model.latest;
  return (
    <section className="card" aria-labelledby="recommender-title">
      <h2 id="recommender-title">Recommender model</h2>
      <p data-sentence="served">
        <strong>Serving:</strong> {servedLine(run.served)}
      </p>
      <p data-sentence="reason">
        <strong>Why:</strong> {run.served.reason}
      </p>
      <p data-sentence="evaluation">
        <strong>Judged:</strong> {evaluationLine(run)}
      </p>
      <dl className="facts stats">
        <dt>Run</dt>
        <dd className="mono">{run.run_id}</dd>
        <dt>Created</dt>
        <dd>{run.created}</dd>
        <dt>Purchases seen</dt>
        <dd>
          {run.data_span.first ?? dash} to {run.data_span.last ?? dash}: {formatNumber(run.data_span.line_items)} line items of {formatNumber(run.data_span.customers)} known customers
        </dd>
        <dt>Code version</dt>
        <dd className="mono">{run.code_version}</dd>
        <dt>Promotion rule</dt>
        <dd data-sentence="rule">{run.rule}</dd>
      </dl>
      <h3>
        Quality: holdout {run.holdout.start} to {run.holdout.end} ({formatNumber(run.holdout.users)} customers)
        {run.latest_months ? `, latest months ${run.latest_months.start} to ${run.latest_months.end} (${formatNumber(run.latest_months.users)} customers)` : ''}, and the mean of{' '}
        {formatCount(run.windows.length, 'rolling window')}
      </h3>
      <p className="hint">Each figure is the mean over customers with its 95 % bootstrap interval (customers resampled).</p>
      <Quality run={run} />
      <h3>The ranker against each rival (NDCG@3, paired per customer)</h3>
      <p className="hint">{VERDICT_RULE}</p>
      <Comparisons run={run} />
      <h3>What was served</h3>
      <p data-sentence="collaborative">{collaborativeLine(run.serving)}</p>
      <BySource run={run} />
      <h3>Run history (holdout NDCG@3 of each run)</h3>
      <History history={model.history} />
    </section>
  );
};
