/**
 * The real-time path on AWS (issue 16), present only with `realtime.enabled`:
 * - an EMR Serverless Spark application in the isolated subnets running `emr-jobs/realtime.py` as one
 *   STREAMING job run (EMR 7.1+: the service retries a failed run, the query resumes from its S3 checkpoint);
 * - the collector (`lambdas/collector`) behind `POST /events` on its own REST API (lib/collector-api.ts): an API key,
 *   usage plan and throttle per store, a WAF web ACL;
 * Monitoring is lib/realtime-monitoring.ts.
 *
 * A job run is not a CloudFormation resource: lib/realtime-job-run.ts (a provider outside the VPC, calling the
 * public EMR Serverless API) starts it, restarts it on update, and on delete cancels it and stops the
 * application, so CloudFormation can delete the application and nothing waits on the VPC.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as emrserverless from 'aws-cdk-lib/aws-emrserverless';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as assets from 'aws-cdk-lib/aws-s3-assets';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct, type IDependable } from 'constructs';
import { BEHAVIOUR_LAKE, LAMBDA_ENV, REALTIME } from '../contract';
import { WRITE_KEYS_ENV } from '../lambdas/collector/write-keys';
import { LiveState } from './live-state';
import { CollectorApi } from './collector-api';
import type { RecstreamConfig } from './config';
import { AppFunction, REPO_ROOT } from './functions';
import { exempt, resourceFinding, wildcards } from './nag';
import type { Network } from './network';
import { REALTIME_APPLICATION_TAG, RealtimeJobRun } from './realtime-job-run';
import { jobsZipAsset } from './processing/cluster';
import type { Streaming } from './streaming';

/** Everything the streaming job reads and writes in the lake: checkpoint, batch files, state, live view, its logs. */
const REALTIME_FOLDER = 'realtime';

/** Where EMR Serverless writes the job's driver and executor logs (expired by the lake's lifecycle rules). */
export const REALTIME_LOGS = `${REALTIME_FOLDER}/logs/`;

/** `<job>-<8 hex of the settings>`: a new name, so a new application, whenever a setting changes. */
export const applicationName = (job: string, settings: object): string =>
  `${job}-${createHash('sha256').update(JSON.stringify(settings)).digest('hex').slice(0, 8)}`;

/** The jars `spark.jars` must list: Spark's Kafka source and MSK's IAM login module (neither is in the image). */
const REQUIRED_JARS = [/^spark-sql-kafka-0-10_2\.12-.*\.jar$/, /^aws-msk-iam-auth-.*\.jar$/];

/** The `*.jar` files of `dir`; throws, naming what is missing, when a required one is absent. */
export function realtimeJars(dir: string): string[] {
  const abs = path.isAbsolute(dir) ? dir : path.join(REPO_ROOT, dir);
  const jars = fs.existsSync(abs) ? fs.readdirSync(abs).filter((f) => f.endsWith('.jar')).sort() : [];
  const missing = REQUIRED_JARS.filter((re) => !jars.some((j) => re.test(j)));
  if (missing.length > 0) {
    throw new Error(
      `recstream config: realtime.jarsDir (${abs}) lacks ${missing.map(String).join(' and ')}: run local/setup.sh, which fetches both into local/realtime/target/emr-lib (local/realtime/README.md, "The AWS half")`,
    );
  }
  return jars.map((j) => path.join(abs, j));
}

/**
 * The collector's `{"<store>": "<hex SHA-256>"}`: from the SSM parameter when one is named — a template parameter
 * of type AWS::SSM::Parameter::Value<String>, which CloudFormation resolves at deploy time
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html), so the
 * template holds its name only — else the configured hashes.
 */
const writeKeyHashes = (scope: Construct, config: RecstreamConfig): string =>
  config.realtime.collectorWriteKeyHashesParameter
    ? ssm.StringParameter.valueForStringParameter(scope, config.realtime.collectorWriteKeyHashesParameter)
    : JSON.stringify(config.realtime.collectorWriteKeyHashes);

interface ShippedCode {
  entryPoint: string;
  pyFiles: string;
  jars: string[];
  pythonArchive?: string;
}

