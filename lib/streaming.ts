/**
 * MSK Serverless (IAM auth) in the isolated subnets, its topics (TOPICS in the contract:
 * purchases and behaviour events), and one Firehose per topic reading it privately into its raw prefix.
 *
 * - CloudFormation gives a ServerlessCluster only its ARN (no bootstrap-broker
 *   attribute: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-msk-serverlesscluster.html),
 *   so the brokers are read at deploy time with Kafka GetBootstrapBrokers.
 * - AWS::MSK::Topic wraps MSK's topic APIs, which "are not available for MSK
 *   Serverless clusters" (https://docs.aws.amazon.com/msk/latest/developerguide/msk-topic-operations-information.html),
 *   so a custom resource in the VPC creates the topic with a Kafka admin client.
 * - Firehose reads a private cluster over a VPC connection it creates itself;
 *   the cluster policy must let firehose.amazonaws.com call
 *   kafka:CreateVpcConnection (https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html).
 */
import { Aws, CustomResource, Duration, Fn } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as msk from 'aws-cdk-lib/aws-msk';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import type { RecstreamConfig } from './config';
import { FIREHOSE_BUFFER, LAMBDA_ENV, TOPICS, type LandedTopic } from '../contract';
import { AppFunction } from './functions';
import { cdkProviderExemptions, exempt, exemptSingleton, resourceFinding, wildcards } from './nag';
import type { Network } from './network';
import { awsCustomResourceLogGroup, logGroup } from './storage';

/** MSK's IAM-auth listener inside AWS: https://docs.aws.amazon.com/msk/latest/developerguide/port-info.html */
export const MSK_IAM_PORT = 9098;

/** How long CloudFormation waits for the topic creator's answer (the CustomResource ServiceTimeout). */
export const TOPIC_CREATOR_SERVICE_TIMEOUT = Duration.minutes(4);

/** Firehose's date folders, the same `yyyy/MM/dd/HH/` the local twin's sink writes. */
const HOURLY = '!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/!{timestamp:HH}/';

export interface StreamingProps {
  config: RecstreamConfig;
  network: Network;
  /** The lake bucket Firehose lands raw objects in. */
  lake: s3.IBucket;
}

