// CloudFormation custom resource (CDK Provider framework): on stack delete, revokes the rules EMR added between
// its managed security groups (rules.ts), so CloudFormation can delete the groups. Runs outside the VPC: the EC2
// API has no endpoint in the isolated subnets.
import { rulesToRevoke, type ExistingRule } from './rules';

interface RevokerEvent {
  RequestType: 'Create' | 'Update' | 'Delete';
  PhysicalResourceId?: string;
  ResourceProperties: { NodeGroupIds: string[] };
}

/** The two EC2 calls used, as the runtime's AWS SDK v3 aggregated client offers them. */
interface Ec2 {
  describeSecurityGroupRules(input: { Filters: Array<{ Name: string; Values: string[] }>; NextToken?: string }): Promise<{ SecurityGroupRules?: ExistingRule[]; NextToken?: string }>;
  revokeSecurityGroupIngress(input: { GroupId: string; SecurityGroupRuleIds: string[] }): Promise<unknown>;
}

// The Lambda Node.js runtime ships AWS SDK v3 with the EC2 client; this repository does not depend on it, so it
// is loaded at run time (lib/processing/emr-rule-revoker.ts keeps it out of the bundle).
const EC2_CLIENT = '@aws-sdk/client-ec2';
const ec2Client = async (): Promise<Ec2> => {
  const { EC2 } = (await import(EC2_CLIENT)) as { EC2: new () => Ec2 };
  return new EC2();
};

async function describe(ec2: Ec2, groupIds: string[]): Promise<ExistingRule[]> {
  const rules: ExistingRule[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ec2.describeSecurityGroupRules({ Filters: [{ Name: 'group-id', Values: groupIds }], NextToken });
    rules.push(...(page.SecurityGroupRules ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return rules;
}

export const handler = async (event: RevokerEvent): Promise<{ PhysicalResourceId: string; Data?: Record<string, string> }> => {
  const groupIds = event.ResourceProperties.NodeGroupIds;
  const PhysicalResourceId = event.PhysicalResourceId ?? `emr-rules:${groupIds.join(',')}`;
  if (event.RequestType !== 'Delete') return { PhysicalResourceId };
  const ec2 = await ec2Client();
  const existing = await describe(ec2, groupIds);
  for (const groupId of groupIds) {
    const ids = rulesToRevoke(existing, groupId, groupIds);
    console.log(JSON.stringify({ groupId, revoking: ids }));
    // A failure throws: the framework reports it to CloudFormation with this reason, instead of a later, vaguer DependencyViolation.
    if (ids.length > 0) await ec2.revokeSecurityGroupIngress({ GroupId: groupId, SecurityGroupRuleIds: ids });
  }
  return { PhysicalResourceId };
};
