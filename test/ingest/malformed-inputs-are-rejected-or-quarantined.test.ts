/**
 * The malformed corpus (test/fixtures/malformed/, outcomes in expected.json):
 * each file is ingested into a real broker, its report and quarantine are
 * checked against the expected outcome, and reading the topic back shows
 * exactly the expected good rows — so bad input is kept and explained while
 * good rows still go through, a rejected file produces nothing, and only a
 * complete upload carries a completion record.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ingestReportKeyFor, quarantineKeyFor, type PurchaseEventV1, type UploadCompleteV1 } from '../../contract';
import type { IngestReport, QuarantinedRow } from '../../lambdas/ingest/ingest';
import { ingestFile } from '../../local/ingest/ingest-file';
import { disconnectAll } from '../../lambdas/ingest/shared-producers';
import type { KafkaConnection } from '../../lambdas/shared/kafka-connection';
import { ensureTopic, startBroker, type KafkaBroker } from '../../local/kafka/broker';
import { assertMatchesSchema, assertMatchesUploadComplete, consumeToEnd } from './helpers';

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
  /** The file ends inside a line: that line, right after the last produced one, is quarantined `incomplete_line`. */
  incompleteLine?: boolean;
  /** line → every field the rejection must name, in the contract's order. */
  fieldErrors?: Record<string, string[]>;
  blankLines?: number;
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
      const incomplete = want.incompleteLine ? { [String(report.produced + 2)]: 'incomplete_line' } : {};
      assert.deepEqual(Object.fromEntries(rows.map((r) => [String(r.line), r.reason])), { ...want.quarantined, ...incomplete });
      for (const [line, fields] of Object.entries(want.fieldErrors ?? {}))
        assert.deepEqual(rows.find((r) => r.line === Number(line))?.errors?.map((e) => e.field), fields, `line ${line} names every bad field`);
      for (const row of rows) {
        assert.ok(row.message.length > 0, 'every rejection says why');
        if (row.errors) for (const { field } of row.errors) assert.ok(row.message.includes(`${field}:`), `the message names ${field}`);
        if (row.reason !== 'line_too_long') assert.ok(row.raw.length > 0, 'raw text kept');
        if (row.reason === 'invalid_utf8') assert.ok(Buffer.from(row.raw_base64!, 'base64').includes(0xff), 'exact bytes kept');
      }
      assert.equal(report.rejected, rows.length);
      assert.equal(
        Object.values(report.rejectedByReason).reduce((a, b) => a + b!, 0),
        report.rejected,
      );
      if (!want.partial) assert.equal(report.produced, want.produced.length);
      if (report.status !== 'failed') assert.equal(report.read, report.produced + report.rejected, 'every record accounted for');
      assert.equal(report.realigned, want.realigned ?? 0);
      assert.equal(report.blankLines, want.blankLines ?? 0, 'blank lines are counted apart, not as rejected rows');
    });
  }

  test('reading the topic back finds exactly the expected rows of each file, once, and a completion record for each complete one', async () => {
    const bySource = new Map<string, Map<number, PurchaseEventV1>>();
    const completions = new Map<string, UploadCompleteV1[]>();
    const nameOf = (source: string) => source.slice('corpus/'.length, source.lastIndexOf('@'));
    await consumeToEnd(broker.bootstrap, TOPIC.name, ({ key, value }) => {
      assert.ok(value.endsWith('\n'), 'value ends with a newline for Firehose');
      if ('control' in JSON.parse(value)) {
        const done: UploadCompleteV1 = JSON.parse(value);
        assert.equal(key, done.source);
        completions.set(nameOf(done.source), [...(completions.get(nameOf(done.source)) ?? []), done]);
        return;
      }
      const event: PurchaseEventV1 = JSON.parse(value);
      assertMatchesSchema(event);
      assert.equal(key, event.user_id ?? event.order_id);
      const name = nameOf(event.source);
      const lines = bySource.get(name) ?? new Map();
      assert.ok(!lines.has(event.line), `${name} line ${event.line} arrived twice`);
      lines.set(event.line, event);
      bySource.set(name, lines);
    });
    for (const [name, want] of Object.entries(expected)) {
      // Only a complete upload is marked complete, with exactly its acknowledged rows.
      const done = completions.get(name) ?? [];
      if (want.status === 'ok') {
        assert.equal(done.length, 1, `${name}: one completion record`);
        assertMatchesUploadComplete(done[0]);
        assert.equal(done[0].rows, reports.get(name)!.produced, name);
      } else assert.deepEqual(done, [], `${name}: a rejected file is never marked complete`);
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
