// Issue 23.6: POST /events is protected at the gateway. On its own REST API: the method requires an API key, so
// API Gateway answers a call without a valid key itself and no Lambda runs; one key and usage plan per store
// (throttle and daily quota each), so one noisy store throttles only itself
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html); API Gateway
// generates each key (no Value: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigateway-apikey.html),
// so none is in the template; a regional WAF web ACL with a per-IP rate-based rule on the stage (WAF protects REST
// API stages: https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-aws-waf.html).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultStack, resourcesOfType, single, synthesizeRealtime, refsOf } from './synth';

const HASH = 'b'.repeat(64);
const on = synthesizeRealtime({ context: { realtime: { collectorWriteKeyHashes: { 'store-1': 'a'.repeat(64), 'store-2': HASH } } } });

test('POST /events is not on the analysts\' HTTP API any more, but on its own REST API requiring an API key', () => {
  assert.ok(!resourcesOfType(on, 'AWS::ApiGatewayV2::Route').some(([, r]) => r.Properties?.RouteKey === 'POST /events'));
  const [apiId] = single(on, 'AWS::ApiGateway::RestApi');
  const [, events] = resourcesOfType(on, 'AWS::ApiGateway::Resource').find(([, r]) => r.Properties?.PathPart === 'events')!;
  const [methodId, method] = resourcesOfType(on, 'AWS::ApiGateway::Method').find(([, m]) => m.Properties?.HttpMethod === 'POST')!;
  assert.deepEqual(refsOf(events.Properties!.RestApiId), [apiId]);
  assert.equal(method.Properties!.ApiKeyRequired, true);
  assert.equal(method.Properties!.Integration.Type, 'AWS_PROXY');
  // The stage is deployed after the method exists (the same class as issue 23.1's route settings).
  const [, deployment] = single(on, 'AWS::ApiGateway::Deployment');
  assert.ok([deployment.DependsOn].flat().includes(methodId));
});

test('one generated API key and one usage plan per store, each with its own throttle and daily quota', () => {
  const keys = resourcesOfType(on, 'AWS::ApiGateway::ApiKey');
  const plans = resourcesOfType(on, 'AWS::ApiGateway::UsagePlan');
  const links = resourcesOfType(on, 'AWS::ApiGateway::UsagePlanKey');
  assert.equal(keys.length, 2);
  assert.equal(plans.length, 2);
  for (const [, key] of keys) assert.equal(key.Properties!.Value, undefined, 'no key value in the template');
  for (const [, plan] of plans) {
    assert.deepEqual(plan.Properties!.Throttle, { RateLimit: 20, BurstLimit: 40 });
    assert.deepEqual(plan.Properties!.Quota, { Limit: 500000, Period: 'DAY' });
  }
  // Each key in exactly one plan.
  assert.deepEqual(links.map(([, l]) => refsOf(l.Properties!.KeyId)[0]).sort(), keys.map(([id]) => id).sort());
  assert.equal(new Set(links.map(([, l]) => refsOf(l.Properties!.UsagePlanId)[0])).size, 2);
});

test('a regional WAF web ACL blocks any one IP past its rate, on the collector stage', () => {
  const [aclId, acl] = single(on, 'AWS::WAFv2::WebACL');
  assert.equal(acl.Properties!.Scope, 'REGIONAL');
  const rate = acl.Properties!.Rules.find((r: any) => r.Statement.RateBasedStatement);
  assert.deepEqual(rate.Statement.RateBasedStatement, { Limit: 3000, AggregateKeyType: 'IP' });
  assert.deepEqual(rate.Action, { Block: {} });
  const [, association] = single(on, 'AWS::WAFv2::WebACLAssociation');
  assert.deepEqual(refsOf(association.Properties!.WebACLArn), [aclId]);
  const [stageId] = single(on, 'AWS::ApiGateway::Stage');
  assert.match(JSON.stringify(association.Properties!.ResourceArn), new RegExp(`"Ref":"${stageId}"`));
});

test('realtime off: no collector API, no regional web ACL', () => {
  assert.equal(resourcesOfType(defaultStack(), 'AWS::ApiGateway::RestApi').length, 0);
  assert.equal(resourcesOfType(defaultStack(), 'AWS::WAFv2::WebACL').length, 0);
});

// The write keys' hashes can stay out of the context and the template: named as an SSM String parameter, they
// reach the collector through a template parameter of type AWS::SSM::Parameter::Value<String>, which CloudFormation
// resolves at deploy time (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html).
test('with realtime.collectorWriteKeyHashesParameter, no hash is in the template: the collector reads the SSM parameter CloudFormation resolves', () => {
  const NAME = '/recstream/realtime/collector-write-key-hashes';
  const s = synthesizeRealtime({ context: { realtime: { collectorWriteKeyHashes: {}, collectorWriteKeyHashesParameter: NAME, collectorStores: ['store-1', 'store-2'] } } });
  const template = s.template.toJSON();
  const collector = resourcesOfType(s, 'AWS::Lambda::Function').find(([id]) => id.startsWith('RealtimeCollector'))!;
  const [parameterId] = refsOf(collector[1].Properties!.Environment.Variables.COLLECTOR_WRITE_KEYS);
  assert.deepEqual(template.Parameters[parameterId], { Type: 'AWS::SSM::Parameter::Value<String>', Default: NAME });
  assert.ok(!JSON.stringify(template).includes('a'.repeat(64)), 'the hash synthesizeRealtime configures otherwise is not in the template');
  assert.equal(resourcesOfType(s, 'AWS::ApiGateway::UsagePlan').length, 2, 'the named stores get their keys and plans');
  assert.throws(
    () => synthesizeRealtime({ context: { realtime: { collectorWriteKeyHashesParameter: NAME } } }),
    /collectorWriteKeyHashes and realtime.collectorWriteKeyHashesParameter both set/,
  );
});
