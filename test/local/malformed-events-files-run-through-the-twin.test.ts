/**
 * The malformed-events corpus (test/fixtures/malformed-events/, 34 files, outcomes in expected.json)
 * through `npm run local -- --events FILE --once`, the real CLI: S3 and DynamoDB servers, broker, the
 * deployed ingest handler, the sinks, the behaviour Spark steps and the publish.
 *
 * Every file's exact per-line outcome (which lines are produced, each rejected line's code) and how a
 * twin run on it ends after ingest (the twin's verdict on its report: go on to Spark, or end with its
 * exit code and one line) are proved by the ingest suite on a real broker
 * (test/ingest/an-events-upload-goes-to-the-events-topic-keyed-by-session.test.ts). Here the whole run
 * is: a run that ends at ingest ends with its reason in one line and its exit code, before Spark, for one
 * file of each way to end there (a header neither kind has, a truncated gzip, every row rejected: exit 3;
 * a header-only file: exit 0 and "nothing to process"; after ingest the CLI's path depends only on the
 * verdict, so the other such files would run the same code); the files whose good rows reach Spark run in
 * one twin run (the CLI takes one events file, and a behaviour run is minutes on 2 cores), their rows
 * appended after one header, which must end with exit 0, the counts of every file summed in the console's
 * ingest line, the sessions line equal to the sessions job's report, and the behaviour outputs published.
 * Their few dozen events are too little data for an intent model, a normal case: the intent step says so,
 * serves no model, and the run still ends with exit 0. (The jobs on 1, 2, 3 and 4 events are
 * emr-jobs/tests/behaviour/test_behaviour_small_files_publish_without_a_model.py; a twin run of the 4-event
 * file alone ran the same twin code as this one, so it is one of the files here.) The Spark run starts
 * first, so the short runs that end at ingest go on beside it.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { BEHAVIOUR_LAKE } from '../../contract';
import { assertEndedAtIngest, byReasonOf, CORPUS, endingKind, endsAtIngest, expectedEvents as expected } from '../ingest/events-corpus';
import { runOnce } from './run-once';

const runEvents = (events: string) => runOnce(['--events', events]);

const lastLine = (text: string) => text.trim().split('\n').at(-1) ?? '';
const count = (text: string) => Number(text.replace(/,/g, ''));

/** The summary's `events ingest:` line as numbers: rows read, produced, rejected by reason. */
const ingestLine = (stdout: string) => {
  const m = /^ {2}events ingest: ([\d,]+) rows read, ([\d,]+) produced, (?:none rejected|([\d,]+) rejected \((.*)\));/m.exec(stdout);
  assert.ok(m, `no events ingest line in:\n${stdout}`);
  const byReason = Object.fromEntries((m[4] ?? '').split(', ').filter(Boolean).map((part) => [part.split(' ')[0], count(part.split(' ')[1])]));
  return { read: count(m[1]), produced: count(m[2]), rejected: m[3] ? count(m[3]) : 0, byReason };
};

const outputsPublished = (workDir: string) => {
  const lake = join(workDir, 'lake');
  assert.ok(existsSync(join(lake, BEHAVIOUR_LAKE.sessionsReportKey)), 'the sessions report is written');
  assert.ok(existsSync(join(lake, BEHAVIOUR_LAKE.funnelKey)), 'the funnel is written');
};

/** Files whose run ends at ingest; the CLI runs one of each ending (the ingest suite gives every one its verdict). */
const endsHere = Object.entries(expected).filter(([, e]) => endsAtIngest(e));
const THROUGH_THE_CLI = ['wrong-header.csv', 'truncated.csv.gz', 'only-bad-rows.csv', 'header-only.csv'];
/** Files whose good rows reach Spark. */
const reachSpark = Object.entries(expected).filter(([, e]) => !endsAtIngest(e));

