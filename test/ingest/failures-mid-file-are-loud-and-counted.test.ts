/**
 * When producing fails mid-file, or the run runs out of time, the run ends
 * `failed` with the error, counts as produced only what the broker
 * acknowledged, and stops reading — it never reports success. The failure is
 * injected at the send boundary (a real broker cannot be made to fail after
 * exactly N batches); the restart test covers a real broker outage.
 */
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ingestStream } from '../../lambdas/ingest/ingest';
import type { KafkaRecord } from '../../lambdas/ingest/record-batch';
import { DEFAULT_TUNING } from '../../lambdas/ingest/tuning';

const SLICE = join(__dirname, '..', 'fixtures', 'purchases-slice.csv.gz'); // 7,716 rows
const noQuarantine = { write: async () => undefined, close: async () => undefined };
const smallBatches = { ...DEFAULT_TUNING, compression: 'none' as const, maxBatchBytes: 50_000 };

describe('failures mid-file', () => {
  test('a send that fails after two acknowledged batches fails the run with exactly those rows counted', async () => {
    let batches = 0;
    let acknowledgedRows = 0;
    const send = async (records: KafkaRecord[]) => {
      if (++batches > 2) throw new Error('KafkaJSNumberOfRetriesExceeded: broker unreachable');
      acknowledgedRows += records.length;
    };
    const report = await ingestStream(createReadStream(SLICE), 'test/slice@1', send, noQuarantine, { tuning: smallBatches });
    assert.equal(report.status, 'failed');
    assert.match(report.error!, /broker unreachable/);
    assert.equal(report.produced, acknowledgedRows);
    assert.ok(report.produced > 0 && report.read < 7716, `stopped early: read ${report.read}, produced ${report.produced}`);
    assert.ok(batches <= 2 + smallBatches.batchesInFlight, `no batch is sent once the failure is known (${batches} sends)`);
  });

  test('a run past its deadline stops and fails instead of being killed without a report', async () => {
    let produced = 0;
    const report = await ingestStream(createReadStream(SLICE), 'test/slice@1', async (r) => void (produced += r.length), noQuarantine, {
      tuning: smallBatches,
      deadline: Date.now() - 1,
    });
    assert.equal(report.status, 'failed');
    assert.match(report.error!, /out of time after \d+ rows: split the file/);
    assert.equal(report.produced, produced);
  });
});