/**
 * A packed environment unpacked as `./environment` beside the driver and each executor, and its interpreter used by
 * both (the EMR Serverless way to ship Python packages: https://docs.aws.amazon.com/emr/latest/EMR-Serverless-UserGuide/using-python-libraries.html).
 */
export const packedPython = (archiveUrl: string): string[] => [
  `--conf spark.archives=${archiveUrl}#environment`,
  '--conf spark.emr-serverless.driverEnv.PYSPARK_DRIVER_PYTHON=./environment/bin/python',
  '--conf spark.emr-serverless.driverEnv.PYSPARK_PYTHON=./environment/bin/python',
  '--conf spark.executorEnv.PYSPARK_PYTHON=./environment/bin/python',
];

export interface RealtimeProps {
  config: RecstreamConfig;
  network: Network;
  lake: s3.IBucket;
  streaming: Streaming;
}

export class Realtime extends Construct {
  readonly application: emrserverless.CfnApplication;
  readonly collector: AppFunction;
  readonly collectorApi: CollectorApi;
  /** Publishes the live view's `lag_seconds` and age as metrics every minute (lambdas/realtime-lag). */
  readonly lagReporter: AppFunction;
  readonly jobRunName: string;
  /** Issue 24: the customers' open-session activity the job writes and the API reads (live recommendations). */
  readonly liveState: LiveState;

