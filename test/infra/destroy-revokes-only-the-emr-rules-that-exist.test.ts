// Issue 12.2: before CloudFormation deletes the EMR-managed security groups, the rules EMR added between them must go.
// RevokeSecurityGroupIngress fails whole (InvalidPermission.NotFound) when one listed rule does not exist, so the
// revoker describes the rules that exist and revokes those by id; a failure fails the delete instead of being swallowed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rulesToRevoke, type ExistingRule } from '../../lambdas/revoke-emr-rules/rules';
import { defaultStack, idStartingWith, resourcesOfType, statementsOfRole } from './synth';

const [PRIMARY, CORE, SERVICE_ACCESS] = ['sg-primary', 'sg-core', 'sg-service'];
let next = 0;
const ingress = (group: string, protocol: string, from: number, to: number, source: string): ExistingRule => ({
  SecurityGroupRuleId: `sgr-${++next}`,
  GroupId: group,
  IsEgress: false,
  IpProtocol: protocol,
  FromPort: from,
  ToPort: to,
  ReferencedGroupInfo: { GroupId: source },
});

/**
 * The rules EMR writes to its managed groups in a private subnet (EMR management guide, "Working with Amazon
 * EMR-managed security groups", https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-man-sec-groups.html):
 * primary and core each get all ICMP, TCP and UDP from the primary and the core group, and TCP 8443 from the
 * service-access group; the service-access group gets TCP 9443 from the primary group.
 */
const nodeToNode = (group: string): ExistingRule[] =>
  [PRIMARY, CORE].flatMap((source) => [ingress(group, 'icmp', -1, -1, source), ingress(group, 'tcp', 0, 65535, source), ingress(group, 'udp', 0, 65535, source)]);
const emrRules = {
  [PRIMARY]: nodeToNode(PRIMARY),
  [CORE]: nodeToNode(CORE),
};
const stackRules = [ingress(PRIMARY, 'tcp', 8443, 8443, SERVICE_ACCESS), ingress(CORE, 'tcp', 8443, 8443, SERVICE_ACCESS), ingress(SERVICE_ACCESS, 'tcp', 9443, 9443, PRIMARY)];
const afterAPipelineRun = [...emrRules[PRIMARY], ...emrRules[CORE], ...stackRules];
const ids = (rules: ExistingRule[]): string[] => rules.map((r) => r.SecurityGroupRuleId!);

test('after a pipeline run, every node-to-node rule EMR documents is revoked, and nothing else', () => {
  for (const group of [PRIMARY, CORE]) assert.deepEqual(rulesToRevoke(afterAPipelineRun, group, [PRIMARY, CORE]), ids(emrRules[group]), group);
});

test("the stack's own 8443/9443 rules are left to CloudFormation", () => {
  const revoked = [PRIMARY, CORE].flatMap((group) => rulesToRevoke(afterAPipelineRun, group, [PRIMARY, CORE]));
  for (const rule of stackRules) assert.ok(!revoked.includes(rule.SecurityGroupRuleId!), JSON.stringify(rule));
});

test('groups EMR never touched (no pipeline run) have nothing to revoke, so no call can fail with NotFound', () => {
  for (const group of [PRIMARY, CORE]) assert.deepEqual(rulesToRevoke(stackRules, group, [PRIMARY, CORE]), []);
});

test('only the rules that exist are revoked, whichever subset EMR wrote', () => {
  const partial = [emrRules[PRIMARY][1], emrRules[PRIMARY][4]];
  assert.deepEqual(rulesToRevoke(partial, PRIMARY, [PRIMARY, CORE]), ids(partial));
});

const s = defaultStack();
const [[revokerId, revoker]] = resourcesOfType(s, 'Custom::EmrRuleRevoker');

test('the stack deletes the revoker before the primary and core groups, which it names', () => {
  const groups = ['EmrPrimarySg', 'EmrCoreSg'].map((name) => idStartingWith(s, 'AWS::EC2::SecurityGroup', `Processing${name}`));
  assert.deepEqual(revoker.Properties?.NodeGroupIds, groups.map((id) => ({ 'Fn::GetAtt': [id, 'GroupId'] })));
  assert.ok(Number(revoker.Properties?.ServiceTimeout) <= 600, revokerId);
});

test('the revoker runs outside the VPC (the EC2 API has no endpoint there), may revoke only on those groups, and ignores no error', () => {
  const fnId = idStartingWith(s, 'AWS::Lambda::Function', 'ProcessingEmrRuleRevokerFn');
  assert.equal(s.resources[fnId].Properties?.VpcConfig, undefined);
  const statements = statementsOfRole(s, idStartingWith(s, 'AWS::IAM::Role', 'ProcessingEmrRuleRevokerFnServiceRole'));
  const revoke = statements.find((st) => [st.Action].flat().includes('ec2:RevokeSecurityGroupIngress'))!;
  assert.equal([revoke.Resource].flat().length, 2);
  assert.ok(statements.some((st) => [st.Action].flat().includes('ec2:DescribeSecurityGroupRules')));
  // The old AwsCustomResource listed rules that may not exist and swallowed InvalidPermission.NotFound.
  assert.ok(!JSON.stringify(s.resources).includes('InvalidPermission.NotFound'));
});
