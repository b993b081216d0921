/**
 * One VPC over two AZs with isolated subnets only: no internet gateway, no NAT.
 *
 * What reaches what, and why no NAT or interface endpoint is needed:
 * - S3 and DynamoDB: free gateway endpoints (routes in the subnets' tables).
 *   EMR nodes read the Spark assets, write the lake and their logs, and pull
 *   AL2023 packages from S3-hosted repositories through the S3 endpoint:
 *   https://docs.aws.amazon.com/emr/latest/ManagementGuide/private-subnet-iampolicy.html
 * - EMR in a private subnet needs a route to S3 and nothing else; the EMR
 *   service reaches the primary node through the service-access security group
 *   (port 9443), not through an endpoint in this VPC:
 *   https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-clusters-in-a-vpc.html
 *   https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-sg-specify.html
 *   The `elasticmapreduce` interface endpoint only serves callers of the EMR
 *   API from inside a VPC (https://docs.aws.amazon.com/emr/latest/ManagementGuide/interface-vpc-endpoint.html);
 *   Step Functions calls that API from outside, so it is not created.
 * - MSK Serverless: reached through the cluster's own endpoints in these subnets.
 *   The producer signs its IAM token locally from the role's environment
 *   credentials, so no STS endpoint; bootstrap brokers are resolved at deploy
 *   time, so no `kafka` endpoint.
 * - Lambda logs are shipped by the Lambda service, so no CloudWatch Logs endpoint.
 * Interface endpoints would each cost ~$14.6/month over two AZs; none is needed, except STS for the real-time
 * streaming job when it is enabled (lib/realtime.ts).
 */
import { Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import type { RecstreamConfig } from './config';
import { logGroup } from './storage';

/** The tag AmazonEMRServicePolicy_v2 requires on the VPC, subnets and security groups it may use:
 * https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-iam-role.html */
export const EMR_MANAGED_TAG = { key: 'for-use-with-amazon-emr-managed-policies', value: 'true' } as const;

export class Network extends Construct {
  readonly vpc: ec2.Vpc;
  readonly subnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  /** The only way from the subnets to S3, including the presigned URLs CloudFormation's custom resources answer on. */
  readonly s3Endpoint: ec2.GatewayVpcEndpoint;

  constructor(scope: Construct, id: string, config: RecstreamConfig) {
    super(scope, id);
    const flowLogs = logGroup(this, 'FlowLogs', config);
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 22 }],
      flowLogs: {
        all: { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs), trafficType: ec2.FlowLogTrafficType.ALL },
      },
    });
    this.s3Endpoint = this.vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 });
    this.vpc.addGatewayEndpoint('DynamoDB', { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB });
    // The VPC too, not only its subnets: the v2 policy's ec2:CreateVpcEndpoint (EMR's service endpoint)
    // is conditioned on a tagged VPC (https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-iam-role.html).
    Tags.of(this.vpc).add(EMR_MANAGED_TAG.key, EMR_MANAGED_TAG.value, { includeResourceTypes: ['AWS::EC2::VPC', 'AWS::EC2::Subnet'] });
  }

  /**
   * A security group whose only egress is HTTPS. The subnets have no route
   * beyond the VPC and its gateway endpoints, so 443 "anywhere" reaches S3 and
   * DynamoDB only (their prefix-list ids are per region and unknown at synth).
   */
  securityGroup(scope: Construct, id: string, description: string): ec2.SecurityGroup {
    const sg = new ec2.SecurityGroup(scope, id, { vpc: this.vpc, description, allowAllOutbound: false });
    sg.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to the S3/DynamoDB gateway endpoints');
    return sg;
  }
}
