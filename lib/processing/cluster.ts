/**
 * The transient EMR cluster the pipeline creates: its service role, the
 * createCluster task, and what its nodes may read and write.
 */
import * as path from 'node:path';
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as assets from 'aws-cdk-lib/aws-s3-assets';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { SPARK_PACKAGES } from '../../contract';
import type { RecstreamConfig } from '../config';
import { REPO_ROOT } from '../functions';
import { exempt, resourceFinding, wildcards } from '../nag';
import { EMR_MANAGED_TAG, type Network } from '../network';
import { EMR_LOG_PREFIX, lakeObjectGrants, lakeReadGrants, lakeWriteGrants } from './lake-paths';
import type { EmrSecurityGroups } from './security-groups';

/** The Spark code the steps submit: the jobs package and its entry point. */
export interface SparkBundle {
  jobsZip: assets.Asset;
  mainPy: assets.Asset;
}

/** The SPARK_PACKAGES of emr-jobs/ as one zip (the batch steps' and the streaming job's --py-files). */
export const jobsZipAsset = (scope: Construct): assets.Asset =>
  // Each package keeps its folder name inside the zip, so `import recstream_jobs` works from --py-files.
  new assets.Asset(scope, 'JobsZip', {
    path: path.join(REPO_ROOT, 'emr-jobs'),
    exclude: ['*', ...SPARK_PACKAGES.flatMap((name) => [`!${name}`, `!${name}/**`]), '**/__pycache__', '**/*.pyc'],
  });

export function sparkBundle(scope: Construct): SparkBundle {
  return {
    jobsZip: jobsZipAsset(scope),
    mainPy: new assets.Asset(scope, 'MainPy', { path: path.join(REPO_ROOT, 'emr-jobs', 'main.py') }),
  };
}

export interface ClusterProps {
  config: RecstreamConfig;
  network: Network;
  lake: s3.IBucket;
  securityGroups: EmrSecurityGroups;
  bundle: SparkBundle;
}

/** The createCluster task; its output holds `$.cluster.ClusterId`. */
export function createClusterTask(scope: Construct, { config, network, lake, securityGroups, bundle }: ClusterProps): tasks.EmrCreateCluster {
  // EMR's service role: AmazonEMRServicePolicy_v2 only acts on resources tagged for it
  // (https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-iam-role.html).
  // The trust policy carries the confused-deputy conditions the same page recommends.
  const { account, region, partition } = Stack.of(scope);
  const serviceRole = new iam.Role(scope, 'EmrServiceRole', {
    assumedBy: new iam.ServicePrincipal('elasticmapreduce.amazonaws.com', {
      conditions: {
        StringEquals: { 'aws:SourceAccount': account },
        ArnLike: { 'aws:SourceArn': `arn:${partition}:elasticmapreduce:${region}:${account}:*` },
      },
    }),
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonEMRServicePolicy_v2')],
  });
  exempt(serviceRole, [
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonEMRServicePolicy_v2]',
      reason: 'AmazonEMRServicePolicy_v2 is the scoped policy EMR documents for its service role; it only touches resources tagged for-use-with-amazon-emr-managed-policies.',
    },
  ]);

  const createCluster = new tasks.EmrCreateCluster(scope, 'CreateCluster', {
    name: `${config.name}-spark`,
    releaseLabel: config.emr.releaseLabel,
    applications: [{ name: 'Spark' }],
    serviceRole,
    logUri: `s3://${lake.bucketName}/${EMR_LOG_PREFIX}`,
    visibleToAllUsers: true,
    autoTerminationPolicyIdleTimeout: Duration.minutes(config.emr.idleTimeoutMinutes),
    tags: { [EMR_MANAGED_TAG.key]: EMR_MANAGED_TAG.value, [PIPELINE_TAG]: config.name },
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
  onlyThisPipelinesClusters(createCluster, config);
  onlyTaggedClusters(createCluster, config);
  serviceRole.addToPolicy(new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: [createCluster.clusterRole.roleArn] }));
  grantClusterAccess(createCluster.clusterRole, lake, bundle);
  exempt(createCluster, [
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonElasticMapReduceforAutoScalingRole]',
      reason: 'CDK always creates an EMR auto-scaling role with its managed policy; the cluster has no scaling policy, so the role is never used.',
    },
    ...wildcards(
      'Spark names its part files at run time: the nodes read the raw prefixes and write only the lake folders and prefixes the jobs own, and EMR its logs.',
      ...lakeObjectGrants(lake).map((arn) => resourceFinding(scope, arn)),
    ),
  ]);
  return createCluster;
}

