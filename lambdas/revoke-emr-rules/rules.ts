/**
 * Which of EMR's own rules must go before `cdk destroy` can delete the EMR-managed security groups.
 *
 * EMR adds ingress rules between the primary and core groups (all ICMP, TCP and UDP from each of them:
 * https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-man-sec-groups.html). CloudFormation does not know
 * them, and a group another group's rule references cannot be deleted. RevokeSecurityGroupIngress in a
 * non-default VPC fails whole with InvalidPermission.NotFound when any listed rule does not exist
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RevokeSecurityGroupIngress.html), so the
 * revoker first describes the rules that exist and revokes exactly those, by id.
 */

/** A rule as DescribeSecurityGroupRules returns it (the fields used here). */
export interface ExistingRule {
  SecurityGroupRuleId?: string;
  GroupId?: string;
  IsEgress?: boolean;
  IpProtocol?: string;
  FromPort?: number;
  ToPort?: number;
  ReferencedGroupInfo?: { GroupId?: string };
}

/**
 * The ids of the ingress rules of `groupId` that reference an EMR node group (primary or core): the rules
 * EMR added. Rules from the service-access group are the stack's own (CloudFormation deletes them).
 */
export function rulesToRevoke(existing: ExistingRule[], groupId: string, nodeGroupIds: string[]): string[] {
  return existing
    .filter((rule) => rule.GroupId === groupId && !rule.IsEgress)
    .filter((rule) => rule.ReferencedGroupInfo?.GroupId !== undefined && nodeGroupIds.includes(rule.ReferencedGroupInfo.GroupId))
    .map((rule) => rule.SecurityGroupRuleId)
    .filter((id): id is string => id !== undefined);
}
