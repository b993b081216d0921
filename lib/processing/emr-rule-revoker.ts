/**
 * EMR adds rules of its own between the managed groups (all TCP/UDP/ICMP from the
 * primary and core groups: https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-man-sec-groups.html).
 * CloudFormation does not know them, and groups that reference each other cannot
 * be deleted, so `cdk destroy` revokes them first. Revoking a rule that does not
 * exist is not an error (EC2 reports it in UnknownIpPermissions), so listing every
 * such rule is safe.
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cr from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import type { RecstreamConfig } from '../config';
import { logGroup } from '../storage';
import type { EmrSecurityGroups } from './security-groups';

/** One revoker per EMR-managed group, run when the stack is deleted. */
export function revokeEmrRulesOnDelete(scope: Construct, groups: EmrSecurityGroups, config: RecstreamConfig): void {
  const peers = [groups.primary, groups.core, groups.serviceAccess];
  const pairs = peers.map((peer) => ({ GroupId: peer.securityGroupId }));
  const ipPermissions = [
    { IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, UserIdGroupPairs: pairs },
    { IpProtocol: 'udp', FromPort: 0, ToPort: 65535, UserIdGroupPairs: pairs },
    { IpProtocol: 'icmp', FromPort: -1, ToPort: -1, UserIdGroupPairs: pairs },
  ];
  for (const [id, group] of [['Primary', groups.primary], ['Core', groups.core]] as const) {
    new cr.AwsCustomResource(scope, `RevokeEmrRules${id}`, {
      onDelete: {
        service: 'EC2',
        action: 'revokeSecurityGroupIngress',
        parameters: { GroupId: group.securityGroupId, IpPermissions: ipPermissions },
        // A group EMR never touched has nothing to revoke.
        ignoreErrorCodesMatching: 'InvalidPermission.NotFound',
      },
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({
          actions: ['ec2:RevokeSecurityGroupIngress'],
          resources: [Stack.of(scope).formatArn({ service: 'ec2', resource: 'security-group', resourceName: group.securityGroupId })],
        }),
      ]),
      installLatestAwsSdk: false,
      logGroup: logGroup(scope, `RevokeEmrRules${id}Logs`, config),
    });
  }
}
