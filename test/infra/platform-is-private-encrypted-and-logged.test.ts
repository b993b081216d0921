// Cross-cutting guarantees: isolated network without NAT, every app Lambda in the VPC, encryption, TLS-only, logs with retention, nothing left after destroy.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CONFIG } from '../../lib/config';
import { defaultStack, resourcesOfType, single } from './synth';

const s = defaultStack();
const raw = s.template.toJSON().Resources as Record<string, { Type: string; DeletionPolicy?: string; Properties?: any }>;

/**
 * CDK's own provider Lambdas, which stay outside the VPC on purpose: each calls
 * a public AWS control-plane API once per deployment (Kafka GetBootstrapBrokers,
 * S3 notification config, CloudFront invalidation, S3 auto-delete, EC2 default-SG
 * rules), which from the isolated subnets would need interface endpoints or NAT.
 */
const CDK_PROVIDERS = [
  /^AWS679f53fac002430cb0da5b7982bd2287/,
  /^BucketNotificationsHandler/,
  /^CustomCDKBucketDeployment/,
  /^CustomS3AutoDeleteObjects/,
  /^CustomVpcRestrictDefaultSG/,
  /^ProcessingEmrRuleRevokerframework/,
];
/** Ours but outside the VPC by design: it calls the EC2 API, which has no endpoint in the isolated subnets. */
const OUTSIDE_THE_VPC = /^ProcessingEmrRuleRevokerFn/;

test('the VPC has two isolated subnets, gateway endpoints for S3 and DynamoDB, flow logs, and no route to the internet', () => {
  assert.equal(resourcesOfType(s, 'AWS::EC2::NatGateway').length, 0);
  assert.equal(resourcesOfType(s, 'AWS::EC2::InternetGateway').length, 0);
  assert.equal(resourcesOfType(s, 'AWS::EC2::Route').length, 0, 'no route beyond the VPC (gateway endpoints add theirs at deploy time)');
  assert.equal(resourcesOfType(s, 'AWS::EC2::Subnet').length, 2);
  const endpoints = resourcesOfType(s, 'AWS::EC2::VPCEndpoint').map(([, e]) => [e.Properties?.VpcEndpointType, JSON.stringify(e.Properties?.ServiceName)]);
  assert.equal(endpoints.length, 2);
  assert.ok(endpoints.every(([type]) => type === 'Gateway'), 'no paid interface endpoint');
  assert.ok(endpoints.some(([, name]) => name.includes('.s3')) && endpoints.some(([, name]) => name.includes('.dynamodb')));
  const [, flowLog] = single(s, 'AWS::EC2::FlowLog');
  assert.equal(flowLog.Properties?.TrafficType, 'ALL');
});

test('every recstream Lambda runs in the isolated subnets; only CDK providers and the EC2-calling rule revoker stay outside', () => {
  const functions = resourcesOfType(s, 'AWS::Lambda::Function');
  const [[, revoker], ...others] = functions.filter(([id]) => OUTSIDE_THE_VPC.test(id));
  assert.equal(others.length, 0);
  assert.equal(revoker.Properties?.VpcConfig, undefined);
  assert.match(revoker.Properties?.Runtime, /^nodejs2[4-9]\.x$/);
  const ours = functions.filter(([id]) => !CDK_PROVIDERS.some((p) => p.test(id)) && !OUTSIDE_THE_VPC.test(id));
  assert.deepEqual(ours.map(([id]) => id.replace(/Fn[0-9A-F]{8}$/, '')).sort(), ['IngestProducer', 'ServingApi', 'ServingLoader', 'StreamingTopicCreator']);
  for (const [id, fn] of ours) {
    assert.equal(fn.Properties?.VpcConfig?.SubnetIds?.length, 2, `${id} is not in the VPC`);
    assert.match(fn.Properties?.Runtime, /^nodejs2[4-9]\.x$/, `${id} runs an old Node`);
  }
});

test('security groups admit no traffic from the internet', () => {
  for (const [id, sg] of resourcesOfType(s, 'AWS::EC2::SecurityGroup')) {
    for (const rule of sg.Properties?.SecurityGroupIngress ?? []) assert.equal(rule.CidrIp, undefined, `${id} has CIDR ingress`);
  }
  for (const [id, rule] of resourcesOfType(s, 'AWS::EC2::SecurityGroupIngress')) {
    assert.ok(rule.Properties?.SourceSecurityGroupId, `${id} admits a CIDR`);
  }
});

test('every bucket is private, encrypted, TLS-only, access-logged, and emptied on destroy', () => {
  const buckets = resourcesOfType(s, 'AWS::S3::Bucket');
  assert.deepEqual(
    buckets.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort(),
    ['AnalystSqlQueryResults', 'IngestLanding', 'Lake', 'LogsCdn', 'LogsServerAccess', 'WebSite'],
  );
  const policies = resourcesOfType(s, 'AWS::S3::BucketPolicy');
  for (const [id, bucket] of buckets) {
    const p = bucket.Properties!;
    assert.deepEqual(p.PublicAccessBlockConfiguration, { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true }, id);
    assert.match(p.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm, /^(AES256|aws:kms)$/, `${id} is not encrypted at rest`);
    const policy = policies.find(([, bp]) => bp.Properties?.Bucket.Ref === id);
    assert.ok(
      policy?.[1].Properties?.PolicyDocument.Statement.some((st: any) => st.Effect === 'Deny' && st.Condition?.Bool?.['aws:SecureTransport'] === 'false'),
      `${id} does not enforce TLS`,
    );
    if (!id.startsWith('LogsServerAccess')) assert.ok(p.LoggingConfiguration?.DestinationBucketName, `${id} is not access-logged`);
    assert.equal(raw[id].DeletionPolicy, 'Delete', id);
    assert.ok(p.Tags.some((t: any) => t.Key === 'aws-cdk:auto-delete-objects' && t.Value === 'true'), `${id} is not emptied on destroy`);
  }
});

test('the table, queue, alert topic and its key are encrypted', () => {
  assert.equal(single(s, 'AWS::DynamoDB::Table')[1].Properties?.SSESpecification.SSEEnabled, true);
  for (const [id, queue] of resourcesOfType(s, 'AWS::SQS::Queue')) assert.equal(queue.Properties?.SqsManagedSseEnabled, true, id);
  const [, topic] = single(s, 'AWS::SNS::Topic');
  const keyRef = topic.Properties?.KmsMasterKeyId['Fn::GetAtt'][0];
  assert.equal(raw[keyRef].Properties?.EnableKeyRotation, true);
});

test('every log group the stack creates has the configured retention and goes with the stack', () => {
  const groups = resourcesOfType(s, 'AWS::Logs::LogGroup');
  // Every group is some resource's destination (no orphan, none shared by accident): its id is referenced elsewhere.
  for (const [id] of groups) {
    const others = JSON.stringify(Object.entries(raw).filter(([other]) => other !== id));
    assert.ok(others.includes(`{"Ref":"${id}"}`) || others.includes(`["${id}","Arn"]`), `${id} is no resource's log destination`);
  }
  for (const [id, group] of groups) {
    assert.equal(group.Properties?.RetentionInDays, DEFAULT_CONFIG.logRetentionDays, id);
    assert.equal(raw[id].DeletionPolicy, 'Delete', id);
  }
  for (const [id, fn] of resourcesOfType(s, 'AWS::Lambda::Function').filter(([fid]) => !CDK_PROVIDERS.some((p) => p.test(fid)))) {
    assert.ok(fn.Properties?.LoggingConfig?.LogGroup, `${id} logs to its own log group`);
  }
});
