/**
 * Every sentence the Behaviour page and the customer panel say, built from the numbers they describe,
 * so a sentence cannot outlive its data (test/web/behaviour-text-follows-the-numbers.test.ts).
 */
import type { CategoriesMetrics, FunnelRow, IntentMetrics, IntentRun, ModelQuality, SessionMetrics, TaskRecord } from '../../contract';
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

/** The baselines and tasks by name, in words. */
const NAMES: Record<string, string> = {
  positive_rate: 'always answering "no purchase" (the positive rate)',
  counts_logistic_regression: 'a logistic regression on the plain counts (views, carts, removes)',
  own_most_viewed: "each customer's own most-viewed categories",
  most_popular: 'the most popular categories for everyone',
  affinity: 'the weighted affinity',
};
export const baselineName = (name: string): string => NAMES[name] ?? familyName(name);

const figure = (value: number, interval: [number, number]): string => `${value.toFixed(4)} [${interval[0].toFixed(4)}, ${interval[1].toFixed(4)}]`;
const signed = (v: number): string => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(4)}`;

/** The skill test in one sentence: the model's figure and interval against the best baseline's, and the paired difference. */
export const qualitySentence = (q: ModelQuality): string => {
  const value = (f: { auc_pr?: number; recall_at_3?: number }) => (q.metric === 'auc_pr' ? f.auc_pr! : f.recall_at_3!);
  const best = q.baselines.find((b) => b.name === q.best_baseline)!;
  const metric = q.metric === 'auc_pr' ? 'AUC-PR' : 'recall@3';
  const level = `${Math.round(q.level * 100)}% intervals over ${formatNumber(q.resamples)} resamples of the ${q.resampled}`;
  const diff = `${signed(q.difference.value)} [${signed(q.difference.interval[0])}, ${signed(q.difference.interval[1])}]`;
  const head = `${metric} ${figure(value(q.model), q.model.interval)} against ${figure(value(best), best.interval)} for ${baselineName(best.name)}, a difference of ${diff} (${level})`;
  return q.skill
    ? `${head}: it beats its best baseline by more than the interval.`
    : `${head}: no skill over its baseline — the difference's interval reaches 0 or below, so the figure is no evidence that it does better.`;
};

/** What the served intent model does on its test window; a run without an interval (older runs) against the positive rate only. */
export const modelSentence = (run: IntentRun): string => {
  const m = run.test!.chosen;
  const base = run.test!.majority_baseline;
  const rate = base.positive_rate ?? base.auc_pr;
  const head = `The served model is ${familyName(run.family!)} (${paramsText(run.params ?? {})}), chosen on validation AUC-PR, scoring open sessions on their events so far. On the ${formatNumber(m.rows)} test sessions, of which ${formatRate(rate)} bought, its `;
  const quality = run.quality ? qualitySentence(run.quality) : `AUC-PR is ${formatNumber(m.auc_pr)}, ${m.auc_pr > base.auc_pr ? 'above' : 'not above'} the ${formatNumber(base.auc_pr)} of always answering "no purchase" (no interval recorded).`;
  return `${head}${quality} At its threshold ${run.threshold!.toFixed(3)} it finds ${formatRate(m.recall)} of the buying sessions, and ${formatRate(m.precision)} of the sessions it flags do buy.`;
};

/** Why a task's latest run is not served (too little data, or no skill), in one sentence. */
export const notServedSentence = (what: string, task: TaskRecord | undefined): string => {
  if (!task) return `No ${what} model is served yet: no run has recorded one.`;
  if (!task.trained) return `No ${what} model is served: the latest run did not train — ${task.reason ?? 'no reason recorded'}.`;
  if (task.quality && !task.quality.skill) return `No ${what} model is served, because the latest run's model has its ${qualitySentence(task.quality)}`;
  return `No ${what} model is served: ${task.reason ?? 'the latest run was not promoted'}.`;
};

/** The top-3 categories' evaluation and what the served lists are, in words. */
export const categoriesSentence = (c: CategoriesMetrics): string => {
  const served = c.served?.own_most_viewed
    ? "The served lists are exactly each customer's own most-viewed categories, padded with the most popular ones."
    : `The served lists rank each customer's categories by views, carts and purchases weighted ${c.served?.weights.join('/') ?? '?'}, padded with the most popular ones.`;
  const q = c.quality;
  if (!q || !('skill' in q)) return `${served} ${q ? `Their quality is not judged: ${q.reason}.` : 'No evaluation was recorded.'}`;
  return `${served} On ${formatNumber(q.users ?? 0)} test users, ${baselineName(q.model.name)} reaches ${qualitySentence(q)}`;
};

/** Quality on generated events is the generator's, not the method's: said wherever a model figure is. */
export const GENERATED_DATA_NOTE =
  'Quality figures measured on generated events (the twin\'s demo data) measure how learnable the generator is, not how well the method does on a real store; README-behaviour.md gives the figures on the real REES46 sample first.';

/** One line per funnel figure saying what it counts, so that the figures reconcile at a glance. */
export const funnelFigureLines = (row: FunnelRow, unit: FunnelUnit): { figure: string; counts: string }[] => {
  const u = (n: number) => `${formatNumber(n)} ${plural(unit, n)}`;
  const { view, cart, purchase } = row.reached;
  const abandoned = row.cart_abandonment === null ? 0 : Math.round(row.cart_abandonment * row.with_any_cart);
  return [
    { figure: 'Viewed', counts: `${u(view)} with at least one view.` },
    { figure: 'Carted', counts: `${u(cart)} with a cart at or after their first view (${u(row.with_any_cart)} have a cart at all).` },
    {
      figure: 'Bought',
      counts: `${u(purchase)} with a purchase at or after that cart; ${u(row.with_any_purchase)} bought at all, in any order (the Sessions card's "with a purchase" counts those).`,
    },
    { figure: 'Cart → purchase', counts: `${formatRate(row.conversion.cart_to_purchase)} = bought ÷ carted (${formatNumber(purchase)} ÷ ${formatNumber(cart)}).` },
    {
      figure: 'Cart abandonment',
      counts:
        row.with_any_cart > 0
          ? `${formatRate(row.cart_abandonment)} = ${unit}s with a cart and no purchase after their first cart ÷ all with a cart (${formatNumber(abandoned)} ÷ ${formatNumber(row.with_any_cart)}); the other ${formatRate(1 - row.cart_abandonment!)} bought after their first cart. Its denominator includes carts before any view, so it need not add up with cart → purchase to 100%.`
          : `no ${unit} has a cart.`,
    },
  ];
};

/** The confusion counts of a metrics row, or null when the run did not record them. */
export const confusionOf = (m: IntentMetrics): { tp: number; fp: number; fn: number; tn: number } | null => m.confusion ?? null;

/** What the importances are, in words, by their kind. */
export const importanceNote = (kind: 'impurity_importance' | 'absolute_coefficient'): string =>
  kind === 'impurity_importance'
    ? "Spark's impurity-based importances: each feature's share of the trees' split gains (they add up to 100%)."
    : 'Absolute coefficients of the logistic regression on unscaled features: compare them only with care, a feature in larger units gets a smaller coefficient.';
