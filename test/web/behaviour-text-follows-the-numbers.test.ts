// Issue 15.6: every sentence of the Behaviour page and the customer panel is built from the numbers it
// describes; these hand-made documents change a number and the sentence changes with it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FunnelRow, IntentRun } from '../../contract';
import { biggestDropSentence, formatDuration, formatRate, funnelSentence, modelSentence, sessionsSentence } from '../../web/src/behaviour-text';

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

test('the model sentence says above or not above the baseline from the numbers', () => {
  const metrics = (aucPr: number) => ({ rows: 500, accuracy: 0.9, precision: 0.25, recall: 0.4, f1: 0.3, auc_roc: 0.7, auc_pr: aucPr });
  const run = (aucPr: number): IntentRun => ({
    run_id: 'r', created: '', code_version: '', family: 'gradient_boosted_trees', params: { maxDepth: 3, maxIter: 20 }, threshold: 0.21, features: [],
    data_window: { first_session_start: '', validation_start: '', test_start: '', last_session_start: '', sessions: 0, sessions_without_events_before_cut: 0 },
    test: { chosen: metrics(aucPr), by_family: {}, majority_baseline: { ...metrics(0.05), positive_rate: 0.05 } },
    promoted: true, reason: null,
  });
  const good = modelSentence(run(0.2));
  assert.match(good, /gradient-boosted trees \(maxDepth 3, maxIter 20\)/);
  assert.match(good, /On the 500 test sessions, of which 5\.0% bought, its AUC-PR is 0\.2, above the 0\.05 of always answering "no purchase" \(4\.0×\)/);
  assert.match(good, /finds 40\.0% of the buying sessions, and 25\.0% of the sessions it flags do buy/);
  assert.match(modelSentence(run(0.04)), /its AUC-PR is 0\.04, not above the 0\.05/);
});
