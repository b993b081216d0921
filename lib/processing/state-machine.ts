/**
 * The pipeline's state machine: (when raw/purchases/ holds any object) createCluster → one EMR step per Spark job
 * (nightly: only new raw objects; with the execution input `{"full": true}`: the same steps with --full) →
 * (when raw/events/ holds any object) the behaviour steps → terminate → load the
 * recommendations and the customers' behaviour into DynamoDB.
 *
 * No cluster is left running:
 * - every step has a Catch that terminates the cluster before failing;
 * - Step Functions does not terminate a cluster when an execution is stopped
 *   (https://docs.aws.amazon.com/step-functions/latest/dg/connect-emr.html), so the
 *   cluster also carries an idle auto-termination policy as a last resort;
 * - a failed createCluster has no cluster to terminate: EMR ends a cluster that
 *   fails to start by itself (TERMINATED_WITH_ERRORS).
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { LAKE } from '../../contract';
import type { RecstreamConfig } from '../config';
import { exempt, resourceFinding, wildcards } from '../nag';
import { logGroup } from '../storage';
import { onlyTaggedClusters, type SparkBundle } from './cluster';

type Job = { job: string; args: string[] };

export interface PipelineProps {
  config: RecstreamConfig;
  createCluster: tasks.EmrCreateCluster;
  /** The purchases steps of a nightly run: only the raw objects no run has processed. */
  jobs: Job[];
  /** The same steps rebuilding from every raw object (`--full`), run when the execution's input says `{"full": true}`. */
  fullJobs: Job[];
  /**
   * Run after `jobs` only when `rawPrefix` holds an object: a store that uploads purchases only
   * (no events yet) keeps a green pipeline instead of failing in the sessions step on missing input.
   */
  behaviour: { jobs: Job[]; fullJobs: Job[]; rawPrefix: string };
  bundle: SparkBundle;
  lake: s3.IBucket;
  loader: lambda.IFunction;
}

