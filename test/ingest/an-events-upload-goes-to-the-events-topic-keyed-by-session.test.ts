/**
 * An events CSV (REES46 header, contract BEHAVIOUR_CSV_COLUMNS) uploaded like a purchases file is
 * recognised by its header and streamed by the same ingest to the `events` topic, keyed by
 * `user_session` (else `user_id`, contract behaviourEventKey) so a session stays in order in one
 * partition. Bad rows are quarantined with the behaviour clean step's reason codes (the
 * malformed-events corpus, test/fixtures/malformed-events/expected.json). The real sample
 * (../shared/data/behaviour/, 10,996 rows; skipped when absent) arrives exactly once, equal to an
 * independent parse (csv-parse), on the partition Java's partitioner picks for its key, in file order
 * within each partition. Nothing of an events upload reaches the purchases topic, and it carries no
 * completion record (the behaviour jobs read none). Each corpus file's report gets the twin's verdict
 * (local/pipeline/ingest-verdict.ts, what `npm run local -- --events FILE --once` does after ingest):
 * go on to Spark, or end with expected.json's exit code and one line; the twin suite
 * (test/local/malformed-events-files-run-through-the-twin.test.ts) runs one file of each ending through the CLI.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, createReadStream, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createGunzip } from 'node:zlib';
import { before, describe, test } from 'node:test';
import { parse } from 'csv-parse';
import { BEHAVIOUR_CSV_COLUMNS, BEHAVIOUR_EVENT_VERSION, EVENTS_TOPIC, TOPIC, quarantineKeyFor, type BehaviourEventV1 } from '../../contract';
import type { QuarantinedRow } from '../../lambdas/ingest/ingest';
import { partitionFor } from '../../lambdas/ingest/partitioner';
import { ingestVerdict } from '../../local/pipeline/ingest-verdict';
import { ingestFile } from '../../local/ingest/ingest-file';
import { ensureTopic } from '../../local/kafka/broker';
import { assertEndedAtIngest, CORPUS, endsAtIngest, expectedEvents as expected } from './events-corpus';
import { brokerForSuite, consumeToEnd, type Consumed } from './helpers';

const SAMPLE = resolve(__dirname, '..', '..', '..', 'shared', 'data', 'behaviour', 'events-2019-10-01-sample.csv.gz');

describe('an events upload goes to the events topic, keyed by session', () => {
  const broker = brokerForSuite(EVENTS_TOPIC);
  const conn = () => ({ brokers: [broker().bootstrap], auth: 'plaintext' as const });
  const work = mkdtempSync(join(tmpdir(), 'ingest-events-'));
  const sources = new Map<string, string>();
  before(() => ensureTopic(broker().bootstrap, TOPIC));

  /** Every record of the events topic, by the upload it came from. */
  const eventsBySource = async (): Promise<Map<string, Consumed[]>> => {
    const bySource = new Map<string, Consumed[]>();
    await consumeToEnd(broker().bootstrap, EVENTS_TOPIC.name, (record) => {
      const { source } = JSON.parse(record.value) as BehaviourEventV1;
      bySource.set(source, [...(bySource.get(source) ?? []), record]);
    });
    return bySource;
  };

  test('every corpus file has an expected outcome', () => {
    assert.deepEqual(readdirSync(CORPUS).filter((f) => f !== 'expected.json').sort(), Object.keys(expected).sort());
  });

  for (const [name, want] of Object.entries(expected)) {
    test(`${name}: ${want.status}, quarantined ${JSON.stringify(want.quarantined)}, ${endsAtIngest(want) ? `a twin run ends at ingest with exit ${want.exit}` : 'a twin run goes on to Spark'}`, async () => {
      const path = join(work, name);
      copyFileSync(join(CORPUS, name), path);
      const report = await ingestFile(path, conn(), { bucket: 'corpus', key: name });
      sources.set(name, report.source);
      assert.equal(report.status, want.status, report.error);
      if (want.error) assert.ok(report.error?.includes(want.error), report.error);
      else assert.equal(report.kind, 'events');
      if (!want.partial) assert.equal(report.produced, want.produced.length);
      const incomplete = want.incompleteLine ? { [String(report.produced + 2)]: 'incomplete_line' } : {};
      assert.equal(report.rejected, Object.keys(want.quarantined).length + Object.keys(incomplete).length);
      assert.equal(report.blankLines, want.blankLines ?? 0);
      const quarantine = existsSync(quarantineKeyFor(path)) ? readFileSync(quarantineKeyFor(path), 'utf8').split('\n').filter(Boolean) : [];
      const rows: QuarantinedRow[] = quarantine.map((l) => JSON.parse(l));
      assert.deepEqual(Object.fromEntries(rows.map((r) => [String(r.line), r.reason])), { ...want.quarantined, ...incomplete });
      for (const row of rows) assert.ok(row.message.length > 0 && row.raw.length > 0, `line ${row.line} is explained and kept`);
      // The twin's verdict on this report, for the file uploaded as the CLI uploads it.
      const ending = ingestVerdict(name, { bucket: 'landing', key: `uploads/${name}` }, report);
      if (endsAtIngest(want)) assertEndedAtIngest(name, want, ending?.code ?? null, ending?.line ?? 'the twin goes on to Spark');
      else assert.equal(ending, undefined, `the twin goes on to Spark: ${ending?.line}`);
    });
  }

  test('the corpus topic holds exactly the good rows, each keyed by its session (else user) on its partition', async () => {
    const bySource = await eventsBySource();
    for (const [name, want] of Object.entries(expected)) {
      const records = bySource.get(sources.get(name)!) ?? [];
      const events = records.map((r) => ({ ...r, event: JSON.parse(r.value) as BehaviourEventV1 }));
      const lines = events.map((e) => e.event.line).sort((a, b) => a - b);
      // A prefix of the file for a truncated gzip; exactly the expected lines otherwise.
      assert.deepEqual(lines, want.partial ? lines.map((_, i) => i + 2) : want.produced, name);
      for (const { key, partition, event } of events) {
        assert.equal(event.v, BEHAVIOUR_EVENT_VERSION);
        assert.ok(!('control' in event), `${name}: no completion record on the events topic`);
        assert.equal(key, event.user_session ?? event.user_id);
        assert.equal(partition, partitionFor(key, EVENTS_TOPIC.partitions));
        if (want.keys?.[event.line]) assert.equal(key, want.keys[event.line], `${name} line ${event.line}`);
        if (want.brands?.[event.line]) assert.equal(event.brand, want.brands[event.line]);
      }
    }
    assert.equal(await consumeToEnd(broker().bootstrap, TOPIC.name, () => undefined), 0, 'nothing reached the purchases topic');
  });

  test('the real sample arrives exactly once, field for field, in file order within each partition', { skip: !existsSync(SAMPLE) && `${SAMPLE} absent` }, async () => {
    const path = join(work, 'events-2019-10-01-sample.csv.gz');
    copyFileSync(SAMPLE, path);
    const report = await ingestFile(path, conn(), { bucket: 'landing', key: 'uploads/events-2019-10-01-sample.csv.gz' });
    assert.equal(report.status, 'ok', report.error);
    assert.equal(report.kind, 'events');
    assert.deepEqual([report.read, report.produced, report.rejected], [10_996, 10_996, 0], JSON.stringify(report.rejectedByReason));

    // The message each line should become, from the schema (empty → null, values as written) and an independent CSV parser.
    const md5 = (text: string | Buffer) => createHash('md5').update(text).digest('hex');
    const want = new Map<number, string>();
    const parser = createReadStream(path).pipe(createGunzip()).pipe(parse({ info: true }));
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (info.lines === 1) assert.deepEqual(record, [...BEHAVIOUR_CSV_COLUMNS]);
      else {
        const fields = Object.fromEntries(BEHAVIOUR_CSV_COLUMNS.map((c, i) => [c, record[i] === '' ? null : record[i]]));
        want.set(info.lines, md5(JSON.stringify({ v: BEHAVIOUR_EVENT_VERSION, ...fields, source: report.source, line: info.lines }) + '\n'));
      }
    }
    const records = (await eventsBySource()).get(report.source) ?? [];
    assert.equal(records.length, 10_996, 'each row once: no more, no fewer');
    const lastLine = new Map<number, number>();
    for (const { key, value, partition } of records) {
      const event = JSON.parse(value) as BehaviourEventV1;
      assert.equal(md5(value), want.get(event.line), `line ${event.line}: ${value}`);
      want.delete(event.line);
      assert.equal(key, event.user_session ?? event.user_id);
      assert.equal(partition, partitionFor(key, EVENTS_TOPIC.partitions));
      // A session's events are on one partition, so file order per partition is file order per session.
      assert.ok(event.line > (lastLine.get(partition) ?? 0), `partition ${partition}: line ${event.line} after ${lastLine.get(partition)}`);
      lastLine.set(partition, event.line);
    }
    assert.equal(want.size, 0, 'every line arrived');
  });
});
