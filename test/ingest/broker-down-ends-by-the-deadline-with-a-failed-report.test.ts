/**
 * The broker dies mid-file and never comes back (issue 13.1: ingest used to
 * wait on the producer's retries for many minutes, past any deadline, with no
 * report). The run must end by its deadline, write its report with status
 * `failed` and the reason, and throw, so Lambda retries the event and, after
 * the retries, keeps it on the failed-uploads queue.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ingestReportKeyFor } from '../../contract';
import { ingestFile } from '../../local/ingest/ingest-file';
import type { IngestReport } from '../../lambdas/ingest/ingest';
import { IngestFailed } from '../../lambdas/ingest/upload';
import { brokerForSuite, longUpload } from './helpers';

const TOPIC = { name: 'broker-stays-down', partitions: 3 };
/** Short, so the test is fast; the Lambda's is its remaining time minus 30 s. */
const DEADLINE_MS = 12_000;
/** What ending "by the deadline" may overshoot: settling the report, not another retry round. */
const SLACK_MS = 3_000;

const COPIES = 40;

describe('a broker that stays down', () => {
  const brokerOf = brokerForSuite(TOPIC);

  test('ends the run by its deadline with a failed report, and throws', async () => {
    const broker = brokerOf();
    const path = longUpload(mkdtempSync(join(tmpdir(), 'ingest-down-')), COPIES);
    const started = Date.now();
    let stopping: Promise<void> | undefined;
    const run = ingestFile(path, { brokers: [broker.bootstrap], auth: 'plaintext' }, {
      topic: TOPIC.name,
      deadline: started + DEADLINE_MS,
      progressEvery: 20_000,
      // Killed once rows are flowing, and not restarted.
      onProgress: () => void (stopping ??= broker.stop()),
    });
    const error = await run.then(
      () => assert.fail('a run whose broker is gone cannot succeed'),
      (e: unknown) => e,
    );
    const elapsed = Date.now() - started;
    await stopping;
    assert.ok(error instanceof IngestFailed, String(error));
    assert.ok(elapsed < DEADLINE_MS + SLACK_MS, `ended ${elapsed} ms after the start; deadline ${DEADLINE_MS} ms`);
    const report: IngestReport = JSON.parse(readFileSync(ingestReportKeyFor(path), 'utf8'));
    assert.equal(report.status, 'failed');
    assert.match(report.error!, /out of time/);
    assert.ok(report.read > 0 && report.read < COPIES * 7716, `stopped mid-file after ${report.read} rows`);
    assert.ok(report.produced < report.read, 'only acknowledged rows are counted');
    assert.deepEqual(error.report, report);
  });
});
