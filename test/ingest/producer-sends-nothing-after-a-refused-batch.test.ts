/**
 * Ingest's producer lets the next batch be encoded while one is on the wire,
 * but delivers strictly in order: when the broker refuses a batch for good
 * (here MESSAGE_TOO_LARGE, on a real broker whose topic caps batches at 2 kB),
 * the batch queued behind it is never sent — it would overtake the refused
 * one and carry sequence numbers the broker cannot accept. A fresh producer
 * (what ingest does after a failed run) delivers again.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { batchSender } from '../../lambdas/ingest/producer';
import type { KafkaRecord } from '../../lambdas/ingest/record-batch';
import { discardProducer, disconnectAll, sharedProducer } from '../../lambdas/ingest/shared-producers';
import type { KafkaConnection } from '../../lambdas/shared/kafka-connection';
import { startBroker, type KafkaBroker } from '../../local/kafka/broker';
import { consumeToEnd } from './helpers';

const TOPIC = 'capped-at-2kb';
let broker: KafkaBroker;
let conn: KafkaConnection;

before(async () => {
  broker = await startBroker();
  conn = { brokers: [broker.bootstrap], auth: 'plaintext' };
  const admin = new Kafka({ clientId: 'test-admin', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 3, replicationFactor: 1, configEntries: [{ name: 'max.message.bytes', value: '2000' }] }], waitForLeaders: true });
  await admin.disconnect();
});
after(async () => {
  await disconnectAll();
  await broker?.stop();
});

/** One user's events, so every batch lands on the same partition, one after the other. */
const events = (from: number, count: number): KafkaRecord[] => Array.from({ length: count }, (_, i) => ({ key: 'user-1', value: `{"n":${from + i}}\n` }));

test('a refused batch fails the sends queued behind it, which never reach the topic; a fresh producer delivers', async () => {
  const send = batchSender(sharedProducer(conn), TOPIC, 'none');
  const first = send(events(0, 3));
  const refused = send([{ key: 'user-1', value: 'x'.repeat(5_000) }]);
  const queued = send(events(3, 3));
  await first;
  await assert.rejects(refused, /MESSAGE_TOO_LARGE/);
  await assert.rejects(queued, /MESSAGE_TOO_LARGE/);

  await discardProducer(conn);
  await batchSender(sharedProducer(conn), TOPIC, 'none')(events(10, 3));

  const seen: number[] = [];
  await consumeToEnd(broker.bootstrap, TOPIC, ({ value }) => seen.push(JSON.parse(value).n));
  assert.deepEqual(seen, [0, 1, 2, 10, 11, 12]);
});
