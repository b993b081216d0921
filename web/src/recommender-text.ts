/**
 * Every name and figure the recommender's model card and the similar-products panel show, built from the
 * run record and the lists they describe (test/web/model-page-and-similar-products.test.ts reads them back).
 */
import type { Estimate, RecommenderGenerator, RecommenderModel, RecommenderRun, SimilarProduct } from '../../contract';
import { formatNumber } from './format';

/** What each model is, in a store owner's words; `repeat` is the "just repeats" baseline. */
export const MODEL_NAMES: Record<RecommenderModel, string> = {
  ranker: 'Learned ranker',
  repeat: 'Just repeats',
  repeat_then_als: 'Repeats, then ALS',
  repeat_then_category: 'Repeats, then category best sellers',
  popular: 'Popular',
};

/** The generators' names as the cards' badges say them (web/src/reason.ts). */
export const SOURCE_NAMES: Record<RecommenderGenerator | 'fallback', string> = {
  repeat: 'bought before',
  copurchase: 'bought together',
  als: 'similar customers (ALS)',
  category: 'their category',
  popular: 'popular now',
  fallback: 'best seller (unknown id)',
};
export const sourceName = (source: RecommenderGenerator | 'fallback'): string => SOURCE_NAMES[source];

/** A metric to four places: recall and NDCG at 3 are a few hundredths on real stores. */
export const formatMetric = (n: number): string => n.toFixed(4);
const signed = (n: number): string => `${n > 0 ? '+' : n < 0 ? '−' : ''}${formatMetric(Math.abs(n))}`;

/** `0.0655` and `0.0605 to 0.0705`: the mean and its 95 % bootstrap interval, for a cell's two lines. */
export const formatEstimate = (e: Estimate): { mean: string; interval: string } => ({ mean: formatMetric(e.mean), interval: `${formatMetric(e.low)} to ${formatMetric(e.high)}` });
/** A difference keeps its sign: `+0.0094` and `+0.0063 to +0.0125`. */
export const formatDifference = (e: Estimate): { mean: string; interval: string } => ({ mean: signed(e.mean), interval: `${signed(e.low)} to ${signed(e.high)}` });

/** The verdict of a paired comparison, as the promotion rule reads it (VERDICT_RULE says what it means). */
export const verdict = (wins: boolean): string => (wins ? 'wins' : 'no clear win');
export const VERDICT_RULE = 'The ranker wins against a rival only when the whole 95 % interval of the paired NDCG@3 difference lies above 0; otherwise the difference may be noise.';

/** The ranker first, then the baselines in the contract's order; only models the run scored. */
export const scoredModels = (models: Partial<Record<RecommenderModel, unknown>>, order: readonly RecommenderModel[]): RecommenderModel[] =>
  order.filter((m) => models[m] !== undefined);

/** `Learned ranker, chosen by the promotion rule` / `Repeats, then ALS, pinned by the operator`. */
export const servedLine = (served: RecommenderRun['served']): string =>
  `${MODEL_NAMES[served.model]}, ${served.pinned ? 'pinned by the operator (recommender.pin or --pin)' : 'chosen by the promotion rule'}.`;

/**
 * Which run judged the figures on the card: this one, or an earlier one whose evaluation this run kept (its choice and
 * ranker, with tonight's ALS fit and candidates); then the job's own reason. Runs older than the field judged themselves.
 */
export const evaluationLine = (run: Pick<RecommenderRun, 'run_id' | 'evaluation'>): string => {
  const e = run.evaluation;
  if (!e) return 'Judged by this run: every model on the windows and splits below.';
  const on = e.data_last ? ` on purchases up to ${e.data_last.slice(0, 10)}` : '';
  return e.fresh
    ? `Judged by this run${on}: every model on the windows and splits below. ${e.reason}`
    : `The figures below are run ${e.run_id}’s evaluation${on}; this run built its lists with that run’s choice and ranker and a new ALS fit. ${e.reason}`;
};

/** `this run` or the id of the run whose evaluation a run kept, for the history table. */
export const judgedBy = (r: { run_id: string; evaluation?: { run_id: string } }): string => (!r.evaluation || r.evaluation.run_id === r.run_id ? 'this run' : r.evaluation.run_id);

/** How many customers' lists hold a collaborative card (ALS or bought together), of all customers served. */
export const collaborativeLine = (serving: RecommenderRun['serving']): string =>
  `${formatNumber(serving.users_with_collaborative)} of ${formatNumber(serving.users)} customers’ lists hold at least one collaborative card (similar customers or bought together).`;

const plural = (n: number, noun: string): string => `${formatNumber(n)} ${noun}${n === 1 ? '' : 's'}`;

/** `bought together (4 orders)` / `customers also bought (7 customers)`: what the count counts. */
export const relationLabel = (p: Pick<SimilarProduct, 'relation' | 'count'>): string =>
  p.relation === 'bought_together' ? `bought together (${plural(p.count, 'order')})` : `customers also bought (${plural(p.count, 'customer')})`;

/** The note every quality figure needs on the twin's demo data. */
export const GENERATED_DATA_NOTE =
  'On generated demo data (the twin’s default), these quality measures describe the data generator, not a store’s customers: only a run on the store’s own purchases says how well the models recommend.';