  constructor(scope: Construct, id: string, props: RealtimeProps) {
    super(scope, id);
    const { config, network, lake, streaming } = props;
    this.jobRunName = `${config.name}-realtime`;

    const securityGroup = network.securityGroup(this, 'JobSg', 'EMR Serverless streaming job: HTTPS to S3 and STS, Kafka to MSK');
    streaming.allowClient(securityGroup);
    const sts = this.stsEndpoint(network, securityGroup);
    const settings = { releaseLabel: config.realtime.releaseLabel, maximumCapacity: config.realtime.maximumCapacity, architecture: 'ARM64' };
    this.application = new emrserverless.CfnApplication(this, 'Application', {
      // The settings in the name: a changed setting replaces the application (Name and ReleaseLabel require
      // replacement: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-emrserverless-application.html)
      // instead of an UpdateApplication, which EMR Serverless refuses while the job runs ("has to be in a stopped
      // or created state": https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_UpdateApplication.html).
      // The job-run resource then stops the old application before CloudFormation deletes it.
      name: applicationName(this.jobRunName, settings),
      type: 'Spark',
      releaseLabel: config.realtime.releaseLabel,
      architecture: settings.architecture,
      networkConfiguration: {
        subnetIds: network.vpc.selectSubnets(network.subnets).subnetIds,
        securityGroupIds: [securityGroup.securityGroupId],
      },
      maximumCapacity: config.realtime.maximumCapacity,
      // StartJobRun starts the application; once the job is cancelled it stops after 15 idle minutes.
      autoStartConfiguration: { enabled: true },
      autoStopConfiguration: { enabled: true, idleTimeoutMinutes: 15 },
      // The job-run provider may act only on applications with this tag (lib/realtime-job-run.ts).
      tags: [{ key: REALTIME_APPLICATION_TAG, value: config.name }],
    });

    const role = this.jobRole(lake, streaming);
    this.liveState = new LiveState(this, 'LiveState');
    this.liveState.grantWrite(role);
    const code = this.shipCode(role, config);
    this.startJobRun(config, role, code, lake, streaming, network, securityGroup, sts);

    this.collector = this.createCollector(config, network, streaming);
    // Not on the analysts' HTTP API: its own REST API with a key and usage plan per store, behind WAF (issue 23.6).
    this.collectorApi = new CollectorApi(this, 'CollectorApi', { config, collector: this.collector.fn });
    const liveView = new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [lake.arnForObjects(REALTIME.lake.liveKey)] });

    this.lagReporter = new AppFunction(this, 'LagReporter', {
      config,
      network,
      entry: 'lambdas/realtime-lag/handler.ts',
      description: "Every minute: the streaming job's lag and the live view's age, from realtime/live.json, as CloudWatch metrics",
      environment: { [LAMBDA_ENV.lakeBucket]: lake.bucketName, DEPLOYMENT: config.name },
    });
    this.lagReporter.fn.addToRolePolicy(liveView);
    // Before the job's first batch the view is missing: S3 says so (404) only to a caller that may list.
    this.lagReporter.fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [lake.bucketArn] }));
    new events.Rule(this, 'EveryMinute', {
      description: "Publishes the streaming job's lag",
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [new targets.LambdaFunction(this.lagReporter.fn)],
    });
  }

  /**
   * The one interface endpoint of the platform, present only with the streaming job: MSK's IAM login module
   * (aws-msk-iam-auth) builds its credentials with the AWS SDK's default chain, which may call STS, and the
   * isolated subnets have no other way out (lib/network.ts). ~$14.60 a month over two AZs [u], README "Cost".
   * Reachable only from the job's group.
   */
  private stsEndpoint(network: Network, jobGroup: ec2.SecurityGroup): ec2.InterfaceVpcEndpoint {
    const sg = new ec2.SecurityGroup(this, 'StsEndpointSg', { vpc: network.vpc, description: 'STS endpoint: HTTPS from the streaming job only', allowAllOutbound: false });
    sg.addIngressRule(jobGroup, ec2.Port.tcp(443), 'The streaming job signs its MSK IAM tokens');
    return network.vpc.addInterfaceEndpoint('Sts', {
      service: ec2.InterfaceVpcEndpointAwsService.STS,
      subnets: network.subnets,
      securityGroups: [sg],
      // sts.<region>.amazonaws.com resolves to the endpoint inside the VPC.
      privateDnsEnabled: true,
      open: false,
    });
  }

  /** The job's runtime role: MSK read on the two topics and this cluster's groups, the lake's realtime/ folder. */
  private jobRole(lake: s3.IBucket, streaming: Streaming): iam.Role {
    const { account, region, partition } = Stack.of(this);
    const role = new iam.Role(this, 'JobRole', {
      description: 'EMR Serverless streaming job: reads the events and purchases topics, writes the realtime/ folder of the lake',
      assumedBy: new iam.ServicePrincipal('emr-serverless.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': account },
          ArnLike: { 'aws:SourceArn': `arn:${partition}:emr-serverless:${region}:${account}:/applications/*` },
        },
      }),
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster'], resources: [streaming.clusterArn] }));
    const topics = REALTIME.topics.map((name) => streaming.topicArns[name]);
    role.addToPolicy(new iam.PolicyStatement({ actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'], resources: topics }));
    // Spark's Kafka source names a fresh consumer group per query (spark-kafka-source-<uuid>), and commits nothing to it.
    role.addToPolicy(new iam.PolicyStatement({ actions: ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'], resources: [streaming.groupArns] }));
    const objects = lake.arnForObjects(`${REALTIME_FOLDER}/*`);
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket', 's3:GetBucketLocation'], resources: [lake.bucketArn] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'], resources: [objects] }));
    // The live intent scores load the served intent model (history.json and its run's folder): read only.
    const models = lake.arnForObjects(`${BEHAVIOUR_LAKE.intentModelsPrefix}*`);
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [models] }));
    exempt(role, [
      ...wildcards('Spark names its consumer groups at run time (spark-kafka-source-<uuid>); the grant covers this cluster\'s groups only.', resourceFinding(this, streaming.groupArns)),
      ...wildcards(`Spark names checkpoint, batch and log files at run time; the job writes only the ${REALTIME_FOLDER}/ folder.`, resourceFinding(this, objects)),
      ...wildcards(`A saved Spark model is a folder of files named at save time; the job only reads ${BEHAVIOUR_LAKE.intentModelsPrefix}.`, resourceFinding(this, models)),
    ]);
    return role;
  }

  /** realtime.py, the jobs zip (with realtime_jobs), the jars and the packed Python, each an asset the role may read, and nothing else of the assets bucket. */
  private shipCode(role: iam.Role, config: RecstreamConfig): ShippedCode {
    const entry = new assets.Asset(this, 'RealtimePy', { path: path.join(REPO_ROOT, 'emr-jobs', 'realtime.py') });
    const zip = jobsZipAsset(this);
    const jars = realtimeJars(config.realtime.jarsDir).map((file, i) => new assets.Asset(this, `Jar${i}`, { path: file }));
    const archive = config.realtime.pythonArchive ? new assets.Asset(this, 'PythonArchive', { path: path.resolve(REPO_ROOT, config.realtime.pythonArchive) }) : undefined;
    const shipped = [entry, zip, ...jars, ...(archive ? [archive] : [])];
    role.addToPolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: shipped.map((a) => `arn:${Stack.of(this).partition}:s3:::${a.s3BucketName}/${a.s3ObjectKey}`) }),
    );
    return { entryPoint: entry.s3ObjectUrl, pyFiles: zip.s3ObjectUrl, jars: jars.map((a) => a.s3ObjectUrl), pythonArchive: archive?.s3ObjectUrl };
  }

  /** The STREAMING job run (lib/realtime-job-run.ts): started on create, restarted on update, stopped before delete. */
  private startJobRun(config: RecstreamConfig, role: iam.Role, code: ShippedCode, lake: s3.IBucket, streaming: Streaming, network: Network, securityGroup: IDependable, sts: ec2.InterfaceVpcEndpoint): void {
    const sparkSubmitParameters = [
      `--py-files ${code.pyFiles}`,
      `--jars ${code.jars.join(',')}`,
      // One small driver and one executor: the job folds small partials on the driver (local/realtime/README.md).
      '--conf spark.driver.cores=1 --conf spark.driver.memory=2g',
      '--conf spark.executor.cores=1 --conf spark.executor.memory=2g --conf spark.executor.instances=1',
      '--conf spark.dynamicAllocation.enabled=false',
      ...(code.pythonArchive ? packedPython(code.pythonArchive) : []),
    ].join(' ');
    new RealtimeJobRun(this, 'JobRun', {
      config,
      application: this.application,
      jobRole: role,
      startJobRun: {
        executionRoleArn: role.roleArn,
        name: this.jobRunName,
        mode: 'STREAMING',
        // A run's default timeout is 12 hours, after which EMR Serverless cancels it, and a cancellation is not
        // retried; 0 lets a streaming job run continuously:
        // https://docs.aws.amazon.com/emr/latest/EMR-Serverless-UserGuide/considerations.html
        executionTimeoutMinutes: 0,
        // Streaming runs are retried from the checkpoint; EMR Serverless stops retrying a run that keeps failing.
        retryPolicy: { maxFailedAttemptsPerHour: 5 },
        jobDriver: {
          sparkSubmit: {
            entryPoint: code.entryPoint,
            entryPointArguments: [
              ...['--lake', `s3://${lake.bucketName}`, '--auth', 'iam', '--bootstrap', streaming.bootstrapBrokers, '--batch-partitions', '1'],
              // Through the VPC's DynamoDB gateway endpoint (lib/network.ts).
              ...['--live-table', this.liveState.table.tableName, '--region', Stack.of(this).region],
            ],
            sparkSubmitParameters,
          },
        },
        configurationOverrides: { monitoringConfiguration: { s3MonitoringConfiguration: { logUri: `s3://${lake.bucketName}/${REALTIME_LOGS}` } } },
      },
      // The topics it reads, the 9098 rules it reads them through, the S3 endpoint it reaches the lake by: all
      // deleted only after the run is stopped.
      dependsOn: [...Object.values(streaming.topics), streaming.clusterSecurityGroup, securityGroup, network.s3Endpoint, sts, ...sts.connections.securityGroups],
    });
  }

  private createCollector(config: RecstreamConfig, network: Network, streaming: Streaming): AppFunction {
    const collector = new AppFunction(this, 'Collector', {
      config,
      network,
      entry: 'lambdas/collector/handler.ts',
      description: 'POST /events: checks a storefront\'s write key and events, produces them to the events topic',
      memoryMiB: 512,
      environment: {
        [LAMBDA_ENV.kafkaBrokers]: streaming.bootstrapBrokers,
        [LAMBDA_ENV.kafkaAuth]: 'iam',
        [WRITE_KEYS_ENV]: writeKeyHashes(this, config),
      },
    });
    streaming.allowClient(collector.securityGroup);
    streaming.grantProduce(collector.fn);
    return collector;
  }
}
