/**
 * The broker is restarted while a file is being produced: the producer rides
 * out the outage (retries), the run ends `ok`, and reading the topic back finds
 * every row exactly once — none lost, none doubled (the idempotent producer's
 * sequence numbers let the broker drop a batch it had already appended).
 */
import assert from 'node:assert/strict';
import { createReadStream, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ingestStream, type IngestReport } from '../../lambdas/ingest/ingest';
import { batchSender } from '../../lambdas/ingest/producer';
import type { KafkaRecord } from '../../lambdas/ingest/record-batch';
import { sharedProducer } from '../../lambdas/ingest/shared-producers';
import { brokerForSuite, consumeToEnd, longUpload } from './helpers';

const TOPIC = { name: 'restart-mid-file', partitions: 6 };
const COPIES = 20; // ~150k rows: enough batches that the restart lands well inside the file
const RESTART_AT_BATCH = 10;

describe('a broker restart in the middle of a file', () => {
  const brokerOf = brokerForSuite(TOPIC);

  test('loses no row and doubles none', async () => {
    const path = longUpload(mkdtempSync(join(tmpdir(), 'ingest-restart-')), COPIES);
    const broker = brokerOf();
    const producer = sharedProducer({ brokers: [broker.bootstrap], auth: 'plaintext' });
    const send = batchSender(producer, TOPIC.name);
    let batches = 0;
    let restart: Promise<void> | undefined;
    let producedBeforeRestartDone = -1;
    let acknowledged = 0;
    const sendAcrossRestart = async (records: KafkaRecord[]) => {
      // The restart begins while this batch is on its way, so it races the shutdown.
      if (++batches === RESTART_AT_BATCH) restart = broker.restart().then(() => void (producedBeforeRestartDone = acknowledged));
      await send(records);
      acknowledged += records.length;
    };
    const quarantine = { write: async () => assert.fail('the slice has no bad rows'), close: async () => undefined };
    const report: IngestReport = await ingestStream(createReadStream(path), 'test/long.csv@1', sendAcrossRestart, quarantine);
    await restart;

    assert.equal(report.status, 'ok', report.error);
    assert.ok(batches > RESTART_AT_BATCH + 5, `${batches} batches: the restart happened mid-file`);
    assert.ok(producedBeforeRestartDone < report.produced, 'rows were still being produced after the broker came back');
    assert.equal(report.produced, report.read);

    const seen = new Uint8Array(report.read + 2);
    let completions = 0;
    const total = await consumeToEnd(broker.bootstrap, TOPIC.name, ({ value }) => {
      const record = JSON.parse(value);
      if ('control' in record) completions++;
      else seen[record.line]++;
    });
    const lost = seen.subarray(2).filter((n) => n === 0).length;
    const doubled = seen.subarray(2).filter((n) => n > 1).length;
    assert.equal(lost, 0, 'rows lost');
    assert.equal(doubled, 0, 'rows duplicated');
    assert.equal(completions, 1, 'the completion record, once');
    assert.equal(total, report.read + 1);
  });
});
