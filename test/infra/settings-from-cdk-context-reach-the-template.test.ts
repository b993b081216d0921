// lib/config.ts: defaults, `-c recstream=...` overrides reaching the template, and clear errors for bad settings.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { Template } from 'aws-cdk-lib/assertions';
import { DEFAULT_CONFIG, refuseUnknownContextKeys, resolveConfig } from '../../lib/config';
import { ALS_DEFAULTS } from '../../contract';
import { resourcesOfType, single, stateMachineDefinition, synthesize } from './synth';

test("defaults: EMR 7 with Spark 3.5, the contract's ALS defaults, destroy on delete, MFA required", () => {
  const config = resolveConfig(undefined);
  assert.deepEqual(config, DEFAULT_CONFIG);
  assert.equal(config.emr.releaseLabel, 'emr-7.10.0');
  assert.deepEqual(config.als, ALS_DEFAULTS);
  assert.equal(config.removal, 'destroy');
  assert.equal(config.auth.mfa, 'REQUIRED');
});

test('overrides merge into the defaults, from an object or the JSON text the CLI passes', () => {
  const config = resolveConfig('{"emr":{"coreInstanceCount":4},"als":{"maxIter":7,"rank":32}}');
  assert.equal(config.emr.coreInstanceCount, 4);
  assert.equal(config.emr.coreInstanceType, DEFAULT_CONFIG.emr.coreInstanceType);
  assert.equal(config.als.rank, 32);
  assert.equal(config.als.maxIter, 7);
  assert.equal(config.als.alpha, DEFAULT_CONFIG.als.alpha);
});

test('bad settings fail synth with the setting named', () => {
  assert.throws(() => resolveConfig({ emr: { coreInstanceCont: 3 } }), /unknown setting "emr.coreInstanceCont"/);
  assert.throws(() => resolveConfig({ emr: { releaseLabel: 'emr-6.15.0' } }), /emr.releaseLabel must be an EMR 7.x release/);
  // The Firehose buffer is a contract fact (contract/streaming.ts), not a deploy setting.
  assert.throws(() => resolveConfig({ firehoseBuffer: { sizeMiB: 10 } }), /unknown setting "firehoseBuffer"/);
  assert.throws(() => resolveConfig({ removal: 'keep' }), /removal must be "destroy" or "retain"/);
  assert.throws(() => resolveConfig({ auth: { mfa: 'SMS' } }), /auth.mfa must be/);
  assert.throws(() => resolveConfig({ emr: 3 }), /emr must be an object/);
});

test('one overridden deployment: cluster size and release, no schedule, data retained, MFA optional, tighter WAF', () => {
  const s = synthesize({
    context: {
      emr: { coreInstanceCount: 5, releaseLabel: 'emr-7.9.0' },
      schedule: null,
      removal: 'retain',
      auth: { mfa: 'OPTIONAL', requestsPer5MinutesPerIp: 200 },
    },
  });
  const definition = stateMachineDefinition(single(s, 'AWS::StepFunctions::StateMachine')[1]);
  const create = Object.values(definition.States).find((st) => String(st.Resource).includes('createCluster')).Parameters;
  assert.equal(create.ReleaseLabel, 'emr-7.9.0');
  assert.equal(create.Instances.InstanceGroups.find((g: any) => g.InstanceRole === 'CORE').InstanceCount, 5);
  assert.equal(resourcesOfType(s, 'AWS::Events::Rule').length, 0);
  const raw = s.template.toJSON().Resources as Record<string, { DeletionPolicy?: string }>;
  for (const [id] of [...resourcesOfType(s, 'AWS::S3::Bucket'), ...resourcesOfType(s, 'AWS::DynamoDB::Table')]) {
    assert.equal(raw[id].DeletionPolicy, 'Retain', id);
  }
  assert.equal(resourcesOfType(s, 'Custom::S3AutoDeleteObjects').length, 0);
  assert.equal(single(s, 'AWS::Cognito::UserPool')[1].Properties?.MfaConfiguration, 'OPTIONAL');
  const [acl] = Object.values(Template.fromStack(s.edge).findResources('AWS::WAFv2::WebACL'));
  assert.equal(acl.Properties.Rules[0].Statement.RateBasedStatement.Limit, 200);
});

// Issue 23.9: `-c realtime.enabled=true` used to be ignored without a word (only `-c recstream='{...}'` is read).
// The CLI passes every `-c key=value` as a context key (https://docs.aws.amazon.com/cdk/v2/guide/context.html);
// any key but `recstream` and CDK's own is refused, with the one way to say it.
test('an unknown context key is refused with the recstream value that says the same', () => {
  assert.throws(() => refuseUnknownContextKeys({ 'realtime.enabled': 'true' }), /unknown context key "realtime.enabled".*-c recstream='\{"realtime":\{"enabled":true\}\}'/);
  assert.throws(() => refuseUnknownContextKeys({ 'recstream.emr.coreInstanceCount': '4' }), /-c recstream='\{"emr":\{"coreInstanceCount":4\}\}'/);
  assert.throws(() => refuseUnknownContextKeys({ schedule: 'none' }), /-c recstream='\{"schedule":"none"\}'/);
  // The key itself, cdk.json's feature flags, CDK's own and its lookups pass.
  const cdkJson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')).context;
  refuseUnknownContextKeys({ ...cdkJson, recstream: '{}', 'aws:cdk:bundling-stacks': [], 'availability-zones:account=1:region=r': [], 'acknowledged-issue-numbers': [] });
});
