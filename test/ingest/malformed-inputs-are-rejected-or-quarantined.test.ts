/**
 * The malformed corpus (test/fixtures/malformed/, outcomes in expected.json):
 * each file is ingested into a real broker, its report and quarantine are
 * checked against the expected outcome, and reading the topic back shows
 * exactly the expected good rows — so bad input is kept and explained while
 * good rows still go through, and a rejected file produces nothing.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ingestReportKeyFor, quarantineKeyFor, type PurchaseEventV1 } from '../../contract';
import { ingestFile, type IngestReport, type QuarantinedRow } from '../../lambdas/ingest/ingest';
import { disconnectAll } from '../../lambdas/ingest/shared-producers';
import type { KafkaConnection } from '../../lambdas/shared/kafka-connection';
import { ensureTopic, startBroker, type KafkaBroker } from '../../local/kafka/broker';
import { assertMatchesSchema, consumeToEnd } from './helpers';

interface Expected {
  status: IngestReport['status'];
  error?: string;
  /** Lines that must arrive in Kafka (ignored for `partial` files, see below). */
  produced: number[];
  /** line → reject reason, exactly. */
  quarantined: Record<string, string>;
  /** line → fields the produced event must have. */
  values?: Record<string, Partial<PurchaseEventV1>>;
  realigned?: number;
  /** Corrupt gzip: the rows decoded before the damage go through; which ones depends on zlib's buffering. */
  partial?: boolean;
}

const CORPUS = join(__dirname, '..', 'fixtures', 'malformed');
const expected: Record<string, Expected> = JSON.parse(readFileSync(join(CORPUS, 'expected.json'), 'utf8'));
const TOPIC = { name: 'malformed-corpus', partitions: 3 };

describe('malformed inputs are rejected or quarantined, good rows still go through', () => {
  let broker: KafkaBroker;
  let conn: KafkaConnection;
  const work = mkdtempSync(join(tmpdir(), 'ingest-malformed-'));
  const reports = new Map<string, IngestReport>();

  before(async () => {
    broker = await startBroker();
    conn = { brokers: [broker.bootstrap], auth: 'plaintext' };
    await ensureTopic(broker.bootstrap, TOPIC);
  });
  after(async () => {
    await disconnectAll();
    await broker?.stop();
  });

  test('the corpus has at least 25 cases and every file has an expected outcome', () => {
    const files = readdirSync(CORPUS).filter((f) => f !== 'expected.json');
    assert.ok(files.length >= 25, `${files.length} cases`);
    assert.deepEqual(files.sort(), Object.keys(expected).sort());
  });

  for (const [name, want] of Object.entries(expected)) {
    test(`${name}: ${want.status}${want.error ? ` (${want.error})` : ''}`, async () => {
      const path = join(work, name);
      copyFileSync(join(CORPUS, name), path); // quarantine and report are written beside it, not into the repo
      const report = await ingestFile(path, conn, { topic: TOPIC.name, bucket: 'corpus', key: name });
      reports.set(name, report);
      assert.equal(report.status, want.status, report.error);
      assert.deepEqual(JSON.parse(readFileSync(ingestReportKeyFor(path), 'utf8')), report, 'report file = returned report');
      if (want.error) assert.ok(report.error?.includes(want.error), `error ${JSON.stringify(report.error)} should include ${JSON.stringify(want.error)}`);
      else assert.equal(report.error, undefined);

      const quarantine = existsSync(quarantineKeyFor(path)) ? readFileSync(quarantineKeyFor(path), 'utf8').split('\n').filter(Boolean) : [];
      const rows: QuarantinedRow[] = quarantine.map((l) => JSON.parse(l));
      assert.deepEqual(Object.fromEntries(rows.map((r) => [String(r.line), r.reason])), want.quarantined);
      for (const row of rows) {
        assert.ok(row.message.length > 0, 'every rejection says why');
        if (row.reason !== 'line_too_long') assert.ok(row.raw.length > 0 || row.reason === 'empty_line', 'raw text kept');
        if (row.reason === 'invalid_utf8') assert.ok(Buffer.from(row.raw_base64!, 'base64').includes(0xff), 'exact bytes kept');
      }
      assert.equal(report.rejected, rows.length);
      assert.equal(
        Object.values(report.rejectedByReason).reduce((a, b) => a + b!, 0),
        report.rejected,
      );
      if (!want.partial) assert.equal(report.produced, want.produced.length);
      if (report.status === 'ok') assert.equal(report.read, report.produced + report.rejected, 'every line accounted for');
      assert.equal(report.realigned, want.realigned ?? 0);
    });
  }

  test('reading the topic back finds exactly the expected rows of each file, once', async () => {
    const bySource = new Map<string, Map<number, PurchaseEventV1>>();
    await consumeToEnd(broker.bootstrap, TOPIC.name, ({ key, value }) => {
      assert.ok(value.endsWith('\n'), 'value ends with a newline for Firehose');
      const event: PurchaseEventV1 = JSON.parse(value);
      assertMatchesSchema(event);
      assert.equal(key, event.user_id ?? event.order_id);
      const name = event.source.slice('corpus/'.length, event.source.lastIndexOf('@'));
      const lines = bySource.get(name) ?? new Map();
      assert.ok(!lines.has(event.line), `${name} line ${event.line} arrived twice`);
      lines.set(event.line, event);
      bySource.set(name, lines);
    });
    for (const [name, want] of Object.entries(expected)) {
      const got = bySource.get(name) ?? new Map<number, PurchaseEventV1>();
      if (want.partial) {
        // A prefix of the file, exactly as many rows as the report says were acknowledged.
        assert.equal(got.size, reports.get(name)!.produced, name);
        assert.deepEqual([...got.keys()].sort((a, b) => a - b), Array.from({ length: got.size }, (_, i) => i + 2), name);
        continue;
      }
      assert.deepEqual([...got.keys()].sort((a, b) => a - b), want.produced, name);
      for (const [line, fields] of Object.entries(want.values ?? {})) assert.deepEqual({ ...got.get(Number(line)), ...fields }, got.get(Number(line)), `${name} line ${line}`);
    }
  });
});
