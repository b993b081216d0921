// The deploy-time topic custom resource's logic (lambdas/create-topic) against a real Kafka broker on loopback.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Admin } from 'kafkajs';
import { adminClient } from '../../lambdas/create-topic/kafka';
import { ensureTopic } from '../../lambdas/create-topic/topic';
import { TOPIC } from '../../lib/contract';
import { startBroker, type KafkaBroker } from '../../local/kafka/broker';

let broker: KafkaBroker;
let admin: Admin;

before(async () => {
  broker = await startBroker();
  admin = adminClient([broker.bootstrap], 'plaintext', undefined);
  await admin.connect();
});

after(async () => {
  await admin?.disconnect();
  await broker?.stop();
});

const partitionsOf = async (name: string) => (await admin.fetchTopicMetadata({ topics: [name] })).topics[0].partitions.length;

// ensureTopic returns only once the metadata shows the partitions, so the checks below read it directly.
test('creates the contract topic with its partitions, then finds it on a retried or updated deployment', async () => {
  assert.equal(await ensureTopic(admin, TOPIC), 'created');
  assert.equal(await partitionsOf(TOPIC.name), TOPIC.partitions);
  assert.equal(await ensureTopic(admin, TOPIC), 'exists');
});

test('grows partitions when more are wanted and never shrinks them', async () => {
  const name = 'grow-me';
  assert.equal(await ensureTopic(admin, { name, partitions: 2 }), 'created');
  assert.equal(await ensureTopic(admin, { name, partitions: 4 }), 'grown');
  assert.equal(await partitionsOf(name), 4);
  assert.equal(await ensureTopic(admin, { name, partitions: 1 }), 'exists');
  assert.equal(await partitionsOf(name), 4, 'never shrunk');
});

test('rejects a nonsense partition count before touching the cluster', async () => {
  await assert.rejects(ensureTopic(admin, { name: 'bad', partitions: 0 }), /partitions must be a positive integer/);
});

test('IAM auth without a region fails with a clear message', () => {
  assert.throws(() => adminClient(['b:9098'], 'iam', undefined), /AWS_REGION is required/);
});
