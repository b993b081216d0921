/**
 * What `recstream run` prints is for a person: one line per stage with its time
 * and counts, the Spark jobs' progress without Python dict dumps, the deployed
 * Lambdas' JSON log lines in their own log files, and a summary without `{}`,
 * `"1 objects"`, the fallback row counted as a source, or an empty holdout table.
 * Inputs are shaped as a real run produces them (lines and metrics.json of the
 * default run, 2026-11-27).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { logToFile } from '../../local/pipeline/lambda-logs';
import { createStages, plainDicts } from '../../local/pipeline/progress';
import type { TwinSummary } from '../../local/pipeline/run';
import { describeMetrics, type MetricsDocument, summaryLines } from '../../local/pipeline/summary';

const estimate = (mean: number, low: number, high: number) => ({ mean, low, high });
const REAL_METRICS: MetricsDocument = {
  served: { model: 'ranker', reason: 'Beat repeat on the rolling windows: NDCG@3 +0.0046 [0.0028, 0.0065], the 95 % interval above 0.', pinned: false },
  serving: { users: 8636, cards_by_source: { repeat: 8636, category: 9214, popular: 843, als: 3215, fallback: 3 }, users_with_collaborative: 2900 },
  holdout: {
    start: '2020-06-14T00:00:00Z',
    end: '2020-07-14T17:47:38Z',
    users: 49,
    models: {
      popular: { users: 49, recall: estimate(0.03927, 0.0, 0.09), ndcg: estimate(0.041872, 0.0, 0.095) },
      ranker: { users: 49, recall: estimate(0.261194, 0.15, 0.37), ndcg: estimate(0.235656, 0.14, 0.33) },
    },
    ranker_vs: [],
    by_source: {},
  },
};

const summary = (overrides: Partial<TwinSummary> = {}): TwinSummary => ({
  csv: '/repo/.work/local/data/generated-200000-seed-20200424.csv.gz',
  lake: '/repo/.work/local/lake',
  upload: { endpoint: 'http://127.0.0.1:44335', bucket: 'landing', key: 'uploads/generated-200000-seed-20200424.csv.gz' },
  ingest: { source: 'landing/uploads/x@e', status: 'ok', read: 200_000, produced: 200_000, rejected: 0, rejectedByReason: {}, realigned: 38_697, seconds: 7.661 } as TwinSummary['ingest'],
  sink: { objects: 1, rows: 200_000, bytes: 67_654_000, compressedBytes: 5_568_000 } as TwinSummary['sink'],
  clean: undefined,
  load: { files: 9, lines: 8637, loaded: 8636, invalid: 0, invalidSamples: [], fallback: 'loaded' },
  metrics: REAL_METRICS as Record<string, unknown>,
  exampleUsers: { users: [], sources: [] },
  timings: [
    { stage: 'ingest', ms: 8000 },
    { stage: 'clean', ms: 183_800 },
  ],
  signIn: { username: 'analyst', password: 'pw', accessLog: '/repo/.work/local/logs/api-access.log' },
  ...overrides,
});

test('Spark progress lines: Python dicts become "key value" pairs, fractions to 3 decimals', () => {
  assert.equal(
    plainDicts("chosen {'rank': 16, 'reg_param': 0.1, 'alpha': 10.0, 'max_iter': 10, 'policy': 'repeat_then_category', 'by': 'mean ndcg@3 (then recall@3) over 3 rolling selection windows'}"),
    'chosen rank 16, reg_param 0.1, alpha 10, max_iter 10, policy repeat_then_category, by mean ndcg@3 (then recall@3) over 3 rolling selection windows',
  );
  assert.equal(
    plainDicts("holdout: 49 users; served {'users': 49, 'precision': 0.176871, 'hit_rate': 0.44898} vs popular {'users': 49, 'precision': 0.027211, 'hit_rate': 0.081633}"),
    'holdout: 49 users; served users 49, precision 0.177, hit_rate 0.449 vs popular users 49, precision 0.027, hit_rate 0.082',
  );
  const plain = 'wrote quarantine /lake/quarantine/purchases/ and report /lake/reports/clean-report.json: nothing quarantined';
  assert.equal(plainDicts(plain), plain);
});

test('metrics: cards counted by source without the fallback row, the served model and why, a holdout table with intervals', () => {
  const lines = describeMetrics(REAL_METRICS);
  assert.equal(lines[0], '  recommendations: 8,636 customers, cards by source: category 9,214, repeat 8,636, als 3,215, popular 843; anyone else gets the best-seller list');
  assert.equal(lines[1], '  served model: ranker — Beat repeat on the rolling windows: NDCG@3 +0.0046 [0.0028, 0.0065], the 95 % interval above 0.');
  assert.equal(lines[2], '  holdout 2020-06-14 to 2020-07-14: 49 customers who bought before and during it; top 3, 95 % intervals:');
  assert.match(lines[4], /^ {4}popular +0\.042 \[0\.000, 0\.095\] +0\.039 \[0\.000, 0\.090\]$/);
  assert.match(lines[5], /^ {4}ranker +0\.236 \[0\.140, 0\.330\] +0\.261 \[0\.150, 0\.370\]$/);
  for (const line of lines) assert.doesNotMatch(line, /[{}"]/);
});

test('metrics: a run that kept an earlier evaluation says so under the served model, in the job\'s words', () => {
  const reason = "Kept run 20261207T2151Z-e1f222's evaluation, judged on purchases up to 2020-07-14: tonight's reach 0 days past them (at most 7 before the models are judged again).";
  const evaluation = { run_id: '20261207T2151Z-e1f222', data_last: '2020-07-14T17:47:37Z', fresh: false, reason, settings: {} };
  const lines = describeMetrics({ ...REAL_METRICS, evaluation });
  assert.equal(lines[2], `  judged: ${reason}`);
  assert.ok(!describeMetrics(REAL_METRICS).some((l) => l.startsWith('  judged:')), 'a record older than the field prints no line');
});

test('the latest months: the ranker against just repeats in one line, its verdict from the interval, nothing when none was judged', () => {
  const split = (low: number, users = 120) => ({
    start: '2020-04-15T00:00:00Z',
    end: '2020-07-14T17:47:38Z',
    users,
    models: {},
    ranker_vs: [{ rival: 'repeat' as const, ndcg_difference: estimate(0.0048, low, 0.0075), wins: low > 0 }],
    by_source: {},
  });
  assert.equal(
    describeMetrics({ ...REAL_METRICS, latest_months: split(0.0024) }).at(-1),
    '  latest months 2020-04-15 to 2020-07-14 (models built before them): 120 customers; ranker minus just repeats, ndcg@3 +0.0048 [0.0024, 0.0075], the ranker wins',
  );
  assert.match(describeMetrics({ ...REAL_METRICS, latest_months: split(-0.001) }).at(-1)!, /ndcg@3 \+0\.0048 \[-0\.0010, 0\.0075\], inside the interval: no clear winner$/);
  for (const latest of [split(0.0024, 0), undefined]) assert.ok(!describeMetrics({ ...REAL_METRICS, latest_months: latest }).some((l) => l.includes('latest months')));
});

test('quality figures of the bundled generated data say they describe the generator; a store’s own CSV does not get the note', () => {
  const note = (s: TwinSummary) => summaryLines(s).filter((l) => l.includes('describe the data generator')).length;
  assert.equal(note(summary({ generated: true })), 1);
  assert.equal(note(summary({ generated: false })), 0);
  assert.equal(note(summary({ generated: true, metrics: undefined })), 0);
});

test('an empty holdout says so in one line instead of a header with no rows', () => {
  for (const holdout of [{ ...REAL_METRICS.holdout!, users: 0, models: {} }, { ...REAL_METRICS.holdout!, models: {} }, undefined]) {
    const lines = describeMetrics({ ...REAL_METRICS, holdout });
    assert.equal(lines.at(-1), '  holdout: nothing measured (no customer bought both before and during the last days held out)');
    assert.equal(lines.filter((l) => l.includes('holdout')).length, 1);
  }
});

test('summary: no JSON, singular for one, reject reasons only when there are rejects', () => {
  const clean = summaryLines(summary()).join('\n');
  assert.doesNotMatch(clean, /[{}]|"|1 objects|0 rejected/);
  assert.match(clean, /ingest: 200,000 rows read, 200,000 produced, none rejected;/);
  assert.match(clean, /lake: 200,000 records \(rows and completion records\) in 1 object, 64\.52 MiB/);
  assert.match(clean, /serving table: 8,636 customers loaded, best-seller list loaded/);
  assert.match(clean, /time: 191\.8s \(ingest 8\.0s, clean 183\.8s\)/);
  const rejected = summaryLines(
    summary({ ingest: { ...summary().ingest!, produced: 199_996, rejected: 4, rejectedByReason: { invalid_price: 1, column_count: 3 } } }),
  ).join('\n');
  assert.match(rejected, /199,996 produced, 4 rejected \(column_count 3, invalid_price 1\);/);
});

test('stages: one line each with name, time and counts; a long one also says when it starts', async () => {
  const printed: string[] = [];
  const stages = createStages((line) => printed.push(line));
  await stages.run('ingest', async () => 3, (n) => `${n} rows read`);
  assert.equal(printed.length, 1);
  assert.match(printed[0], /^\[ +\d+\.\ds\] ingest {11}\s+\d+\.\ds {2}3 rows read$/);
  await stages.run('clean', () => new Promise((resolve) => setTimeout(resolve, 3_300)));
  assert.deepEqual(
    printed.slice(1).map((l) => l.replace(/^\[ *[\d.]+s\] /, '')),
    ['clean ...', `clean ${' '.repeat(10)}    3.3s`],
  );
});

test("a deployed Lambda's console lines go to its log file, the twin's own to the console", async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'recstream-lambda-log-')), 'lambda-ingest.log');
  // The console as the twin finds it (a spy here), before logToFile routes it.
  const onConsole: string[] = [];
  const consoleLog = console.log;
  console.log = (...args: unknown[]) => onConsole.push(args.join(' '));
  try {
    const logged = logToFile(async (key: string) => {
      console.log(JSON.stringify({ progress: key, read: 100_000 }));
      await new Promise((resolve) => setTimeout(resolve, 10));
      console.log(JSON.stringify({ report: { status: 'ok' } }));
      return key.length;
    }, file);
    const result = logged.handler('uploads/a.csv');
    console.log('twin: ingest ...'); // the twin's own line, printed while the handler runs
    assert.equal(await result, 13);
    await logged.close();
  } finally {
    console.log = consoleLog;
  }
  assert.deepEqual(onConsole, ['twin: ingest ...']);
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  assert.equal(lines.length, 2);
  assert.match(lines[0], /^\d{4}-\d\d-\d\dT[\d:.]+Z \{"progress":"uploads\/a\.csv","read":100000\}$/);
  assert.match(lines[1], / \{"report":\{"status":"ok"\}\}$/);
});
