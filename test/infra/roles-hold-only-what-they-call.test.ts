// Issue 12.3 and 12.7: least privilege on the EMR and producer roles, and the tags EMR's managed policy needs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { actionsOf, defaultStack, idStartingWith, resourcesOfType, statementsOfRole } from './synth';

const s = defaultStack();
const EMR_TAG = { Key: 'for-use-with-amazon-emr-managed-policies', Value: 'true' };

test('the VPC, not only its subnets, carries the tag AmazonEMRServicePolicy_v2 conditions ec2:CreateVpcEndpoint on', () => {
  const [[, vpc]] = resourcesOfType(s, 'AWS::EC2::VPC');
  assert.ok(vpc.Properties?.Tags.some((t: any) => t.Key === EMR_TAG.Key && t.Value === EMR_TAG.Value), JSON.stringify(vpc.Properties?.Tags));
  for (const [id, subnet] of resourcesOfType(s, 'AWS::EC2::Subnet')) assert.ok(subnet.Properties?.Tags.some((t: any) => t.Key === EMR_TAG.Key), id);
});

test("the EMR service role's trust policy has the aws:SourceAccount and aws:SourceArn conditions EMR documents", () => {
  const role = s.resources[idStartingWith(s, 'AWS::IAM::Role', 'ProcessingEmrServiceRole')];
  const [trust] = role.Properties!.AssumeRolePolicyDocument.Statement;
  assert.deepEqual(trust.Principal, { Service: 'elasticmapreduce.amazonaws.com' });
  assert.deepEqual(trust.Condition.StringEquals, { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
  assert.deepEqual(trust.Condition.ArnLike, {
    'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':elasticmapreduce:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':*']] },
  });
});

test('EMR nodes read the two job-bundle objects of the assets bucket, not the whole bucket', () => {
  const statements = statementsOfRole(s, idStartingWith(s, 'AWS::IAM::Role', 'ProcessingCreateClusterInstanceRole'));
  const onAssets = statements.filter((st) => JSON.stringify(st.Resource).includes('cdk-hnb659fds-assets'));
  assert.equal(onAssets.length, 1, JSON.stringify(onAssets));
  assert.deepEqual(actionsOf(onAssets[0]), ['s3:GetObject']);
  // CDK merges statements with the same action, so the lake's raw/ grant may share this one.
  const resources = [onAssets[0].Resource].flat().map((r) => JSON.stringify(r)).filter((r) => r.includes('cdk-hnb659fds-assets'));
  assert.equal(resources.length, 2);
  for (const r of resources) assert.match(r, /[0-9a-f]{64}\.(zip|py)/, 'one content-hashed object, no wildcard');
});

test('the producer reads uploads with s3:GetObject only (no wildcard actions) and writes only beside them', () => {
  const statements = statementsOfRole(s, idStartingWith(s, 'AWS::IAM::Role', 'IngestProducerFnServiceRole'));
  const s3Actions = statements.flatMap(actionsOf).filter((a) => a.startsWith('s3:')).sort();
  assert.deepEqual(s3Actions, ['s3:GetObject', 's3:PutObject']);
});

test('the EMR service-access group allows only 8443 to the primary and core groups out, not the allow-all EC2 adds to a group without egress rules', () => {
  const groupId = idStartingWith(s, 'AWS::EC2::SecurityGroup', 'ProcessingEmrServiceAccessSg');
  const inline = s.resources[groupId].Properties?.SecurityGroupEgress;
  assert.ok(Array.isArray(inline) && inline.length > 0, 'an empty egress list means allow-all');
  for (const rule of inline) assert.notEqual(rule.CidrIp, '0.0.0.0/0');
  const separate = resourcesOfType(s, 'AWS::EC2::SecurityGroupEgress').filter(([, r]) => r.Properties?.GroupId?.['Fn::GetAtt']?.[0] === groupId);
  assert.deepEqual(separate.map(([, r]) => [r.Properties?.IpProtocol, r.Properties?.FromPort, r.Properties?.ToPort]), [['tcp', 8443, 8443], ['tcp', 8443, 8443]]);
});

test("the state machine may create, describe and terminate only clusters carrying this pipeline's tag", () => {
  const statements = statementsOfRole(s, idStartingWith(s, 'AWS::IAM::Role', 'ProcessingPipelineRole'));
  const emrOnStar = statements.filter((st) => [st.Resource].flat().includes('*') && actionsOf(st).some((a) => a.startsWith('elasticmapreduce:')));
  assert.ok(emrOnStar.length >= 2, JSON.stringify(emrOnStar));
  for (const st of emrOnStar) {
    const condition = JSON.stringify(st.Condition ?? {});
    assert.match(condition, /elasticmapreduce:(Request|Resource)Tag\/recstream-pipeline/, JSON.stringify(st));
  }
});