export class Streaming extends Construct {
  readonly clusterArn: string;
  /** The ARN of each topic of TOPICS, by name. */
  readonly topicArns: Record<LandedTopic['name'], string>;
  /** Every consumer group of this cluster (clients that name their groups at run time). */
  readonly groupArns: string;
  /** Comma-separated `host:9098` list, resolved at deploy time. */
  readonly bootstrapBrokers: string;
  /** One delivery stream per topic, by topic name. */
  readonly deliveryStreams: Record<LandedTopic['name'], firehose.CfnDeliveryStream>;
  /** Each topic's custom resource, by name: consumers that start at deploy time wait for them. */
  readonly topics: Record<LandedTopic['name'], CustomResource>;
  /** The cluster endpoints' group, whose ingress rules (one per client) a deploy-time client also waits for. */
  readonly clusterSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: StreamingProps) {
    super(scope, id);
    const { config, network, lake } = props;
    const clusterName = `${config.name}-purchases`;

    this.clusterSecurityGroup = new ec2.SecurityGroup(this, 'ClusterSg', {
      vpc: network.vpc,
      description: 'MSK Serverless endpoints: IAM listener from recstream clients only',
      allowAllOutbound: false,
    });
    const cluster = new msk.CfnServerlessCluster(this, 'Cluster', {
      clusterName,
      clientAuthentication: { sasl: { iam: { enabled: true } } },
      vpcConfigs: [
        {
          subnetIds: network.vpc.selectSubnets(network.subnets).subnetIds,
          securityGroups: [this.clusterSecurityGroup.securityGroupId],
        },
      ],
    });
    this.clusterArn = cluster.attrArn;
    // arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>: the uuid scopes topic and group ARNs
    // without wildcards (https://docs.aws.amazon.com/msk/latest/developerguide/kafka-actions.html).
    const clusterUuid = Fn.select(2, Fn.split('/', this.clusterArn));
    const kafkaArn = (resource: 'topic' | 'group', name: string): string =>
      Fn.join('', [`arn:${Aws.PARTITION}:kafka:${Aws.REGION}:${Aws.ACCOUNT_ID}:${resource}/${clusterName}/`, clusterUuid, `/${name}`]);
    this.topicArns = Object.fromEntries(TOPICS.map((t) => [t.name, kafkaArn('topic', t.name)])) as Record<LandedTopic['name'], string>;

    this.bootstrapBrokers = this.resolveBrokers(config);
    const topics = (this.topics = this.createTopics(config, network));

    const clusterPolicy = new msk.CfnClusterPolicy(this, 'FirehoseAccess', {
      clusterArn: this.clusterArn,
      policy: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'firehose.amazonaws.com' },
            Action: ['kafka:CreateVpcConnection'],
            Resource: this.clusterArn,
          },
        ],
      },
    });

    const groups = (this.groupArns = kafkaArn('group', '*'));
    const streams = TOPICS.map((t) => {
      const stream = this.createDeliveryStream(config, lake, groups, t);
      // Firehose fails to create (CREATE_PRIVATE_LINK_FAILED) without the policy, and reads nothing without the topic.
      stream.node.addDependency(clusterPolicy, topics[t.name]);
      return [t.name, stream] as const;
    });
    this.deliveryStreams = Object.fromEntries(streams) as Record<LandedTopic['name'], firehose.CfnDeliveryStream>;
  }

  /** Lets `client` reach the cluster's IAM listener. */
  allowClient(client: ec2.IConnectable): void {
    this.clusterSecurityGroup.connections.allowFrom(client, ec2.Port.tcp(MSK_IAM_PORT), 'Kafka over IAM (SASL/OAUTHBEARER, TLS)');
  }

  /**
   * Producer rights: connect and describe on the cluster, idempotent writes
   * (kafkajs/librdkafka idempotence needs it on the cluster ARN), write and
   * describe on the platform's topics only.
   */
  grantProduce(grantee: iam.IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster', 'kafka-cluster:WriteDataIdempotently'],
        resources: [this.clusterArn],
      }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['kafka-cluster:WriteData', 'kafka-cluster:DescribeTopic'], resources: Object.values(this.topicArns) }),
    );
  }

  private resolveBrokers(config: RecstreamConfig): string {
    const call: cr.AwsSdkCall = {
      service: 'Kafka',
      action: 'getBootstrapBrokers',
      parameters: { ClusterArn: this.clusterArn },
      physicalResourceId: cr.PhysicalResourceId.of(`${config.name}-bootstrap-brokers`),
      outputPaths: ['BootstrapBrokerStringSaslIam'],
    };
    const brokers = new cr.AwsCustomResource(this, 'BootstrapBrokers', {
      onCreate: call,
      onUpdate: call,
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: ['kafka:GetBootstrapBrokers'], resources: [this.clusterArn] }),
      ]),
      installLatestAwsSdk: false,
      // One SDK call within the provider's 2-minute timeout; a lost answer fails the stack in minutes, not an hour.
      serviceTimeout: Duration.minutes(5),
      logGroup: awsCustomResourceLogGroup(this, config),
    });
    // CDK's provider Lambda runs outside the VPC on purpose: it calls the public Kafka control-plane
    // API once per deployment, which from inside would need a `kafka` interface endpoint (~$15/month).
    exemptSingleton(this, 'AWS679f53fac002430cb0da5b7982bd2287', cdkProviderExemptions('AwsCustomResource (GetBootstrapBrokers)'));
    return brokers.getResponseField('BootstrapBrokerStringSaslIam');
  }

  /** One creator function, one `Custom::KafkaTopic` per topic of TOPICS (each is created, or grown, on its own). */
  private createTopics(config: RecstreamConfig, network: Network): Record<LandedTopic['name'], CustomResource> {
    const creator = new AppFunction(this, 'TopicCreator', {
      config,
      network,
      entry: 'lambdas/create-topic/handler.ts',
      description: `CloudFormation custom resource: creates the ${TOPICS.map((t) => t.name).join(' and ')} topics on MSK Serverless`,
      timeout: Duration.minutes(2),
      environment: { [LAMBDA_ENV.kafkaAuth]: 'iam' },
    });
    this.allowClient(creator.securityGroup);
    creator.fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster'], resources: [this.clusterArn] }),
    );
    creator.fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['kafka-cluster:CreateTopic', 'kafka-cluster:DescribeTopic', 'kafka-cluster:AlterTopic'],
        resources: Object.values(this.topicArns),
      }),
    );
    const topicResource = (t: LandedTopic): CustomResource => {
      // The purchases topic keeps the id it was first deployed with, so an update does not replace it.
      const topic = new CustomResource(this, t.name === 'purchases' ? 'Topic' : `Topic-${t.name}`, {
        serviceToken: creator.fn.functionArn,
        resourceType: 'Custom::KafkaTopic',
        properties: { BootstrapBrokers: this.bootstrapBrokers, TopicName: t.name, Partitions: t.partitions },
        // CloudFormation's default is an hour; the function answers within its 2-minute timeout, so a
        // reply lost on the way fails the stack in minutes instead.
        serviceTimeout: TOPIC_CREATOR_SERVICE_TIMEOUT,
      });
      // The function answers through S3 (a presigned URL) via the gateway endpoint and reaches the brokers
      // through the 9098 rules. Without these dependencies, a rollback or delete may remove the endpoint or
      // the rules first, and the reply never arrives (the class of https://github.com/aws/aws-cdk/issues/21348).
      topic.node.addDependency(network.s3Endpoint, this.clusterSecurityGroup, creator.securityGroup);
      return topic;
    };
    return Object.fromEntries(TOPICS.map((t) => [t.name, topicResource(t)])) as Record<LandedTopic['name'], CustomResource>;
  }

  /** A Firehose from `topic` to its raw prefix, with a role that reads only that topic and writes only its prefixes. */
  private createDeliveryStream(config: RecstreamConfig, lake: s3.IBucket, groupArns: string, topic: LandedTopic): firehose.CfnDeliveryStream {
    // The purchases stream keeps the ids it was first deployed with; later topics' ids carry their name.
    const id = (base: string): string => (topic.name === 'purchases' ? base : `${base}-${topic.name}`);
    const topicArn = this.topicArns[topic.name];
    const errors = logGroup(this, id('FirehoseLogs'), config);
    const errorStream = new logs.LogStream(this, id('FirehoseS3Delivery'), { logGroup: errors });
    const rawObjects = [lake.arnForObjects(`${topic.rawPrefix}*`), lake.arnForObjects(`${topic.errorPrefix}*`)];
    const role = new iam.Role(this, id('FirehoseRole'), {
      description: `Firehose: read the ${topic.name} topic, write its raw prefix of the lake`,
      // The confused-deputy guard Firehose documents for its service role.
      assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com', {
        conditions: { StringEquals: { 'sts:ExternalId': Aws.ACCOUNT_ID } },
      }),
    });
    // MSK source role permissions as the Firehose developer guide lists them for an IAM-auth cluster
    // (https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html, [P]: not exercised in an account from here).
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['kafka:GetBootstrapBrokers', 'kafka:DescribeCluster', 'kafka:DescribeClusterV2', 'kafka-cluster:Connect'],
        resources: [this.clusterArn],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:DescribeTopicDynamicConfiguration', 'kafka-cluster:ReadData'],
        resources: [topicArn],
      }),
    );
    role.addToPolicy(new iam.PolicyStatement({ actions: ['kafka-cluster:DescribeGroup'], resources: [groupArns] }));
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
        resources: [lake.bucketArn],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'],
        resources: rawObjects,
      }),
    );
    role.addToPolicy(new iam.PolicyStatement({ actions: ['logs:PutLogEvents'], resources: [errors.logGroupArn] }));
    exempt(role, [
      ...wildcards(
        "Firehose names its own consumer group, so DescribeGroup covers this cluster's groups only.",
        resourceFinding(this, groupArns),
      ),
      ...wildcards(
        `Firehose generates the object keys under the ${topic.rawPrefix} and ${topic.errorPrefix} prefixes; writes are limited to those prefixes.`,
        ...rawObjects.map((arn) => resourceFinding(this, arn)),
      ),
    ]);

    const { sizeMiB, intervalSeconds } = FIREHOSE_BUFFER;
    const stream = new firehose.CfnDeliveryStream(this, id('ToRaw'), {
      deliveryStreamName: `${config.name}-${topic.name}-to-raw`,
      deliveryStreamType: 'MSKAsSource',
      mskSourceConfiguration: {
        mskClusterArn: this.clusterArn,
        topicName: topic.name,
        // Serverless clusters have no public access; PRIVATE makes Firehose create its VPC connection.
        authenticationConfiguration: { connectivity: 'PRIVATE', roleArn: role.roleArn },
        // Earliest offset: rows produced before the stream became ACTIVE are not skipped.
        // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-kinesisfirehose-deliverystream-msksourceconfiguration.html
        readFromTimestamp: '1970-01-01T00:00:00Z',
      },
      extendedS3DestinationConfiguration: {
        bucketArn: lake.bucketArn,
        roleArn: role.roleArn,
        bufferingHints: { sizeInMBs: sizeMiB, intervalInSeconds: intervalSeconds },
        compressionFormat: 'GZIP',
        prefix: `${topic.rawPrefix}${HOURLY}`,
        // Prefix expressions require an error prefix naming the error type:
        // https://docs.aws.amazon.com/firehose/latest/dev/s3-prefixes.html
        errorOutputPrefix: `${topic.errorPrefix}!{firehose:error-output-type}/${HOURLY}`,
        cloudWatchLoggingOptions: { enabled: true, logGroupName: errors.logGroupName, logStreamName: errorStream.logStreamName },
      },
    });
    // The role's policy must exist before Firehose validates its access.
    stream.node.addDependency(role);
    exempt(stream, [
      {
        id: 'AwsSolutions-KDF1',
        reason:
          'Firehose server-side encryption exists only for DirectPut streams; this one reads MSK (encrypted at rest by MSK) and lands in an SSE-S3 bucket.',
      },
    ]);
    return stream;
  }
}

