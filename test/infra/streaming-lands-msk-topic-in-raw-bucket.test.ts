// MSK Serverless (IAM) → topic created at deploy time → Firehose (MSK source, private) → raw prefix, 5 MB / 300 s, GZIP.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FIREHOSE_BUFFER, LAKE, TOPIC } from '../../contract';
import { MSK_IAM_PORT } from '../../lib/streaming';
import { defaultStack, resourcesOfType, single } from './synth';

const s = defaultStack();
const [clusterId, cluster] = single(s, 'AWS::MSK::ServerlessCluster');
// One stream per topic (contract TOPICS); the purchases one is checked here, the events one in behaviour-events-topic-lands-in-raw-events.test.ts.
const [, stream] = resourcesOfType(s, 'AWS::KinesisFirehose::DeliveryStream').find(([, r]) => r.Properties?.MSKSourceConfiguration.TopicName === TOPIC.name)!;
const purchasesTopic = () => resourcesOfType(s, 'Custom::KafkaTopic').find(([, r]) => r.Properties?.TopicName === TOPIC.name)!;

test('the cluster authenticates with IAM only, in the two isolated subnets', () => {
  assert.deepEqual(cluster.Properties?.ClientAuthentication, { Sasl: { Iam: { Enabled: true } } });
  const subnets = cluster.Properties?.VpcConfigs[0].SubnetIds as Array<{ Ref: string }>;
  assert.equal(subnets.length, 2);
  for (const { Ref } of subnets) {
    const tags = s.resources[Ref].Properties?.Tags as Array<{ Key: string; Value: string }>;
    assert.ok(tags.some((t) => t.Key === 'aws-cdk:subnet-type' && t.Value === 'Isolated'), `${Ref} is not isolated`);
  }
});

test('the cluster security group admits only the IAM listener, only from the producer and the topic creator', () => {
  const ingress = resourcesOfType(s, 'AWS::EC2::SecurityGroupIngress').filter(([, r]) =>
    JSON.stringify(r.Properties?.GroupId).includes('StreamingClusterSg'),
  );
  assert.equal(ingress.length, 2);
  for (const [, rule] of ingress) {
    assert.equal(rule.Properties?.FromPort, MSK_IAM_PORT);
    assert.equal(rule.Properties?.ToPort, MSK_IAM_PORT);
    assert.ok(rule.Properties?.SourceSecurityGroupId, 'ingress must come from a security group, not a CIDR');
  }
});

test('the topic is created at deploy time from the contract, with the brokers read from the cluster', () => {
  const [, topic] = purchasesTopic();
  assert.equal(topic.Properties?.TopicName, TOPIC.name);
  assert.equal(topic.Properties?.Partitions, TOPIC.partitions);
  assert.match(JSON.stringify(topic.Properties?.BootstrapBrokers), /BootstrapBrokerStringSaslIam/);
  const [, brokers] = resourcesOfType(s, 'Custom::AWS').find(([, r]) => JSON.stringify(r.Properties?.Create).includes('getBootstrapBrokers'))!;
  assert.match(JSON.stringify(brokers.Properties?.Create), new RegExp(clusterId));
});

test('the cluster policy lets the Firehose service create its VPC connection', () => {
  const [policyId, policy] = single(s, 'AWS::MSK::ClusterPolicy');
  assert.deepEqual(policy.Properties?.ClusterArn, { 'Fn::GetAtt': [clusterId, 'Arn'] });
  assert.deepEqual(policy.Properties?.Policy.Statement, [
    { Effect: 'Allow', Principal: { Service: 'firehose.amazonaws.com' }, Action: ['kafka:CreateVpcConnection'], Resource: { 'Fn::GetAtt': [clusterId, 'Arn'] } },
  ]);
  const topicId = purchasesTopic()[0];
  assert.ok(stream.DependsOn?.includes(policyId), 'Firehose must wait for the cluster policy');
  assert.ok(stream.DependsOn?.includes(topicId), 'Firehose must wait for the topic');
});

test('Firehose reads the topic privately from the earliest offset', () => {
  assert.equal(stream.Properties?.DeliveryStreamType, 'MSKAsSource');
  const source = stream.Properties?.MSKSourceConfiguration;
  assert.deepEqual(source.MSKClusterARN, { 'Fn::GetAtt': [clusterId, 'Arn'] });
  assert.equal(source.TopicName, TOPIC.name);
  assert.equal(source.AuthenticationConfiguration.Connectivity, 'PRIVATE');
  assert.equal(source.ReadFromTimestamp, '1970-01-01T00:00:00Z');
});

test('Firehose lands gzip objects at 5 MB / 300 s under the raw prefix, errors apart', () => {
  const destination = stream.Properties?.ExtendedS3DestinationConfiguration;
  assert.deepEqual(destination.BufferingHints, { SizeInMBs: FIREHOSE_BUFFER.sizeMiB, IntervalInSeconds: FIREHOSE_BUFFER.intervalSeconds });
  assert.equal(destination.CompressionFormat, 'GZIP');
  assert.equal(destination.Prefix, `${LAKE.rawPrefix}!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/!{timestamp:HH}/`);
  assert.ok(destination.ErrorOutputPrefix.startsWith(`${LAKE.rawErrorPrefix}!{firehose:error-output-type}/`));
  assert.match(JSON.stringify(destination.BucketARN), /Lake/);
  assert.equal(destination.CloudWatchLoggingOptions.Enabled, true);
});

test("the README's Firehose figures are the contract's buffer (it is not a deploy setting, so they hold for every deployment)", () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const figures = [...readme.matchAll(/(\d+) MB\s*\/\s*(\d+) s\b/g)].map((m) => [Number(m[1]), Number(m[2])]);
  assert.ok(figures.length >= 2, 'the README states the buffer');
  for (const figure of figures) assert.deepEqual(figure, [FIREHOSE_BUFFER.sizeMiB, FIREHOSE_BUFFER.intervalSeconds]);
});

test("Firehose's role reads only this topic and writes only the raw prefixes", () => {
  const roleRef = stream.Properties?.MSKSourceConfiguration.AuthenticationConfiguration.RoleARN['Fn::GetAtt'][0];
  const [, policy] = resourcesOfType(s, 'AWS::IAM::Policy').find(([, p]) => p.Properties?.Roles.some((r: { Ref: string }) => r.Ref === roleRef))!;
  const statements = policy.Properties?.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>;
  const resourcesFor = (action: string) => statements.filter((st) => [st.Action].flat().includes(action)).map((st) => JSON.stringify(st.Resource));
  assert.match(resourcesFor('kafka-cluster:ReadData').join(), new RegExp(`topic/recstream-purchases/.*/${TOPIC.name}`));
  const written = resourcesFor('s3:PutObject').join();
  assert.deepEqual(written.match(/"\/[^"]*"/g)?.sort(), [`"/${LAKE.rawErrorPrefix}*"`, `"/${LAKE.rawPrefix}*"`]);
  assert.ok(!JSON.stringify(statements).includes('"*"'), 'no statement may use a bare * resource');
});
