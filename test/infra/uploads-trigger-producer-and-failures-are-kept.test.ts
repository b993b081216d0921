// Landing bucket → .csv/.csv.gz ObjectCreated → producer Lambda in the VPC; failed invocations land in a queue.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LAMBDA_ENV, UPLOAD_SUFFIXES, ingestReportKeyFor, quarantineKeyFor } from '../../contract';
import { defaultStack, resourcesOfType, single } from './synth';

const s = defaultStack();
const [producerId, producer] = resourcesOfType(s, 'AWS::Lambda::Function').find(([id]) => id.startsWith('IngestProducer'))!;
const policyOf = (roleRef: string) =>
  resourcesOfType(s, 'AWS::IAM::Policy')
    .filter(([, p]) => p.Properties?.Roles.some((r: { Ref: string }) => r.Ref === roleRef))
    .flatMap(([, p]) => p.Properties?.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>);

test('every upload suffix from the contract triggers the producer, and nothing else does', () => {
  const [, notifications] = single(s, 'Custom::S3BucketNotifications');
  const configs = notifications.Properties?.NotificationConfiguration.LambdaFunctionConfigurations as any[];
  const suffixes = configs.map((c) => c.Filter.Key.FilterRules.find((r: any) => r.Name === 'suffix').Value).sort();
  assert.deepEqual(suffixes, [...UPLOAD_SUFFIXES].sort());
  for (const c of configs) {
    assert.deepEqual(c.Events, ['s3:ObjectCreated:*']);
    assert.deepEqual(c.LambdaFunctionArn, { 'Fn::GetAtt': [producerId, 'Arn'] });
  }
  // What the producer writes beside an upload must not match a trigger, or it would re-trigger itself.
  for (const key of [quarantineKeyFor('a.csv'), ingestReportKeyFor('a.csv.gz')]) {
    assert.ok(!UPLOAD_SUFFIXES.some((suffix) => key.endsWith(suffix)), key);
  }
});

test('the producer runs 15 minutes on a full vCPU in the VPC with the brokers and IAM auth in its environment', () => {
  assert.equal(producer.Properties?.Timeout, 900);
  assert.ok(producer.Properties?.MemorySize >= 1769, 'the largest-file figure is measured on one whole CPU');
  assert.ok(producer.Properties?.EphemeralStorage.Size >= 2048, 'room in /tmp for the quarantine of a 300 MB upload whose every row is bad');
  assert.ok(producer.Properties?.VpcConfig.SubnetIds.length === 2);
  const env = producer.Properties?.Environment.Variables;
  assert.match(JSON.stringify(env[LAMBDA_ENV.kafkaBrokers]), /BootstrapBrokerStringSaslIam/);
  assert.equal(env[LAMBDA_ENV.kafkaAuth], 'iam');
});

test('the producer may write to this cluster and topic only, read uploads, and write only quarantine/report keys', () => {
  const statements = policyOf(producer.Properties?.Role['Fn::GetAtt'][0]);
  const on = (action: string) => statements.filter((st) => [st.Action].flat().includes(action)).map((st) => JSON.stringify(st.Resource));
  for (const action of ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster', 'kafka-cluster:WriteDataIdempotently']) {
    assert.deepEqual(on(action), [JSON.stringify({ 'Fn::GetAtt': [single(s, 'AWS::MSK::ServerlessCluster')[0], 'Arn'] })], action);
  }
  for (const action of ['kafka-cluster:WriteData', 'kafka-cluster:DescribeTopic']) {
    assert.equal(on(action).length, 1, action);
    assert.match(on(action)[0], /:topic\/recstream-purchases\/.*"Fn::Select":\[2,\{"Fn::Split":\["\/".*\/purchases"/, action);
  }
  const puts = on('s3:PutObject').join();
  assert.match(puts, /\*\.rejected\.jsonl/);
  assert.match(puts, /\*\.report\.json/);
  assert.ok(!/"\/\*"/.test(puts), 'no write to arbitrary keys');
  assert.ok(!statements.some((st) => st.Resource === '*'), 'no bare * resource');
});

test('a failed asynchronous invocation is retried, then kept in an encrypted queue that raises an alarm', () => {
  const [, invoke] = single(s, 'AWS::Lambda::EventInvokeConfig');
  assert.equal(invoke.Properties?.MaximumRetryAttempts, 2);
  const queueRef = invoke.Properties?.DestinationConfig.OnFailure.Destination['Fn::GetAtt'][0];
  const queue = s.resources[queueRef];
  assert.equal(queue.Type, 'AWS::SQS::Queue');
  assert.equal(queue.Properties?.SqsManagedSseEnabled, true);
  const alarm = resourcesOfType(s, 'AWS::CloudWatch::Alarm').find(([, a]) => JSON.stringify(a.Properties?.Dimensions ?? []).includes(queueRef));
  assert.ok(alarm, 'an alarm watches the failed-uploads queue');
  assert.ok(alarm[1].Properties?.AlarmActions.length === 1);
});
