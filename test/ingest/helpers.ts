/** What the ingest tests share: reading a topic back to its end, and the event schema check. */
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { PURCHASE_EVENT_JSON_SCHEMA, type PurchaseEventV1 } from '../../contract';

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

const SCHEMA = PURCHASE_EVENT_JSON_SCHEMA;

/** Checks an event against PURCHASE_EVENT_JSON_SCHEMA's fields, types and patterns (no validator dependency). */
export function assertMatchesSchema(event: PurchaseEventV1): void {
  assert.deepEqual(Object.keys(event).sort(), [...SCHEMA.required].sort());
  for (const [field, rule] of Object.entries(SCHEMA.properties) as [keyof PurchaseEventV1, Record<string, unknown>][]) {
    const value = event[field];
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
