// Issue 15.1/15.7: every topic of the contract's TOPICS is created by the topic custom resource and landed by
// its own Firehose (the events one in raw/events/, the contract's buffer); the producer may write both topics.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BEHAVIOUR_LAKE, EVENTS_TOPIC, FIREHOSE_BUFFER, TOPIC, TOPICS } from '../../contract';
import { actionsOf, defaultStack, idStartingWith, resourcesOfType, statementsOfRole } from './synth';

const s = defaultStack();
const streamOf = (topic: string) => resourcesOfType(s, 'AWS::KinesisFirehose::DeliveryStream').find(([, r]) => r.Properties?.MSKSourceConfiguration.TopicName === topic);
const text = (v: unknown): string => JSON.stringify(v);

test('the contract lists the purchases and events topics once, the events topic landing in raw/events/', () => {
  assert.deepEqual(TOPICS.map((t) => t.name), [TOPIC.name, EVENTS_TOPIC.name]);
  assert.equal(TOPICS[1].rawPrefix, BEHAVIOUR_LAKE.rawPrefix);
  assert.equal(BEHAVIOUR_LAKE.rawPrefix, 'raw/events/');
});

test('one topic custom resource per contract topic, all served by the one in-VPC creator function', () => {
  const topics = resourcesOfType(s, 'Custom::KafkaTopic');
  assert.deepEqual(topics.map(([, r]) => [r.Properties?.TopicName, r.Properties?.Partitions]).sort(), TOPICS.map((t) => [t.name, t.partitions]).sort());
  assert.equal(new Set(topics.map(([, r]) => text(r.Properties?.ServiceToken))).size, 1);
  const creator = statementsOfRole(s, idStartingWith(s, 'AWS::IAM::Role', 'StreamingTopicCreatorFnServiceRole'));
  const create = creator.find((st) => actionsOf(st).includes('kafka-cluster:CreateTopic'))!;
  for (const t of TOPICS) assert.match(text(create.Resource), new RegExp(`/${t.name}"`), `the creator may create ${t.name}`);
});

test('Firehose #2 reads the events topic privately and lands gzip objects under raw/events/ with the contract buffer', () => {
  const found = streamOf(EVENTS_TOPIC.name);
  assert.ok(found, 'a delivery stream reads the events topic');
  const [id, stream] = found;
  assert.equal(stream.Properties?.MSKSourceConfiguration.AuthenticationConfiguration.Connectivity, 'PRIVATE');
  assert.equal(stream.Properties?.MSKSourceConfiguration.ReadFromTimestamp, '1970-01-01T00:00:00Z');
  const d = stream.Properties?.ExtendedS3DestinationConfiguration;
  assert.deepEqual(d.BufferingHints, { SizeInMBs: FIREHOSE_BUFFER.sizeMiB, IntervalInSeconds: FIREHOSE_BUFFER.intervalSeconds });
  assert.equal(d.CompressionFormat, 'GZIP');
  assert.equal(d.Prefix, `${BEHAVIOUR_LAKE.rawPrefix}!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/!{timestamp:HH}/`);
  assert.ok(d.ErrorOutputPrefix.startsWith(`${TOPICS[1].errorPrefix}!{firehose:error-output-type}/`));
  assert.ok(!TOPICS[1].errorPrefix.startsWith(BEHAVIOUR_LAKE.quarantinePrefix), "delivery errors stay apart from the sessions job's quarantine");
  const topicIds = resourcesOfType(s, 'Custom::KafkaTopic').filter(([, r]) => r.Properties?.TopicName === EVENTS_TOPIC.name).map(([tid]) => tid);
  assert.ok([stream.DependsOn].flat().includes(topicIds[0]), `${id} waits for the events topic`);
});

test("Firehose #2's role reads only the events topic and writes only the events prefixes", () => {
  const [, stream] = streamOf(EVENTS_TOPIC.name)!;
  const statements = statementsOfRole(s, stream.Properties?.MSKSourceConfiguration.AuthenticationConfiguration.RoleARN['Fn::GetAtt'][0]);
  const resourcesFor = (action: string) => statements.filter((st) => actionsOf(st).includes(action)).map((st) => text(st.Resource)).join();
  assert.match(resourcesFor('kafka-cluster:ReadData'), new RegExp(`/${EVENTS_TOPIC.name}"`));
  assert.doesNotMatch(resourcesFor('kafka-cluster:ReadData'), new RegExp(`/${TOPIC.name}"`));
  assert.deepEqual(resourcesFor('s3:PutObject').match(/"\/[^"]*"/g)?.sort(), [`"/${TOPICS[1].errorPrefix}*"`, `"/${BEHAVIOUR_LAKE.rawPrefix}*"`].sort());
});

test('the ingest producer may write and describe both topics, and nothing else of the cluster but connect', () => {
  const statements = statementsOfRole(s, idStartingWith(s, 'AWS::IAM::Role', 'IngestProducerFnServiceRole'));
  const write = statements.find((st) => actionsOf(st).includes('kafka-cluster:WriteData'))!;
  const resources = [write.Resource].flat().map(text);
  assert.equal(resources.length, TOPICS.length);
  for (const t of TOPICS) assert.ok(resources.some((r) => r.includes(`/${t.name}"`)), `the producer may write ${t.name}`);
});
