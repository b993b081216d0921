// The deploy-time topic custom resource's logic (lambdas/create-topic) against a real Kafka broker on loopback; the twin makes its topic with the same function.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { Context } from 'aws-lambda';
import type { Admin } from 'kafkajs';
import { handler } from '../../lambdas/create-topic/handler';
import { adminClient } from '../../lambdas/create-topic/admin-client';
import { ensureTopic } from '../../lambdas/create-topic/topic';
import { LAMBDA_ENV, TOPIC } from '../../contract';
import { ensureTopic as twinEnsureTopic, startBroker, type KafkaBroker } from '../../local/kafka/broker';

let broker: KafkaBroker;
let admin: Admin;

before(async () => {
  broker = await startBroker();
  admin = adminClient({ brokers: [broker.bootstrap], auth: 'plaintext' });
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

test("the twin's ensureTopic is the custom resource's: it creates, finds and grows a topic the same way", async () => {
  const name = 'twin-topic';
  assert.equal(await twinEnsureTopic(broker.bootstrap, { name, partitions: 2 }), 'created');
  assert.equal(await twinEnsureTopic(broker.bootstrap, { name, partitions: 2 }), 'exists');
  assert.equal(await twinEnsureTopic(broker.bootstrap, { name, partitions: 3 }), 'grown');
  assert.equal(await partitionsOf(name), 3);
});

test('a topic the metadata shows smaller than it is (a lagging read) is found, not failed, when the broker refuses to grow it', async () => {
  const name = 'lagging-metadata';
  assert.equal(await ensureTopic(admin, { name, partitions: 3 }), 'created');
  // The real broker, seen through one stale metadata read: 1 partition where it has 3.
  let stale = true;
  const lagging = {
    createTopics: admin.createTopics.bind(admin),
    createPartitions: admin.createPartitions.bind(admin),
    fetchTopicMetadata: async (request: Parameters<Admin['fetchTopicMetadata']>[0]) => {
      const metadata = await admin.fetchTopicMetadata(request);
      if (!stale) return metadata;
      stale = false;
      return { topics: metadata.topics.map((t) => ({ ...t, partitions: t.partitions.slice(0, 1) })) };
    },
  };
  assert.equal(await ensureTopic(lagging, { name, partitions: 3 }), 'exists');
  assert.equal(await partitionsOf(name), 3);
});

test('rejects a nonsense partition count before touching the cluster', async () => {
  await assert.rejects(ensureTopic(admin, { name: 'bad', partitions: 0 }), /partitions must be a positive integer/);
});

test('IAM auth without a region fails with a clear message', () => {
  assert.throws(() => adminClient({ brokers: ['b:9098'], auth: 'iam' }), /AWS_REGION is required/);
});

/** The CloudFormation side: a loopback receiver for the PUT the handler sends to the request's ResponseURL. */
async function invokeAsCloudFormation(
  requestType: 'Create' | 'Delete',
  brokers: string,
  remainingMs = 60_000,
  auth = 'plaintext',
): Promise<{ Status: string; Reason?: string; PhysicalResourceId: string; Data?: Record<string, string>; RequestId: string }> {
  let received!: (body: string) => void;
  const body = new Promise<string>((resolve) => (received = resolve));
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      res.end();
      received(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const previousAuth = process.env[LAMBDA_ENV.kafkaAuth];
  process.env[LAMBDA_ENV.kafkaAuth] = auth;
  try {
    await handler(
      {
        RequestType: requestType,
        ResponseURL: `http://127.0.0.1:${port}/presigned`,
        StackId: 'stack',
        RequestId: `req-${requestType}`,
        LogicalResourceId: 'StreamingTopic',
        PhysicalResourceId: requestType === 'Delete' ? 'cfn-topic' : undefined,
        ResourceProperties: { ServiceToken: 'arn', BootstrapBrokers: brokers, TopicName: 'cfn-topic', Partitions: '3' },
      },
      { getRemainingTimeInMillis: () => remainingMs } as Context,
    );
    return JSON.parse(await body);
  } finally {
    // Assigning undefined would store the string 'undefined'.
    if (previousAuth === undefined) delete process.env[LAMBDA_ENV.kafkaAuth];
    else process.env[LAMBDA_ENV.kafkaAuth] = previousAuth;
    server.close();
  }
}

test('as a custom resource: Create makes the topic and answers SUCCESS with its name', async () => {
  const response = await invokeAsCloudFormation('Create', broker.bootstrap);
  assert.equal(response.Status, 'SUCCESS', response.Reason);
  assert.equal(response.PhysicalResourceId, 'cfn-topic');
  assert.equal(response.RequestId, 'req-Create');
  assert.equal(response.Data?.Outcome, 'created');
  assert.equal(await partitionsOf('cfn-topic'), 3);
});

test('as a custom resource: an unreachable broker answers FAILED with the reason before Lambda would time out', async () => {
  const started = Date.now();
  const response = await invokeAsCloudFormation('Create', '127.0.0.1:1', 15_000);
  assert.equal(response.Status, 'FAILED');
  assert.match(response.Reason ?? '', /^topic cfn-topic: /);
  assert.ok(Date.now() - started < 15_000, 'answered within the remaining time');
});

test('as a custom resource: a KAFKA_AUTH that is neither iam nor plaintext answers FAILED naming it, instead of trying IAM', async () => {
  const response = await invokeAsCloudFormation('Create', broker.bootstrap, 60_000, 'scram');
  assert.equal(response.Status, 'FAILED');
  assert.match(response.Reason ?? '', /KAFKA_AUTH must be 'iam' or 'plaintext', got 'scram'/);
});

test('as a custom resource: Delete answers SUCCESS without touching the (possibly gone) cluster', async () => {
  const response = await invokeAsCloudFormation('Delete', '127.0.0.1:1');
  assert.equal(response.Status, 'SUCCESS');
  assert.equal(response.PhysicalResourceId, 'cfn-topic');
});
