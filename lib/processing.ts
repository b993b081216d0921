/**
 * The Spark pipeline: a Step Functions state machine that creates a transient
 * EMR cluster in an isolated subnet, runs clean → recommend → analyse as EMR
 * steps, terminates the cluster, and loads the recommendations into DynamoDB.
 *
 * No cluster is left running:
 * - every step has a Catch that terminates the cluster before failing;
 * - Step Functions does not terminate a cluster when an execution is stopped
 *   (https://docs.aws.amazon.com/step-functions/latest/dg/connect-emr.html), so the
 *   cluster also carries an idle auto-termination policy as a last resort;
 * - a failed createCluster has no cluster to terminate: EMR ends a cluster that
 *   fails to start by itself (TERMINATED_WITH_ERRORS).
 *
 * Start on demand:
 *   aws stepfunctions start-execution --state-machine-arn <StateMachineArn output>
 */
import * as path from 'node:path';
import { Duration, Stack, Tags } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as assets from 'aws-cdk-lib/aws-s3-assets';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import type { Alerts } from './alerts';
import type { AlsConfig, RecstreamConfig } from './config';
import { LAKE } from '../contract';
import { REPO_ROOT } from './functions';
import { ASSETS_BUCKET_OBJECTS, S3_READ_ACTIONS, exempt, resourceFinding, wildcards } from './nag';
import { EMR_MANAGED_TAG, type Network } from './network';
import { logGroup } from './storage';

/** Where EMR writes cluster and step logs (stdout/stderr of each Spark driver). */
const EMR_LOG_PREFIX = 'emr-logs/';
/** The folder the recommend job writes recommendations/, fallback.json and metrics.json into. */
const SERVING_PREFIX = `${path.posix.dirname(LAKE.fallbackKey)}/`;

/** `main.py <job>` arguments, matching emr-jobs/recstream_jobs/{clean,recommend,analyse}.py. */
export function sparkJobs(lakeUrl: (key: string) => string, als: AlsConfig): Array<{ job: 'clean' | 'recommend' | 'analyse'; args: string[] }> {
  return [
    {
      job: 'clean',
      args: ['--input', lakeUrl(LAKE.rawPrefix), '--output', lakeUrl(LAKE.curatedPrefix), '--report', lakeUrl(LAKE.cleanReportKey)],
    },
    {
      job: 'recommend',
      args: [
        '--input', lakeUrl(LAKE.curatedPrefix),
        '--output', lakeUrl(SERVING_PREFIX),
        '--grid', als.grid,
        '--rank', String(als.rank),
        '--reg-param', String(als.regParam),
        '--alpha', String(als.alpha),
        '--max-iter', String(als.maxIter),
        '--holdout-days', String(als.holdoutDays),
        '--validation-days', String(als.validationDays),
      ],
    },
    { job: 'analyse', args: ['--input', lakeUrl(LAKE.curatedPrefix), '--output', lakeUrl(LAKE.analyticsPrefix)] },
  ];
}

export interface ProcessingProps {
  config: RecstreamConfig;
  network: Network;
  lake: s3.IBucket;
  loader: lambda.IFunction;
  alerts: Alerts;
}

export class Processing extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: ProcessingProps) {
    super(scope, id);
    const { config, network, lake } = props;
    const lakeUrl = (key: string): string => `s3://${lake.bucketName}/${key}`;

    // The package keeps its folder name inside the zip, so `import recstream_jobs` works from --py-files.
    const jobsZip = new assets.Asset(this, 'JobsZip', {
      path: path.join(REPO_ROOT, 'emr-jobs'),
      exclude: ['*', '!recstream_jobs', '!recstream_jobs/**', '**/__pycache__', '**/*.pyc'],
    });
    const mainPy = new assets.Asset(this, 'MainPy', { path: path.join(REPO_ROOT, 'emr-jobs', 'main.py') });

