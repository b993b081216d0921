/**
 * Destroy-time cleanup of the rules EMR adds between its managed security groups, which would otherwise
 * block their deletion (lambdas/revoke-emr-rules/rules.ts says which rules and why). A Lambda outside the
 * VPC (the EC2 API has no endpoint in the isolated subnets) describes the rules that exist and revokes
 * exactly those; a failure fails the delete with EC2's reason.
 */
import * as path from 'node:path';
import { CustomResource, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as cr from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import type { RecstreamConfig } from '../config';
import { BUNDLING, REPO_ROOT } from '../functions';
import { exempt, lambdaManagedPolicyExemptions, resourceFinding, wildcards } from '../nag';
import { logGroup } from '../storage';
import type { EmrSecurityGroups } from './security-groups';

export function revokeEmrRulesOnDelete(scope: Construct, groups: EmrSecurityGroups, config: RecstreamConfig): CustomResource {
  const fn = new nodejs.NodejsFunction(scope, 'EmrRuleRevokerFn', {
    entry: path.join(REPO_ROOT, 'lambdas', 'revoke-emr-rules', 'handler.ts'),
    handler: 'handler',
    description: 'On stack delete: revokes the rules EMR added between its managed security groups',
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    timeout: Duration.minutes(1),
    logGroup: logGroup(scope, 'EmrRuleRevokerLogs', config),
    depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
    projectRoot: REPO_ROOT,
    // The runtime's AWS SDK v3 provides the EC2 client (not a dependency of this repository).
    bundling: { ...BUNDLING, externalModules: ['@aws-sdk/client-ec2'] },
  });
  const nodeGroups = [groups.primary, groups.core];
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['ec2:DescribeSecurityGroupRules'], resources: ['*'] }));
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['ec2:RevokeSecurityGroupIngress'],
      resources: nodeGroups.map((sg) => Stack.of(scope).formatArn({ service: 'ec2', resource: 'security-group', resourceName: sg.securityGroupId })),
    }),
  );
  exempt(fn, [
    { ...lambdaManagedPolicyExemptions('EmrRuleRevoker')[0] },
    ...wildcards('DescribeSecurityGroupRules has no resource-level permissions (EC2 authorizes it on *); the revoke is scoped to the two groups.', 'Resource::*'),
  ]);
  const provider = new cr.Provider(scope, 'EmrRuleRevoker', {
    onEventHandler: fn,
    logGroup: logGroup(scope, 'EmrRuleRevokerProviderLogs', config),
  });
  exempt(provider, [
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: "CDK's custom-resource Provider framework: its role uses the policy only to write the framework's own logs.",
    },
    ...wildcards("The Provider framework invokes the revoker function and its versions (CDK's generated grant).", resourceFinding(scope, `${fn.functionArn}:*`)),
    { id: 'AwsSolutions-L1', reason: "aws-cdk-lib pins the Provider framework's runtime; upgrading aws-cdk-lib moves it." },
  ]);
  // The reference to the groups makes CloudFormation delete this resource (and so revoke) before the groups.
  return new CustomResource(scope, 'RevokeEmrRules', {
    serviceToken: provider.serviceToken,
    resourceType: 'Custom::EmrRuleRevoker',
    properties: { NodeGroupIds: nodeGroups.map((sg) => sg.securityGroupId) },
    serviceTimeout: Duration.minutes(5),
  });
}
