/**
 * Issue 21: the README's recommender figures are those of a real run's record, committed beside the docs
 * (docs/runs/recommender-real-data.json: serving/metrics.json of `npm run bench:spark` on the 1M real rows,
 * too slow to re-run in the suite). The sentence is built here from the record, so a new record without a
 * README edit, or a README edit without a record, fails.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ALS_DEFAULTS, type Estimate, EVALUATE_FLAG, type RecommenderRun, sparkSteps } from '../../contract';

const ROOT = join(__dirname, '..', '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
const run = JSON.parse(readFileSync(join(ROOT, 'docs', 'runs', 'recommender-real-data.json'), 'utf8')) as RecommenderRun;

const signed = (e: Estimate) => `${e.mean >= 0 ? '+' : ''}${e.mean.toFixed(4)} [${e.low.toFixed(4)}, ${e.high.toFixed(4)}]`;
const plain = (e: Estimate) => `${e.mean.toFixed(4)} [${e.low.toFixed(4)}, ${e.high.toFixed(4)}]`;
const count = (n: number) => n.toLocaleString('en-US');
const versus = (rival: string) => run.ranker_vs.find((v) => v.rival === rival)!;

test('the README says which model the real run served, and why, in its own numbers', () => {
  assert.equal(run.served.model, 'ranker');
  assert.ok(readme.includes('the ranker serves.'));
  assert.ok(readme.includes(`it beat just repeats (NDCG@3 ${signed(versus('repeat').ndcg_difference)})`));
  for (const rival of ['repeat_then_als', 'repeat_then_category'] as const) assert.ok(readme.includes(`\`${rival}\` (${signed(versus(rival).ndcg_difference)})`), rival);
  // "each by more than its 95 % interval" is true only while every window comparison wins.
  assert.ok(readme.includes('each by more than its 95 % interval'));
  assert.ok(run.ranker_vs.every((v) => v.wins));
  assert.ok(readme.includes(`On the rolling windows (${count(run.windows.reduce((n, w) => n + w.users, 0))} customer-windows)`));
});

test('the README says the ranker beats every policy on the latest months, with the intervals', () => {
  const l = run.latest_months!;
  assert.ok(l.ranker_vs.length === 4 && l.ranker_vs.every((v) => v.wins), 'every latest-months comparison wins');
  const d = (rival: string) => signed(l.ranker_vs.find((v) => v.rival === rival)!.ndcg_difference);
  assert.ok(readme.includes(`On the latest months (the last 90 days, ${count(l.users)} customers; every model built from what was bought before them)`));
  assert.ok(readme.includes(`the ranker's NDCG@3 is ${plain(l.models.ranker!.ndcg)} and it beat every policy: just repeats ${d('repeat')}, \`repeat_then_als\` ${d('repeat_then_als')}, \`repeat_then_category\` ${d('repeat_then_category')}, popular ${d('popular')}`));
});

test('the README says the last month alone does not confirm the gain, with the intervals', () => {
  const h = run.holdout;
  assert.ok(readme.includes(`On the last 30 days alone (${count(h.users)} customers) the ranker's NDCG@3 is ${plain(h.models.ranker!.ndcg)}, just repeats ${plain(h.models.repeat!.ndcg)}: there the two cannot be told apart`));
  const d = h.ranker_vs.find((v) => v.rival === 'repeat')!.ndcg_difference;
  assert.ok(d.low <= 0 && d.high >= 0, 'the holdout difference interval contains 0');
});

test('the README counts the collaborative cards actually served', () => {
  const s = run.serving;
  assert.ok(readme.includes(`collaborative cards (ALS or co-purchase) for ${count(s.users_with_collaborative)} of ${count(s.users)} customers`));
  assert.ok(s.users_with_collaborative > 0 && (s.cards_by_source.als ?? 0) > 0);
});

test('the README states the judging cadence the deployment and the twin use', () => {
  assert.ok(readme.includes(`again once the purchases reach ${ALS_DEFAULTS.evaluateEveryDays} days past the last judgment`));
  assert.ok(readme.includes('(`--evaluate` or a full rebuild judges at once)'));
  // A full rebuild judges: the step plan adds --evaluate to --full, and only then.
  const argsOf = (full: boolean) => sparkSteps((key) => key, ALS_DEFAULTS, null, full)[0].args;
  assert.ok(argsOf(true).includes(EVALUATE_FLAG) && !argsOf(false).includes(EVALUATE_FLAG));
});