export function pipelineStateMachine(scope: Construct, { config, createCluster, jobs, fullJobs, behaviour, bundle, lake, loader }: PipelineProps): sfn.StateMachine {
  const clusterId = sfn.JsonPath.stringAt('$.cluster.ClusterId');
  const failed = new sfn.Fail(scope, 'PipelineFailed', { error: 'SparkPipelineFailed', causePath: '$.error.Cause' });
  const terminateAfterFailure = new tasks.EmrTerminateCluster(scope, 'TerminateAfterFailure', { clusterId, resultPath: sfn.JsonPath.DISCARD });
  terminateAfterFailure.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(30), maxAttempts: 5, backoffRate: 2 });
  terminateAfterFailure.next(failed);

  createCluster.addCatch(failed, { resultPath: '$.error' });
  const emrStep = ({ job, args }: Job, full = false): tasks.EmrAddStep => {
    const step = new tasks.EmrAddStep(scope, `Step-${job}${full ? '-full' : ''}`, {
      stateName: `Spark ${job}${full ? ' (full rebuild)' : ''}`,
      clusterId,
      name: job,
      jar: 'command-runner.jar',
      args: ['spark-submit', '--deploy-mode', 'cluster', '--py-files', bundle.jobsZip.s3ObjectUrl, bundle.mainPy.s3ObjectUrl, job, ...args],
      // The execution, not EMR, decides what happens next: Catch → terminate.
      actionOnFailure: tasks.ActionOnFailure.CONTINUE,
      taskTimeout: sfn.Timeout.duration(Duration.minutes(config.emr.stepTimeoutMinutes)),
      resultPath: sfn.JsonPath.DISCARD,
    });
    step.addCatch(terminateAfterFailure, { resultPath: '$.error' });
    return step;
  };
  const inOrder = (steps: tasks.EmrAddStep[]): tasks.EmrAddStep[] => {
    steps.slice(1).forEach((step, i) => steps[i].next(step));
    return steps;
  };
  const purchases = inOrder(jobs.map((job) => emrStep(job)));
  const purchasesFull = inOrder(fullJobs.map((job) => emrStep(job, true)));
  // The scheduled execution has no input: nightly. `{"full": true}` as the input of a started execution rebuilds.
  const fullInput = sfn.Condition.and(sfn.Condition.isPresent('$.full'), sfn.Condition.booleanEquals('$.full', true));
  createCluster.next(
    new sfn.Choice(scope, 'FullRebuild', { stateName: 'Full rebuild?' })
      .when(fullInput, purchasesFull[0])
      .otherwise(purchases[0]),
  );
  const terminate = new tasks.EmrTerminateCluster(scope, 'TerminateCluster', { clusterId, resultPath: sfn.JsonPath.DISCARD });
  // One ListObjectsV2 (MaxKeys 1) decides whether the behaviour steps have input.
  const findEvents = findObjects(scope, 'FindEvents', 'Look for behaviour events', lake, behaviour.rawPrefix, '$.events');
  findEvents.addCatch(terminateAfterFailure, { resultPath: '$.error' });
  const behaviourSteps = inOrder(behaviour.jobs.map((job) => emrStep(job)));
  const behaviourFull = inOrder(behaviour.fullJobs.map((job) => emrStep(job, true)));
  behaviourSteps[behaviourSteps.length - 1].next(terminate);
  behaviourFull[behaviourFull.length - 1].next(terminate);
  purchases[purchases.length - 1].next(findEvents);
  purchasesFull[purchasesFull.length - 1].next(findEvents);
  findEvents.next(
    new sfn.Choice(scope, 'AnyEvents', { stateName: 'Any behaviour events?' })
      .when(sfn.Condition.and(sfn.Condition.numberGreaterThan('$.events.count', 0), fullInput), behaviourFull[0])
      .when(sfn.Condition.numberGreaterThan('$.events.count', 0), behaviourSteps[0])
      .otherwise(terminate),
  );
  terminate.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(30), maxAttempts: 5, backoffRate: 2 });
  terminate.addCatch(failed, { resultPath: '$.error' });
  const load = new tasks.LambdaInvoke(scope, 'LoadRecommendations', {
    lambdaFunction: loader,
    // lambdas/load-recommendations/handler.ts reads the LAKE keys of this bucket itself.
    payload: sfn.TaskInput.fromObject({ bucket: lake.bucketName }),
    payloadResponseOnly: true,
    resultPath: '$.loaded',
  });
  load.addCatch(failed, { resultPath: '$.error' });
  terminate.next(load).next(new sfn.Succeed(scope, 'Done'));

  for (const task of [terminateAfterFailure, terminate, ...purchases, ...purchasesFull, ...behaviourSteps, ...behaviourFull]) onlyTaggedClusters(task, config);
  const stateMachine = new sfn.StateMachine(scope, 'Pipeline', {
    stateMachineName: `${config.name}-spark-pipeline`,
    definitionBody: sfn.DefinitionBody.fromChainable(onlyWithPurchases(scope, lake, createCluster)),
    logs: { destination: logGroup(scope, 'PipelineLogs', config), level: sfn.LogLevel.ALL, includeExecutionData: true },
    tracingEnabled: true,
  });
  exempt(stateMachine, [
    ...wildcards(
      "Generated by CDK's EMR tasks: the cluster id exists only at run time (RunJobFlow, AddJobFlowSteps, TerminateJobFlows), so every EMR action is conditioned on the pipeline's cluster tag (cluster.ts); X-Ray and log delivery have no resource-level permissions.",
      'Resource::*',
      resourceFinding(scope, Stack.of(scope).formatArn({ service: 'elasticmapreduce', resource: 'cluster', resourceName: '*' })),
    ),
    ...wildcards(
      'EmrCreateCluster may create the AWSServiceRoleForEMRCleanup service-linked role, which Step Functions requires (https://docs.aws.amazon.com/step-functions/latest/dg/connect-emr.html).',
      'Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:role/aws-service-role/elasticmapreduce.amazonaws.com*/AWSServiceRoleForEMRCleanup*',
    ),
    ...wildcards("LambdaInvoke's grant covers the loader's versions and aliases.", resourceFinding(scope, `${loader.functionArn}:*`)),
  ]);
  return stateMachine;
}

/** A ListObjectsV2 of at most one key under `prefix`: `<resultPath>.count` is 0 when the prefix is empty. */
function findObjects(scope: Construct, id: string, stateName: string, lake: s3.IBucket, prefix: string, resultPath: string): tasks.CallAwsService {
  return new tasks.CallAwsService(scope, id, {
    stateName,
    service: 's3',
    action: 'listObjectsV2',
    parameters: { Bucket: lake.bucketName, Prefix: prefix, MaxKeys: 1 },
    iamAction: 's3:ListBucket',
    iamResources: [lake.bucketArn],
    resultSelector: { 'count.$': '$.KeyCount' },
    resultPath,
  });
}

/**
 * Before the first upload raw/purchases/ is empty: the scheduled execution ends there, green, instead of starting
 * a cluster whose clean step fails on the missing input (issue 23.11).
 */
function onlyWithPurchases(scope: Construct, lake: s3.IBucket, createCluster: tasks.EmrCreateCluster): sfn.IChainable {
  const find = findObjects(scope, 'FindPurchases', 'Look for purchases', lake, LAKE.rawPrefix, '$.purchases');
  return find.next(
    new sfn.Choice(scope, 'AnyPurchases', { stateName: 'Any purchases?' })
      .when(sfn.Condition.numberGreaterThan('$.purchases.count', 0), createCluster)
      .otherwise(new sfn.Succeed(scope, 'NothingUploaded', { stateName: 'Nothing uploaded yet', comment: 'raw/purchases/ is empty: no cluster started' })),
  );
}
