// Issue 12.1: a custom resource whose Lambda runs in the VPC answers CloudFormation through S3 (a presigned URL)
// via the gateway endpoint, and reaches its target through security-group rules. If a rollback or delete removes
// the endpoint or a rule first, the answer never arrives and CloudFormation waits its default hour
// (aws/aws-cdk#21348). Every such resource must depend on them and carry a short ServiceTimeout.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Template } from 'aws-cdk-lib/assertions';
import { defaultStack, resourcesOfType, synthesizeRealtime, type Synthesized } from './synth';

const s = defaultStack();
const refs = (value: unknown): string[] => [...JSON.stringify(value ?? null).matchAll(/"(?:Ref|Fn::GetAtt)":\["?([A-Za-z0-9]+)/g)].map((m) => m[1]);
const dependsOn = (id: string): string[] => [s.resources[id].DependsOn ?? []].flat();

const inVpcFunctions = resourcesOfType(s, 'AWS::Lambda::Function').filter(([, fn]) => fn.Properties?.VpcConfig);
const inVpcCustomResources = Object.entries(s.resources).filter(([, r]) => {
  const token = r.Properties?.ServiceToken;
  return token && inVpcFunctions.some(([fnId]) => refs(token).includes(fnId));
});
const s3Endpoint = resourcesOfType(s, 'AWS::EC2::VPCEndpoint').find(([, e]) => JSON.stringify(e.Properties?.ServiceName).includes('.s3'));

test('the topic creator is the in-VPC custom resource (the others run their provider outside the VPC)', () => {
  assert.deepEqual([...new Set(inVpcCustomResources.map(([, r]) => r.Type))], ['Custom::KafkaTopic']);
  assert.ok(s3Endpoint);
});

for (const [id] of inVpcCustomResources) {
  test(`${id} depends on the S3 gateway endpoint and on every rule of its function's security groups`, () => {
    const fnId = inVpcFunctions.find(([fnId]) => refs(s.resources[id].Properties?.ServiceToken).includes(fnId))![0];
    const groups = refs(s.resources[fnId].Properties?.VpcConfig.SecurityGroupIds);
    const rules = [...resourcesOfType(s, 'AWS::EC2::SecurityGroupIngress'), ...resourcesOfType(s, 'AWS::EC2::SecurityGroupEgress')]
      .filter(([, rule]) => refs(rule.Properties).some((ref) => groups.includes(ref)))
      .map(([ruleId]) => ruleId);
    assert.ok(rules.length >= 2, 'the 9098 ingress on the cluster group and egress on the function group');
    for (const needed of [s3Endpoint![0], ...groups, ...rules]) assert.ok(dependsOn(id).includes(needed), `${id} does not depend on ${needed}`);
  });

  test(`${id} gives up after minutes, not CloudFormation's default hour`, () => {
    const timeout = Number(s.resources[id].Properties?.ServiceTimeout);
    const fnTimeout = Number(inVpcFunctions.find(([fnId]) => refs(s.resources[id].Properties?.ServiceToken).includes(fnId))![1].Properties?.Timeout);
    assert.ok(timeout > fnTimeout && timeout <= 600, `ServiceTimeout ${timeout} s (function timeout ${fnTimeout} s)`);
  });
}

// Issue 23.10: every custom resource of both stacks, realtime on and off, carries a ServiceTimeout under
// CloudFormation's default hour (1-3600 s, default 3600: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-customresource.html):
// our own at a few minutes (one SDK call), CDK's own (which offer no setting) past the 15-minute Lambda limit.
test('no custom resource, realtime on or off, leaves CloudFormation its default hour', () => {
  for (const synth of [s, synthesizeRealtime()]) {
    const resources = [synth.resources, Template.fromStack(synth.edge).toJSON().Resources as Synthesized['resources']].flatMap((r) => Object.entries(r));
    const custom = resources.filter(([, r]) => r.Type.startsWith('Custom::') || r.Type === 'AWS::CloudFormation::CustomResource');
    assert.ok(custom.length >= 10);
    for (const [id, r] of custom) {
      const timeout = Number(r.Properties?.ServiceTimeout);
      assert.ok(timeout > 0 && timeout < 3600, `${id} (${r.Type}): ServiceTimeout ${r.Properties?.ServiceTimeout}`);
      if (r.Type === 'Custom::AWS') assert.ok(timeout <= 300, `${id}: one SDK call, ${timeout} s`);
    }
  }
});
