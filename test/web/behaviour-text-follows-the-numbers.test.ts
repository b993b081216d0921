// Issue 15.6: every sentence of the Behaviour page and the customer panel is built from the numbers it
// describes; these hand-made documents change a number and the sentence changes with it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CategoriesMetrics, FunnelRow, IntentRun, ModelQuality } from '../../contract';
import { biggestDropSentence, categoriesSentence, formatDuration, formatRate, funnelFigureLines, funnelSentence, modelSentence, notServedSentence, qualitySentence, sessionsSentence } from '../../web/src/behaviour-text';

const row = (view: number, cart: number, purchase: number, withAnyCart: number, withAnyPurchase: number): FunnelRow => ({
  units: view,
  reached: { view, cart, purchase },
  conversion: { view_to_cart: cart / view, cart_to_purchase: cart ? purchase / cart : null, view_to_purchase: purchase / view },
  drop_off: { view_to_cart: 1 - cart / view, cart_to_purchase: cart ? 1 - purchase / cart : null, view_to_purchase: 1 - purchase / view },
  with_any_cart: withAnyCart,
  with_any_purchase: withAnyPurchase,
  cart_abandonment: withAnyCart ? (withAnyCart - purchase) / withAnyCart : null,
  median_seconds: { view_to_cart: 198.5, cart_to_purchase: 55 },
});

test('rates and durations are written the one way the page uses', () => {
  assert.equal(formatRate(0.035338), '3.5%');
  assert.equal(formatRate(null), '–');
  assert.equal(formatDuration(42), '42 s');
  assert.equal(formatDuration(198.5), '3 min 19 s');
  assert.equal(formatDuration(5025), '1 h 23 min');
});

test('the funnel sentence states the counts and rates of the row, and purchases off the path only when there are some', () => {
  const text = funnelSentence(row(1000, 40, 10, 50, 30), 'session');
  assert.match(text, /^Of 1,000 sessions with a view, 40 \(4\.0%\) added to the cart after viewing and 10 \(1\.0% of those viewing\) bought after that cart\./);
  assert.match(text, /80\.0% of the 50 sessions with a cart bought nothing after their first cart\./);
  assert.match(text, /30 sessions bought something at all; the other 20 did not go view, cart, purchase in that order/);
  assert.doesNotMatch(funnelSentence(row(1000, 40, 10, 50, 10), 'user'), /at all/);
  assert.equal(funnelSentence(row(1, 0, 0, 0, 0), 'user').startsWith('Of 1 user with a view'), true);
});