    const securityGroups = this.clusterSecurityGroups(network, config);
    // EMR's service role: AmazonEMRServicePolicy_v2 only acts on resources tagged for it
    // (https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-iam-role.html).
    const serviceRole = new iam.Role(this, 'EmrServiceRole', {
      assumedBy: new iam.ServicePrincipal('elasticmapreduce.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonEMRServicePolicy_v2')],
    });
    exempt(serviceRole, [
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonEMRServicePolicy_v2]',
        reason: 'AmazonEMRServicePolicy_v2 is the scoped policy EMR documents for its service role; it only touches resources tagged for-use-with-amazon-emr-managed-policies.',
      },
    ]);

    const createCluster = new tasks.EmrCreateCluster(this, 'CreateCluster', {
      name: `${config.name}-spark`,
      releaseLabel: config.emr.releaseLabel,
      applications: [{ name: 'Spark' }],
      serviceRole,
      logUri: lakeUrl(EMR_LOG_PREFIX),
      visibleToAllUsers: true,
      autoTerminationPolicyIdleTimeout: Duration.minutes(config.emr.idleTimeoutMinutes),
      tags: { [EMR_MANAGED_TAG.key]: EMR_MANAGED_TAG.value },
      configurations: config.emr.pysparkPython
        ? [{ classification: 'spark-env', configurations: [{ classification: 'export', properties: { PYSPARK_PYTHON: config.emr.pysparkPython } }] }]
        : undefined,
      instances: {
        terminationProtected: false,
        ec2SubnetId: network.vpc.isolatedSubnets[0].subnetId,
        emrManagedMasterSecurityGroup: securityGroups.primary.securityGroupId,
        emrManagedSlaveSecurityGroup: securityGroups.core.securityGroupId,
        // Required with custom managed groups in a private subnet:
        // https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-sg-specify.html
        serviceAccessSecurityGroup: securityGroups.serviceAccess.securityGroupId,
        instanceGroups: [
          { name: 'primary', instanceRole: tasks.EmrCreateCluster.InstanceRoleType.MASTER, instanceCount: 1, instanceType: config.emr.primaryInstanceType },
          {
            name: 'core',
            instanceRole: tasks.EmrCreateCluster.InstanceRoleType.CORE,
            instanceCount: config.emr.coreInstanceCount,
            instanceType: config.emr.coreInstanceType,
          },
        ],
      },
      resultSelector: { ClusterId: sfn.JsonPath.stringAt('$.ClusterId') },
      resultPath: '$.cluster',
    });
    serviceRole.addToPolicy(new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: [createCluster.clusterRole.roleArn] }));
    this.grantClusterAccess(createCluster.clusterRole, lake, [jobsZip, mainPy]);

    const clusterId = sfn.JsonPath.stringAt('$.cluster.ClusterId');
    const failed = new sfn.Fail(this, 'PipelineFailed', { error: 'SparkPipelineFailed', causePath: '$.error.Cause' });
    const terminateAfterFailure = new tasks.EmrTerminateCluster(this, 'TerminateAfterFailure', { clusterId, resultPath: sfn.JsonPath.DISCARD });
    terminateAfterFailure.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(30), maxAttempts: 5, backoffRate: 2 });
    terminateAfterFailure.next(failed);

    createCluster.addCatch(failed, { resultPath: '$.error' });
    let chain: sfn.INextable & sfn.IChainable = createCluster;
    for (const { job, args } of sparkJobs(lakeUrl, config.als)) {
      const step = new tasks.EmrAddStep(this, `Step-${job}`, {
        stateName: `Spark ${job}`,
        clusterId,
        name: job,
        jar: 'command-runner.jar',
        args: ['spark-submit', '--deploy-mode', 'cluster', '--py-files', jobsZip.s3ObjectUrl, mainPy.s3ObjectUrl, job, ...args],
        // The execution, not EMR, decides what happens next: Catch → terminate.
        actionOnFailure: tasks.ActionOnFailure.CONTINUE,
        taskTimeout: sfn.Timeout.duration(Duration.minutes(config.emr.stepTimeoutMinutes)),
        resultPath: sfn.JsonPath.DISCARD,
      });
      step.addCatch(terminateAfterFailure, { resultPath: '$.error' });
      chain.next(step);
      chain = step;
    }
    const terminate = new tasks.EmrTerminateCluster(this, 'TerminateCluster', { clusterId, resultPath: sfn.JsonPath.DISCARD });
    terminate.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(30), maxAttempts: 5, backoffRate: 2 });
    terminate.addCatch(failed, { resultPath: '$.error' });
    const load = new tasks.LambdaInvoke(this, 'LoadRecommendations', {
      lambdaFunction: props.loader,
      // lambdas/load-recommendations/handler.ts reads the LAKE keys of this bucket itself.
      payload: sfn.TaskInput.fromObject({ bucket: lake.bucketName }),
      payloadResponseOnly: true,
      resultPath: '$.loaded',
    });
    load.addCatch(failed, { resultPath: '$.error' });
    chain.next(terminate);
    terminate.next(load).next(new sfn.Succeed(this, 'Done'));

    this.stateMachine = new sfn.StateMachine(this, 'Pipeline', {
      stateMachineName: `${config.name}-spark-pipeline`,
      definitionBody: sfn.DefinitionBody.fromChainable(createCluster),
      logs: { destination: logGroup(this, 'PipelineLogs', config), level: sfn.LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });
    exempt(this.stateMachine, [
      ...wildcards(
        "Generated by CDK's EMR tasks: the cluster id exists only at run time (RunJobFlow, AddJobFlowSteps, TerminateJobFlows); X-Ray and log delivery have no resource-level permissions.",
        'Resource::*',
        resourceFinding(this, Stack.of(this).formatArn({ service: 'elasticmapreduce', resource: 'cluster', resourceName: '*' })),
      ),
      ...wildcards(
        'EmrCreateCluster may create the AWSServiceRoleForEMRCleanup service-linked role, which Step Functions requires (https://docs.aws.amazon.com/step-functions/latest/dg/connect-emr.html).',
        'Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:role/aws-service-role/elasticmapreduce.amazonaws.com*/AWSServiceRoleForEMRCleanup*',
      ),
      ...wildcards("LambdaInvoke's grant covers the loader's versions and aliases.", resourceFinding(this, `${props.loader.functionArn}:*`)),
    ]);
    exempt(createCluster, [
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonElasticMapReduceforAutoScalingRole]',
        reason: 'CDK always creates an EMR auto-scaling role with its managed policy; the cluster has no scaling policy, so the role is never used.',
      },
      ...wildcards(
        "The cluster instance role reads the Spark assets (asset.grantRead: object keys are content hashes in CDK's bootstrap bucket).",
        ...S3_READ_ACTIONS,
        ASSETS_BUCKET_OBJECTS,
      ),
      ...wildcards(
        'Spark names its part files at run time: the nodes read the raw prefix and write only the lake folders the jobs own, and EMR its logs.',
        ...this.lakeObjectGrants(lake).map((arn) => resourceFinding(this, arn)),
      ),
    ]);

    if (config.schedule) {
      new events.Rule(this, 'Schedule', {
        description: 'Runs the Spark pipeline',
        schedule: events.Schedule.expression(config.schedule),
        targets: [new targets.SfnStateMachine(this.stateMachine)],
      });
    }
    const failures = new cloudwatch.Alarm(this, 'PipelineFailedAlarm', {
      alarmDescription: 'The Spark pipeline failed, timed out or was aborted (the cluster was terminated by the Catch path).',
      metric: new cloudwatch.MathExpression({
        expression: 'failed + timedOut + aborted',
        usingMetrics: {
          failed: this.stateMachine.metricFailed(),
          timedOut: this.stateMachine.metricTimedOut(),
          aborted: this.stateMachine.metricAborted(),
        },
        period: Duration.minutes(5),
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    props.alerts.notify(failures);
  }

  /**
   * EMR-managed groups for the primary and core nodes (EMR adds the rules between
   * the nodes itself) and the service-access group the EMR service uses to reach
   * the primary node in a private subnet (9443 in, 8443 out).
   */
  private clusterSecurityGroups(network: Network, config: RecstreamConfig): Record<'primary' | 'core' | 'serviceAccess', ec2.SecurityGroup> {
    const group = (id: string, description: string, allowAllOutbound: boolean): ec2.SecurityGroup => {
      const sg = new ec2.SecurityGroup(this, id, { vpc: network.vpc, description, allowAllOutbound });
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
    for (const [id, sg] of [['Primary', primary], ['Core', core]] as const) this.revokeEmrRulesOnDelete(id, sg, [primary, core, serviceAccess], config);
    return { primary, core, serviceAccess };
  }

  /**
   * EMR adds rules of its own between the managed groups (all TCP/UDP/ICMP from the
   * primary and core groups: https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-man-sec-groups.html).
   * CloudFormation does not know them, and groups that reference each other cannot
   * be deleted, so `cdk destroy` revokes them first. Revoking a rule that does not
   * exist is not an error (EC2 reports it in UnknownIpPermissions), so listing every
   * such rule is safe.
   */
  private revokeEmrRulesOnDelete(id: string, group: ec2.SecurityGroup, peers: ec2.SecurityGroup[], config: RecstreamConfig): void {
    const pairs = peers.map((peer) => ({ GroupId: peer.securityGroupId }));
    const ipPermissions = [
      { IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, UserIdGroupPairs: pairs },
      { IpProtocol: 'udp', FromPort: 0, ToPort: 65535, UserIdGroupPairs: pairs },
      { IpProtocol: 'icmp', FromPort: -1, ToPort: -1, UserIdGroupPairs: pairs },
    ];
    new cr.AwsCustomResource(this, `RevokeEmrRules${id}`, {
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
          resources: [Stack.of(this).formatArn({ service: 'ec2', resource: 'security-group', resourceName: group.securityGroupId })],
        }),
      ]),
      installLatestAwsSdk: false,
      logGroup: logGroup(this, `RevokeEmrRules${id}Logs`, config),
    });
  }

  /** What the nodes touch: the Spark assets, the lake prefixes the jobs read and write, and EMR's log prefix. */
  private grantClusterAccess(role: iam.IRole, lake: s3.IBucket, sparkAssets: assets.Asset[]): void {
    for (const asset of sparkAssets) asset.grantRead(role);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket', 's3:GetBucketLocation'],
        resources: [lake.bucketArn],
      }),
    );
    const [raw, ...written] = this.lakeObjectGrants(lake);
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [raw] }));
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'], resources: written }),
    );
  }

  /**
   * The raw prefix the nodes read, then the folders they write: top-level folders, so EMRFS's
   * `<folder>_$folder$` markers are covered too (`quarantine/` is clean.py's default).
   */
  private lakeObjectGrants(lake: s3.IBucket): string[] {
    const written = [LAKE.curatedPrefix, LAKE.cleanReportKey, SERVING_PREFIX, LAKE.analyticsPrefix, 'quarantine/', EMR_LOG_PREFIX];
    const folders = [...new Set(written.map((key) => key.split('/')[0]))];
    return [lake.arnForObjects(`${LAKE.rawPrefix}*`), ...folders.map((folder) => lake.arnForObjects(`${folder}*`))];
  }
}
