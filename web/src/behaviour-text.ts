/**
 * Every sentence the Behaviour page and the customer panel say, built from the numbers they describe,
 * so a sentence cannot outlive its data (test/web/behaviour-text-follows-the-numbers.test.ts).
 */
import type { FunnelRow, IntentMetrics, IntentRun, SessionMetrics } from '../../contract';
import { formatNumber } from './format';

/** `0.035338` → `3.5%`; null (a rate of nothing) → `–`. */
export const formatRate = (rate: number | null | undefined): string => (rate === null || rate === undefined ? '–' : `${(rate * 100).toFixed(1)}%`);

/** `5025` → `1 h 23 min`, `198.5` → `3 min 19 s`, `42` → `42 s`. */
export const formatDuration = (seconds: number | null | undefined): string => {
  if (seconds === null || seconds === undefined) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const m = Math.floor((s % 3600) / 60);
  return `${Math.floor(s / 3600)} h${m ? ` ${m} min` : ''}`;
};

export type FunnelUnit = 'session' | 'user';
const plural = (unit: FunnelUnit, n: number) => `${unit}${n === 1 ? '' : 's'}`;

/** The funnel in words, for the overall row of one unit kind. */
export const funnelSentence = (row: FunnelRow, unit: FunnelUnit): string => {
  const { view, cart, purchase } = row.reached;
  if (view === 0) return `No ${unit} has a view yet.`;
  const parts = [
    `Of ${formatNumber(view)} ${plural(unit, view)} with a view, ${formatNumber(cart)} (${formatRate(row.conversion.view_to_cart)}) added to the cart after viewing`,
    `and ${formatNumber(purchase)} (${formatRate(row.conversion.view_to_purchase)} of those viewing) bought after that cart.`,
  ];
  const abandoned = row.with_any_cart > 0 ? ` ${formatRate(row.cart_abandonment)} of the ${formatNumber(row.with_any_cart)} ${plural(unit, row.with_any_cart)} with a cart bought nothing after their first cart.` : '';
  const offPath = row.with_any_purchase - purchase;
  const direct = offPath > 0 ? ` ${formatNumber(row.with_any_purchase)} ${plural(unit, row.with_any_purchase)} bought something at all; the other ${formatNumber(offPath)} did not go view, cart, purchase in that order, so the funnel does not count them.` : '';
  return `${parts.join(' ')}${abandoned}${direct}`;
};

/** The biggest loss of the funnel: which step loses the larger share of those who reached the step before. */
export const biggestDropSentence = (row: FunnelRow): string | null => {
  const a = row.drop_off.view_to_cart;
  const b = row.drop_off.cart_to_purchase;
  if (a === null || b === null) return null;
  if (a === b) return `Both steps lose the same share (${formatRate(a)}).`;
  return a > b
    ? `The larger loss is between viewing and the cart (${formatRate(a)} drop off there, ${formatRate(b)} after the cart).`
    : `The larger loss is after the cart (${formatRate(b)} drop off there, ${formatRate(a)} between viewing and the cart).`;
};

export const sessionsSentence = (m: SessionMetrics): string => {
  if (m.sessions === 0) return 'No sessions yet.';
  return (
    `${formatNumber(m.sessions)} sessions: half last ${formatDuration(m.duration_seconds.median)} or less, nine in ten ${formatDuration(m.duration_seconds.p90)} or less; ` +
    `a session has ${m.events_per_session.mean.toFixed(2)} events on average (median ${formatNumber(m.events_per_session.median)}), ` +
    `and ${formatNumber(m.purchasing_sessions)} (${formatRate(m.purchasing_sessions / m.sessions)}) include a purchase.`
  );
};

const FAMILY: Record<string, string> = {
  decision_tree: 'decision tree',
  logistic_regression: 'logistic regression',
  gradient_boosted_trees: 'gradient-boosted trees',
};
export const familyName = (family: string): string => FAMILY[family] ?? family;
export const paramsText = (params: Record<string, unknown>): string =>
  Object.entries(params)
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ');

/** What the served model does on its test window, against always answering "no purchase". */
export const modelSentence = (run: IntentRun): string => {
  const m = run.test.chosen;
  const base = run.test.majority_baseline;
  const rate = base.positive_rate ?? base.auc_pr;
  const lift = rate > 0 ? m.auc_pr / rate : null;
  const comparison =
    m.auc_pr > base.auc_pr
      ? `above the ${formatNumber(base.auc_pr)} of always answering "no purchase"${lift !== null ? ` (${lift.toFixed(1)}×)` : ''}`
      : `not above the ${formatNumber(base.auc_pr)} of always answering "no purchase"`;
  return (
    `The served model is ${familyName(run.family)} (${paramsText(run.params)}), chosen on validation AUC-PR. ` +
    `On the ${formatNumber(m.rows)} test sessions, of which ${formatRate(rate)} bought, its AUC-PR is ${formatNumber(m.auc_pr)}, ${comparison}; ` +
    `at its threshold ${run.threshold.toFixed(3)} it finds ${formatRate(m.recall)} of the buying sessions, and ${formatRate(m.precision)} of the sessions it flags do buy.`
  );
};

/** The confusion counts of a metrics row, or null when the run did not record them. */
export const confusionOf = (m: IntentMetrics): { tp: number; fp: number; fn: number; tn: number } | null => m.confusion ?? null;

/** What the importances are, in words, by their kind. */
export const importanceNote = (kind: 'impurity_importance' | 'absolute_coefficient'): string =>
  kind === 'impurity_importance'
    ? "Spark's impurity-based importances: each feature's share of the trees' split gains (they add up to 100%)."
    : 'Absolute coefficients of the logistic regression on unscaled features: compare them only with care, a feature in larger units gets a smaller coefficient.';
