/**
 * The cluster's security groups: EMR-managed groups for the primary and core
 * nodes (EMR adds the rules between the nodes itself) and the service-access
 * group the EMR service uses to reach the primary node in a private subnet
 * (9443 in, 8443 out): https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-sg-specify.html
 */
import { Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import { EMR_MANAGED_TAG, type Network } from '../network';

/** The placeholder rule CDK itself uses for a group that must allow no other egress. */
const NO_TRAFFIC = { IpProtocol: 'icmp', CidrIp: '255.255.255.255/32', FromPort: 252, ToPort: 86, Description: 'Disallow all traffic' };

export type EmrSecurityGroups = Record<'primary' | 'core' | 'serviceAccess', ec2.SecurityGroup>;

export function emrSecurityGroups(scope: Construct, network: Network): EmrSecurityGroups {
  const group = (id: string, description: string, allowAllOutbound: boolean): ec2.SecurityGroup => {
    const sg = new ec2.SecurityGroup(scope, id, { vpc: network.vpc, description, allowAllOutbound });
    Tags.of(sg).add(EMR_MANAGED_TAG.key, EMR_MANAGED_TAG.value);
    return sg;
  };
  // Nodes reach only the VPC and its gateway endpoints (isolated subnets), so outbound stays open for
  // the node-to-node traffic EMR configures.
  const primary = group('EmrPrimarySg', 'EMR primary node (EMR-managed rules)', true);
  const core = group('EmrCoreSg', 'EMR core nodes (EMR-managed rules)', true);
  const serviceAccess = group('EmrServiceAccessSg', 'EMR service access to the primary node', false);
  primary.addIngressRule(serviceAccess, ec2.Port.tcp(8443), 'EMR service to the instance controller');
  core.addIngressRule(serviceAccess, ec2.Port.tcp(8443), 'EMR service to the instance controller');
  serviceAccess.addIngressRule(primary, ec2.Port.tcp(9443), 'Primary node to the EMR service');
  serviceAccess.addEgressRule(primary, ec2.Port.tcp(8443), 'EMR service to the primary node');
  serviceAccess.addEgressRule(core, ec2.Port.tcp(8443), 'EMR service to the core nodes');
  // Egress to other groups is rendered as separate resources, which leaves the group's own egress list empty,
  // and a group created without egress rules gets EC2's allow-all egress
  // (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-securitygroup.html).
  // CDK's no-traffic rule (ICMP type 252 code 86 to 255.255.255.255/32 matches nothing) keeps the list non-empty.
  (serviceAccess.node.defaultChild as ec2.CfnSecurityGroup).addPropertyOverride('SecurityGroupEgress', [NO_TRAFFIC]);
  return { primary, core, serviceAccess };
}