/** Tags the clusters this pipeline creates, so the state machine's role can act on those only. */
const PIPELINE_TAG = 'recstream-pipeline';

/**
 * CDK's EmrCreateCluster grants RunJobFlow, AddTags, DescribeCluster and TerminateJobFlows on `*` (a cluster id
 * exists only at run time). This splits that statement by tag: RunJobFlow/AddTags only with this pipeline's tag in
 * the request, DescribeCluster/TerminateJobFlows only on clusters carrying it (EMR's condition keys
 * elasticmapreduce:RequestTag/ResourceTag: https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-fine-grained-cluster-access.html;
 * not exercised in an account, see the README).
 * The task's statements are not public: a CDK upgrade that moves them fails here at synth rather than widening access.
 */
function onlyThisPipelinesClusters(task: tasks.EmrCreateCluster, config: RecstreamConfig): void {
  const statements = (task as unknown as { taskPolicies?: iam.PolicyStatement[] }).taskPolicies;
  const index = statements?.findIndex((st) => st.actions.includes('elasticmapreduce:RunJobFlow')) ?? -1;
  if (!statements || index < 0) throw new Error('EmrCreateCluster no longer exposes its RunJobFlow statement: review lib/processing/cluster.ts');
  const tagged = (key: 'RequestTag' | 'ResourceTag') => ({ StringEquals: { [`elasticmapreduce:${key}/${PIPELINE_TAG}`]: config.name } });
  statements.splice(
    index,
    1,
    new iam.PolicyStatement({ actions: ['elasticmapreduce:RunJobFlow', 'elasticmapreduce:AddTags'], resources: ['*'], conditions: tagged('RequestTag') }),
    new iam.PolicyStatement({ actions: ['elasticmapreduce:DescribeCluster', 'elasticmapreduce:TerminateJobFlows'], resources: ['*'], conditions: tagged('ResourceTag') }),
  );
}

/**
 * Conditions every remaining EMR statement of `task` (EmrAddStep's AddJobFlowSteps/DescribeStep/CancelSteps,
 * EmrTerminateCluster's DescribeCluster/TerminateJobFlows, EmrCreateCluster's AddTags, all on `cluster/*`) on the
 * clusters carrying this pipeline's tag, so the `cluster/*` wildcard cdk-nag acknowledges covers only them.
 */
export function onlyTaggedClusters(task: sfn.TaskStateBase, config: RecstreamConfig): void {
  const statements = (task as unknown as { taskPolicies?: iam.PolicyStatement[] }).taskPolicies;
  if (!statements) throw new Error(`${task.node.path} no longer exposes its statements: review lib/processing/cluster.ts`);
  for (const st of statements) {
    if (!st.actions.some((a) => a.startsWith('elasticmapreduce:')) || Object.keys(st.conditions).length > 0) continue;
    st.addCondition('StringEquals', { [`elasticmapreduce:ResourceTag/${PIPELINE_TAG}`]: config.name });
  }
}

/** What the nodes touch: the Spark assets, the lake prefixes the jobs read and write, and EMR's log prefix. */
function grantClusterAccess(role: iam.IRole, lake: s3.IBucket, bundle: SparkBundle): void {
  // The two bundle objects only, not the whole CDK assets bucket (asset.grantRead would grant bucket/*).
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: [bundle.jobsZip, bundle.mainPy].map((asset) => `arn:${Stack.of(asset).partition}:s3:::${asset.s3BucketName}/${asset.s3ObjectKey}`),
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['s3:ListBucket', 's3:GetBucketLocation'],
      resources: [lake.bucketArn],
    }),
  );
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: lakeReadGrants(lake) }));
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'], resources: lakeWriteGrants(lake) }),
  );
}