test('the biggest-drop sentence names whichever step loses more', () => {
  assert.match(biggestDropSentence(row(1000, 40, 10, 40, 10))!, /between viewing and the cart \(96\.0%/);
  assert.match(biggestDropSentence(row(100, 90, 9, 90, 9))!, /after the cart \(90\.0%/);
});

test('the sessions sentence is the metrics', () => {
  const text = sessionsSentence({ sessions: 200, purchasing_sessions: 7, duration_seconds: { median: 90, p90: 1800, mean: 300 }, events_per_session: { median: 2, mean: 2.845 }, events_histogram: [] });
  assert.equal(text, '200 sessions: half last 1 min 30 s or less, nine in ten 30 min or less; a session has 2.85 events on average (median 2), and 7 (3.5%) include a purchase.');
});

const quality = (model: number, best: number, difference: [number, number]): ModelQuality => ({
  metric: 'auc_pr',
  resamples: 200,
  level: 0.95,
  resampled: 'test sessions',
  model: { name: 'gradient_boosted_trees', auc_pr: model, interval: [model - 0.03, model + 0.03] },
  baselines: [
    { name: 'positive_rate', auc_pr: 0.05, interval: [0.04, 0.06] },
    { name: 'counts_logistic_regression', auc_pr: best, interval: [best - 0.02, best + 0.02] },
  ],
  best_baseline: 'counts_logistic_regression',
  difference: { value: model - best, interval: difference },
  skill: difference[0] > 0,
});

const metrics = (aucPr: number) => ({ rows: 500, accuracy: 0.9, precision: 0.25, recall: 0.4, f1: 0.3, auc_roc: 0.7, auc_pr: aucPr });
const run = (q: ModelQuality | undefined, trained = true): IntentRun => ({
  run_id: 'r', created: '', code_version: '', task: 'intent', trained, family: 'gradient_boosted_trees', params: { maxDepth: 3, maxIter: 20 }, threshold: 0.21, features: [],
  data_window: { sessions: 10, buyers: 1, by_split: { train: { sessions: 7, buyers: 1 }, validation: { sessions: 2, buyers: 0 }, test: { sessions: 1, buyers: 0 } }, split: '' },
  test: { chosen: metrics(0.2), by_family: {}, majority_baseline: { ...metrics(0.05), positive_rate: 0.05 } },
  ...(q ? { quality: q } : {}),
  promoted: true, reason: null,
  ...(trained ? {} : { reason: 'not enough sessions to train (test 1 sessions, 0 buying < minimum 50 sessions, 5 buying per split); no model is served' }),
});

test('the model sentence gives the figure with its interval beside the best baseline, and skill only when the difference clears 0', () => {
  const good = modelSentence(run(quality(0.2, 0.12, [0.03, 0.13])));
  assert.match(good, /gradient-boosted trees \(maxDepth 3, maxIter 20\)/);
  assert.match(good, /On the 500 test sessions, of which 5\.0% bought, its AUC-PR 0\.2000 \[0\.1700, 0\.2300\] against 0\.1200 \[0\.1000, 0\.1400\] for a logistic regression on the plain counts/);
  assert.match(good, /a difference of \+0\.0800 \[\+0\.0300, \+0\.1300\] \(95% intervals over 200 resamples of the test sessions\): it beats its best baseline by more than the interval\./);
  assert.match(good, /finds 40\.0% of the buying sessions, and 25\.0% of the sessions it flags do buy/);
  const none = qualitySentence(quality(0.2, 0.18, [-0.01, 0.05]));
  assert.match(none, /no skill over its baseline/);
  assert.doesNotMatch(none, /beats/);
  // A run recorded before intervals existed is compared with the positive rate and says it has no interval.
  assert.match(modelSentence(run(undefined)), /AUC-PR is 0\.2, above the 0\.05 of always answering "no purchase" \(no interval recorded\)/);
});

test('a model that is not served is not presented: the page says why, from the run', () => {
  const noSkill = notServedSentence('purchase-intent', run(quality(0.0758, 0.1608, [-0.2168, 0.0073])));
  assert.match(noSkill, /^No purchase-intent model is served, because the latest run's model has its AUC-PR 0\.0758 \[/);
  assert.match(noSkill, /: no skill over its baseline — the difference's interval reaches 0 or below/);
  assert.equal(
    notServedSentence('cart-abandonment', run(undefined, false)),
    'No cart-abandonment model is served: the latest run did not train — not enough sessions to train (test 1 sessions, 0 buying < minimum 50 sessions, 5 buying per split); no model is served.',
  );
});

test('the categories sentence says the served lists are the own most-viewed exactly when they are', () => {
  const doc = (own: boolean, judged: boolean): CategoriesMetrics => ({
    k: 3,
    split: {},
    served_users: 10,
    served: { weights: own ? [1, 0, 0] : [1, 2, 4], own_most_viewed: own, reason: '' },
    quality: judged
      ? { ...quality(0.4, 0.3, [0.02, 0.18]), metric: 'recall_at_3', users: 120, model: { name: 'own_most_viewed', recall_at_3: 0.4, interval: [0.35, 0.45] }, baselines: [{ name: 'most_popular', recall_at_3: 0.3, interval: [0.25, 0.35] }], best_baseline: 'most_popular' }
      : { enough: false, reason: 'not enough users on test to judge (11 < minimum 30)' },
  });
  assert.match(categoriesSentence(doc(true, false)), /^The served lists are exactly each customer's own most-viewed categories, padded with the most popular ones\. Their quality is not judged: not enough users on test to judge \(11 < minimum 30\)\.$/);
  assert.match(categoriesSentence(doc(false, true)), /weighted 1\/2\/4/);
  assert.match(categoriesSentence(doc(true, true)), /On 120 test users, each customer's own most-viewed categories reaches recall@3 0\.4000 \[0\.3500, 0\.4500\] against 0\.3000 \[0\.2500, 0\.3500\] for the most popular categories for everyone/);
});

test('one line per funnel figure says what it counts, and the numbers in the lines reconcile', () => {
  const r = row(3449, 75, 36, 75, 123);
  const lines = Object.fromEntries(funnelFigureLines(r, 'session').map((l) => [l.figure, l.counts]));
  assert.equal(lines.Viewed, '3,449 sessions with at least one view.');
  assert.equal(lines.Carted, '75 sessions with a cart at or after their first view (75 sessions have a cart at all).');
  assert.match(lines.Bought, /^36 sessions with a purchase at or after that cart; 123 sessions bought at all, in any order/);
  assert.equal(lines['Cart → purchase'], '48.0% = bought ÷ carted (36 ÷ 75).');
  // abandoned (39) + bought after the first cart (36) = all with a cart (75): 52.0% + 48.0%.
  assert.match(lines['Cart abandonment'], /^52\.0% = sessions with a cart and no purchase after their first cart ÷ all with a cart \(39 ÷ 75\); the other 48\.0% bought after their first cart\./);
});
