/**
 * The Spark pipeline: a Step Functions state machine that creates a transient
 * EMR cluster in an isolated subnet, runs the step plan (steps.ts) as EMR
 * steps, terminates the cluster, and loads the recommendations into DynamoDB.
 * One file per concern: steps.ts (the plan), cluster.ts (cluster, roles, node
 * access), security-groups.ts, emr-rule-revoker.ts (destroy-time cleanup),
 * state-machine.ts (the execution and its failure paths).
 *
 * Start on demand:
 *   aws stepfunctions start-execution --state-machine-arn <StateMachineArn output>
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { Alerts } from '../alerts';
import type { RecstreamConfig } from '../config';
import type { Network } from '../network';
import { createClusterTask, sparkBundle } from './cluster';
import { revokeEmrRulesOnDelete } from './emr-rule-revoker';
import { emrSecurityGroups } from './security-groups';
import { pipelineStateMachine } from './state-machine';
import { behaviourJobs, sparkJobs } from './steps';

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
    const bundle = sparkBundle(this);
    const securityGroups = emrSecurityGroups(this, network);
    revokeEmrRulesOnDelete(this, securityGroups, config);
    const createCluster = createClusterTask(this, { config, network, lake, securityGroups, bundle });
    const lakeUrl = (key: string) => `s3://${lake.bucketName}/${key}`;
    this.stateMachine = pipelineStateMachine(this, {
      config,
      createCluster,
      jobs: sparkJobs(lakeUrl, config.als, config.recommender.pin),
      fullJobs: sparkJobs(lakeUrl, config.als, config.recommender.pin, true),
      behaviour: behaviourJobs(lakeUrl),
      bundle,
      lake,
      loader: props.loader,
    });

    if (config.schedule) {
      new events.Rule(this, 'Schedule', {
        description: 'Runs the Spark pipeline',
        schedule: events.Schedule.expression(config.schedule),
        targets: [new targets.SfnStateMachine(this.stateMachine)],
      });
    }
    this.alarmOnFailure(props.alerts);
  }

  private alarmOnFailure(alerts: Alerts): void {
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
    alerts.notify(failures);
  }
}
