// Issue 16's AWS half: `realtime.enabled` adds the EMR Serverless streaming job, the keyed and throttled
// collector route and their monitoring, passes cdk-nag and cfn-lint; off (the default), none of it exists.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { resolveConfig } from '../../lib/config';
import { realtimeJars } from '../../lib/realtime';
import { actionsOf, resourcesOfType, single, statementsOfRole, stubJarsDir, synthesize, idStartingWith } from './synth';

const HASH = 'a'.repeat(64);
const on = synthesize({ nag: true, context: { realtime: { enabled: true, jarsDir: stubJarsDir(), collectorWriteKeyHashes: { 'store-1': HASH } } } });

test('off by default: no streaming application, no collector route, no real-time dashboard', () => {
  const off = synthesize();
  assert.equal(off.config.realtime.enabled, false);
  assert.equal(resourcesOfType(off, 'AWS::EMRServerless::Application').length, 0);
  assert.equal(resourcesOfType(off, 'AWS::CloudWatch::Dashboard').length, 0);
  assert.ok(!resourcesOfType(off, 'AWS::ApiGatewayV2::Route').some(([, r]) => r.Properties?.RouteKey === 'POST /events'));
  // GET /live still answers: 404 (no live view), which S3 gives only to a caller that may read the key.
  const api = idStartingWith(off, 'AWS::Lambda::Function', 'ServingApi');
  const reads = statementsOfRole(off, off.resources[api].Properties!.Role['Fn::GetAtt'][0]).filter((st) => actionsOf(st).includes('s3:GetObject'));
  assert.match(JSON.stringify(reads), /\/realtime\/live\.json/);
});

test('on: a Spark application on EMR 7 in the isolated subnets, its job run a provider-backed resource (realtime-job-runs-past-12-hours-and-stops-before-destroy.test.ts)', () => {
  const [, app] = single(on, 'AWS::EMRServerless::Application');
  assert.equal(app.Properties!.Type, 'Spark');
  assert.match(app.Properties!.ReleaseLabel, /^emr-7\.(1\d|[1-9])\./);
  assert.equal(app.Properties!.NetworkConfiguration.SubnetIds.length, 2);
  const [, run] = single(on, 'Custom::EmrServerlessJobRun');
  assert.match(JSON.stringify(run.Properties!.StartJobRun), /--auth/);
});

test('on: the job role reads both topics and writes only realtime/ of the lake', () => {
  const role = idStartingWith(on, 'AWS::IAM::Role', 'RealtimeJobRole');
  const statements = statementsOfRole(on, role);
  const read = statements.find((st) => actionsOf(st).includes('kafka-cluster:ReadData'))!;
  assert.equal((read.Resource as unknown[]).length, 2);
  const writes = statements.filter((st) => actionsOf(st).includes('s3:PutObject'));
  assert.equal(writes.length, 1);
  assert.match(JSON.stringify(writes[0].Resource), /\/realtime\/\*/);
});

test('on: POST /events has no JWT authorizer (a store API key instead), and the collector holds only key hashes', () => {
  const [, method] = resourcesOfType(on, 'AWS::ApiGateway::Method').find(([, m]) => m.Properties?.HttpMethod === 'POST')!;
  assert.equal(method.Properties!.AuthorizationType ?? 'NONE', 'NONE');
  assert.equal(method.Properties!.ApiKeyRequired, true);
  const collector = resourcesOfType(on, 'AWS::Lambda::Function').find(([id]) => id.startsWith('RealtimeCollector'))!;
  assert.deepEqual(JSON.parse(collector[1].Properties!.Environment.Variables.COLLECTOR_WRITE_KEYS), { 'store-1': HASH });
});

test('on: alarms for the job, the collector and each Firehose reach the alerts topic; one dashboard', () => {
  assert.equal(resourcesOfType(on, 'AWS::CloudWatch::Dashboard').length, 1);
  const alarms = resourcesOfType(on, 'AWS::CloudWatch::Alarm').filter(([id]) => id.startsWith('RealtimeMonitoring'));
  const metrics = alarms.map(([, a]) => a.Properties!.MetricName);
  assert.deepEqual(metrics.sort(), ['DeliveryToS3.DataFreshness', 'DeliveryToS3.DataFreshness', 'Errors', 'LagSeconds', 'LiveViewAgeSeconds']);
  for (const [, a] of alarms) assert.equal(a.Properties!.AlarmActions.length, 1);
});

test('on: the lag reporter runs every minute and may read only the live view; it and the collector run in the isolated subnets', () => {
  const fn = idStartingWith(on, 'AWS::Lambda::Function', 'RealtimeLagReporter');
  for (const id of [fn, idStartingWith(on, 'AWS::Lambda::Function', 'RealtimeCollector')]) assert.equal(on.resources[id].Properties!.VpcConfig.SubnetIds.length, 2);
  const [, rule] = resourcesOfType(on, 'AWS::Events::Rule').find(([id]) => id.startsWith('RealtimeEveryMinute'))!;
  assert.equal(rule.Properties!.ScheduleExpression, 'rate(1 minute)');
  assert.equal(rule.Properties!.Targets[0].Arn['Fn::GetAtt'][0], fn);
  const role = on.resources[fn].Properties!.Role['Fn::GetAtt'][0];
  const gets = statementsOfRole(on, role).filter((st) => actionsOf(st).includes('s3:GetObject'));
  assert.deepEqual(gets.map((st) => JSON.stringify(st.Resource)), [JSON.stringify({ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Lake5F1B88EA', 'Arn'] }, '/realtime/live.json']] })]);
});

test('a write key itself (not its SHA-256) and missing jars are refused before anything is deployed', () => {
  assert.throws(() => resolveConfig({ realtime: { collectorWriteKeyHashes: { s: 'my-secret-key' } } }), /hex SHA-256/);
  assert.throws(() => realtimeJars(stubJarsDir(['spark-sql-kafka-0-10_2.12-3.5.5.jar'])), /aws-msk-iam-auth/);
});

test('on: cdk-nag finds nothing unacknowledged and cfn-lint no error or unexplained warning', () => {
  const assembly = on.app.synth();
  const report = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8'));
  const [nag] = report.pluginReports;
  assert.deepEqual(nag.violations, []);
  const templates = fs.readdirSync(assembly.directory).filter((f) => f.endsWith('.template.json')).map((t) => path.join(assembly.directory, t));
  let output = '';
  try {
    output = execFileSync(path.join(__dirname, '..', '..', '.venv', 'bin', 'cfn-lint'), ['--format', 'parseable', ...templates], { encoding: 'utf8' });
  } catch (error) {
    output = (error as { stdout: string }).stdout;
  }
  const findings = output.split('\n').filter((line) => /:[EW]\d{4}:/.test(line) && !line.includes(':W3005:'));
  assert.deepEqual(findings, [], output);
});