/** A file's data rows as text (decompressed, BOM and header dropped, ending with a line break). */
const dataRows = (name: string): string => {
  const bytes = readFileSync(join(CORPUS, name));
  const text = (name.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('latin1');
  const rows = text.slice(text.indexOf('\n') + 1);
  return rows.endsWith('\n') ? rows : `${rows}\n`;
};

describe('the malformed-events corpus through `npm run local -- --events FILE --once`', { concurrency: 2 }, () => {
  test('the corpus has at least 25 files, each with an expected exit code', () => {
    assert.ok(Object.keys(expected).length >= 25, `${Object.keys(expected).length} files`);
    for (const [name, e] of Object.entries(expected)) assert.ok([0, 3].includes(e.exit), name);
    assert.equal(endsHere.length + reachSpark.length, Object.keys(expected).length);
    const kinds = (names: string[]) => [...new Set(names.map((name) => endingKind(expected[name])))].sort();
    assert.ok(THROUGH_THE_CLI.every((name) => endsAtIngest(expected[name])), 'each file through the CLI ends at ingest');
    assert.deepEqual(kinds(THROUGH_THE_CLI), kinds(endsHere.map(([name]) => name)), 'one file of each way a run ends at ingest');
  });

  test(`the ${reachSpark.length} files whose good rows reach Spark, in one run: exit 0, every file's counts, no intent model from so little data, outputs published`, { timeout: 20 * 60_000 }, async () => {
    const header = readFileSync(join(CORPUS, 'tiny-valid.csv'), 'latin1').split('\n')[0];
    const combined = join(mkdtempSync(join(tmpdir(), 'recstream-events-combined-')), 'malformed-events-combined.csv');
    writeFileSync(combined, Buffer.from(header + '\n' + reachSpark.map(([name]) => dataRows(name)).join(''), 'latin1'));
    const run = await runEvents(combined);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const got = ingestLine(run.stdout);
    const produced = reachSpark.reduce((n, [, e]) => n + e.produced.length, 0);
    const byReason = byReasonOf(Object.assign({}, ...reachSpark.map(([name, e]) => Object.fromEntries(Object.entries(e.quarantined).map(([line, r]) => [`${name}:${line}`, r])))));
    assert.deepEqual({ produced: got.produced, rejected: got.rejected, byReason: got.byReason }, { produced, rejected: Object.values(byReason).reduce((a, b) => a + b, 0), byReason });
    outputsPublished(run.workDir);
    const lake = join(run.workDir, 'lake');
    const { sessions } = JSON.parse(readFileSync(join(lake, BEHAVIOUR_LAKE.sessionsReportKey), 'utf8')) as { sessions: number };
    assert.ok(sessions > 0);
    assert.match(run.stdout, new RegExp(`^ {2}sessions: ${sessions}$`, 'm'), 'the summary prints the sessions job\'s count');
    const intent = JSON.parse(readFileSync(join(lake, BEHAVIOUR_LAKE.intentHistoryKey), 'utf8')) as { served_run: unknown; runs: { reason?: string }[] };
    assert.equal(intent.served_run, null, 'no intent model is served');
    assert.match(intent.runs.at(-1)?.reason ?? '', /^not enough sessions to train \(/);
    assert.doesNotMatch(run.stdout + run.stderr, /Traceback|    at /);
  });

  for (const name of THROUGH_THE_CLI)
    test(`${name}: exit ${expected[name].exit}, ended at ingest with its reason in one line`, { timeout: 5 * 60_000 }, async () => {
      const want = expected[name];
      const run = await runEvents(join(CORPUS, name));
      assertEndedAtIngest(name, want, run.code, lastLine(want.exit === 0 ? run.stdout : run.stderr), run.stdout + run.stderr);
      assert.ok(!existsSync(join(run.workDir, 'lake', BEHAVIOUR_LAKE.sessionsReportKey)), 'no Spark step ran');
      assert.doesNotMatch(run.stdout + run.stderr, /Traceback|    at /);
    });
});
