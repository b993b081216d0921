/** What the ingest tests share: a long upload, reading a topic back to its end, and the record schema checks. */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import type { TopicSpec } from '../../lambdas/create-topic/topic';
import { disconnectAll } from '../../lambdas/ingest/shared-producers';
import { ensureTopic, startBroker, type KafkaBroker } from '../../local/kafka/broker';
import { PURCHASE_EVENT_JSON_SCHEMA, UPLOAD_COMPLETE_JSON_SCHEMA, type PurchaseEventV1, type UploadCompleteV1 } from '../../contract';

export const SLICE = join(__dirname, '..', 'fixtures', 'purchases-slice.csv.gz'); // 7,716 rows

/** The shipped slice's rows repeated `copies` times as `<dir>/long.csv`, so the file is long; every line is still its own row identity. */
export function longUpload(dir: string, copies: number): string {
  const [header, ...rows] = gunzipSync(readFileSync(SLICE)).toString('utf8').trimEnd().split('\n');
  const path = join(dir, 'long.csv');
  writeFileSync(path, [header, ...Array.from({ length: copies }, () => rows).flat()].join('\n') + '\n');
  return path;
}

/** A broker with `topic`, started before the enclosing suite's tests and stopped (with the shared producers) after them. */
export function brokerForSuite(topic: TopicSpec): () => KafkaBroker {
  let broker: KafkaBroker | undefined;
  before(async () => {
    broker = await startBroker();
    await ensureTopic(broker.bootstrap, topic);
  });
  after(async () => {
    await disconnectAll();
    await broker?.stop().catch(() => undefined); // a test may have stopped it already
  });
  return () => broker!;
}

export interface Consumed {
  key: string;
  value: string;
  partition: number;
}

/**
 * Reads every record of `topic` up to the high-water marks taken when called
 * (so duplicates are seen too, unlike stopping at an expected count).
 */
export async function consumeToEnd(bootstrap: string, topic: string, onRecord: (record: Consumed) => void): Promise<number> {
  const kafka = new Kafka({ clientId: 'ingest-test-reader', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
  await admin.disconnect();
  const remaining = new Set([...ends].filter(([, high]) => high > 0n).map(([partition]) => partition));
  if (remaining.size === 0) return 0;
  const consumer = kafka.consumer({ groupId: `reader-${topic}-${process.hrtime.bigint()}`, maxBytes: 50 << 20, maxBytesPerPartition: 10 << 20 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let count = 0;
  await new Promise<void>((done, fail) => {
    consumer
      .run({
        autoCommit: false,
        partitionsConsumedConcurrently: ends.size,
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) {
            if (BigInt(message.offset) >= ends.get(batch.partition)!) break;
            count++;
            onRecord({ key: message.key!.toString(), value: message.value!.toString(), partition: batch.partition });
          }
          if (BigInt(batch.lastOffset()) + 1n >= ends.get(batch.partition)!) {
            remaining.delete(batch.partition);
            if (remaining.size === 0) done();
          }
        },
      })
      .catch(fail);
  });
  await consumer.disconnect();
  return count;
}

type Schema = { required: readonly string[]; properties: Record<string, Record<string, unknown>> };

/** Checks an event against PURCHASE_EVENT_JSON_SCHEMA's fields, types and patterns (no validator dependency). */
export const assertMatchesSchema = (event: PurchaseEventV1): void => assertMatches(event, PURCHASE_EVENT_JSON_SCHEMA);
/** The same for the completion record (UPLOAD_COMPLETE_JSON_SCHEMA). */
export const assertMatchesUploadComplete = (record: UploadCompleteV1): void => assertMatches(record, UPLOAD_COMPLETE_JSON_SCHEMA);

function assertMatches(object: object, schema: Schema): void {
  const record = object as Record<string, unknown>;
  assert.deepEqual(Object.keys(record).sort(), [...schema.required].sort());
  for (const [field, rule] of Object.entries(schema.properties)) {
    const value = record[field];
    if ('const' in rule) assert.equal(value, rule.const, field);
    if (value === null) {
      assert.ok(Array.isArray(rule.type) && rule.type.includes('null'), `${field} may not be null`);
      continue;
    }
    if (typeof rule.pattern === 'string') assert.match(String(value), new RegExp(rule.pattern), field);
    if (typeof rule.minLength === 'number') assert.ok(String(value).length >= rule.minLength, field);
    if (rule.type === 'integer') assert.ok(Number.isInteger(value) && (value as number) >= (rule.minimum as number), field);
  }
}
