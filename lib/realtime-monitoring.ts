/**
 * The real-time path's dashboard and alarms (issue 16), to the platform's alerts topic.
 *
 * What is watched, and what cannot be:
 * - the streaming job stopping: EventBridge's job-run state changes of this application, FAILED or CANCELLED
 *   (https://docs.aws.amazon.com/emr/latest/EMR-Serverless-UserGuide/using-eventbridge.html), sent to the topic;
 *   and the live view's age (a hung job writes no view; neither does a healthy one while no events arrive).
 *   EMR Serverless's own `RunningJobs` is graphed, not alarmed: from 7.10 only the metrics with `ApplicationName`
 *   and `JobName` dimensions are updated (https://docs.aws.amazon.com/emr/latest/EMR-Serverless-UserGuide/app-job-metrics.html)
 *   and their exact dimension set was not checked in an account, so the graph finds them with a SEARCH on the name.
 * - consumer lag: Spark's Kafka source commits no offsets to a consumer group, so MSK's `EstimatedMaxTimeLag`
 *   (per consumer group) never sees this job. Its lag is `lag_seconds` in the live view, the figure the Live
 *   page shows, published each minute by lambdas/realtime-lag as `recstream/Realtime LagSeconds`.
 * - Firehose freshness per topic (`DeliveryToS3.DataFreshness`), and the collector's errors and the API's 4xx/5xx.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import type * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { Alerts } from './alerts';
import type { RecstreamConfig } from './config';
import { AGE_METRIC, DEPLOYMENT_DIMENSION, LAG_METRIC, LAG_NAMESPACE } from '../lambdas/realtime-lag/lag';

/** Behind by more than this for three minutes in a row, the live view is no longer live. */
export const LAG_ALARM_SECONDS = 300;

/** No new live view for this long: the job stopped or hangs, or no events arrived (a healthy job writes a view per batch of events). */
export const LIVE_VIEW_STALE_SECONDS = 30 * 60;

/** Firehose buffers up to its interval; older than this, the raw prefix has stopped filling. */
export const FIREHOSE_STALE_SECONDS = 15 * 60;

export interface RealtimeMonitoringProps {
  config: RecstreamConfig;
  alerts: Alerts;
  applicationId: string;
  /** The application's name: EMR Serverless 7.10+ publishes its metrics by it. */
  applicationName: string;
  collector: lambda.IFunction;
  api: apigw.HttpApi;
  deliveryStreams: firehose.CfnDeliveryStream[];
}

export class RealtimeMonitoring extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: RealtimeMonitoringProps) {
    super(scope, id);
    const { alerts } = props;
    const fiveMinutes = Duration.minutes(5);

    const running = new cloudwatch.MathExpression({
      expression: `SEARCH(' Namespace="AWS/EMRServerless" MetricName="RunningJobs" ApplicationName="${props.applicationName}" ', 'Maximum', 300)`,
      label: 'running job runs',
      period: fiveMinutes,
    });
    const published = (metricName: string) =>
      new cloudwatch.Metric({ namespace: LAG_NAMESPACE, metricName, dimensionsMap: { [DEPLOYMENT_DIMENSION]: props.config.name }, statistic: 'Maximum', period: Duration.minutes(1) });
    const lag = published(LAG_METRIC);
    const alarm = (name: string, description: string, metric: cloudwatch.IMetric, threshold: number, op: cloudwatch.ComparisonOperator, missing: cloudwatch.TreatMissingData) => {
      const a = new cloudwatch.Alarm(this, name, { alarmDescription: description, metric, threshold, evaluationPeriods: 1, comparisonOperator: op, treatMissingData: missing });
      alerts.notify(a);
      return a;
    };
    const GE = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD;
    const lagging = new cloudwatch.Alarm(this, 'JobLagging', {
      alarmDescription: `The streaming job is more than ${LAG_ALARM_SECONDS} s behind the topics (lag_seconds of the live view, as on the Live page).`,
      metric: lag,
      threshold: LAG_ALARM_SECONDS,
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      // No events, no new batches and no figure: the job-not-running alarm covers a dead job.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alerts.notify(lagging);
    const alarms = [
      lagging,
      alarm(
        'LiveViewStale',
        `No new live view for ${LIVE_VIEW_STALE_SECONDS / 60} minutes: the streaming job stopped or hangs, or no events arrived in that time (a quiet store also raises it).`,
        published(AGE_METRIC),
        LIVE_VIEW_STALE_SECONDS,
        GE,
        // No figure: no live view yet (before the first events), or the lag reporter is down; the job-run rule covers a stopped job.
        cloudwatch.TreatMissingData.NOT_BREACHING,
      ),
      alarm('CollectorErrors', 'The collector (POST /events) failed: events from storefronts were not produced (the caller got 5xx).', props.collector.metricErrors({ period: fiveMinutes }), 1, GE, cloudwatch.TreatMissingData.NOT_BREACHING),
      ...props.deliveryStreams.map((stream, i) =>
        alarm(
          `FirehoseStale${i}`,
          `Firehose ${stream.deliveryStreamName}: the oldest record not yet in S3 is over ${FIREHOSE_STALE_SECONDS / 60} minutes old.`,
          freshness(stream),
          FIREHOSE_STALE_SECONDS,
          GE,
          cloudwatch.TreatMissingData.NOT_BREACHING,
        ),
      ),
    ];

    // A run that failed for good (retries exhausted) or was cancelled (also by a deploy that restarts it, or a destroy).
    const stopped = new events.Rule(this, 'JobRunStopped', {
      description: 'The real-time streaming job run failed or was cancelled',
      eventPattern: {
        source: ['aws.emr-serverless'],
        detailType: ['EMR Serverless Job Run State Change'],
        detail: { applicationId: [props.applicationId], state: ['FAILED', 'CANCELLED'] },
      },
    });
    alerts.forward(
      stopped,
      events.RuleTargetInput.fromText(
        `The real-time streaming job run ${events.EventField.fromPath('$.detail.jobRunId')} is ${events.EventField.fromPath('$.detail.state')}: the live view no longer updates (a deploy that restarts the job, or a destroy, also cancels it).`,
      ),
    );

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: `${props.config.name}-realtime` });
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Real-time alarms', alarms, width: 24 }),
      new cloudwatch.GraphWidget({ title: 'Streaming job: running job runs', left: [running], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Streaming job: lag and live view age (s)', left: [lag], right: [published(AGE_METRIC)], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Firehose freshness (s)', left: props.deliveryStreams.map(freshness), width: 8 }),
      new cloudwatch.GraphWidget({
        title: 'Collector and API',
        left: [props.collector.metricErrors({ period: fiveMinutes }), props.collector.metricThrottles({ period: fiveMinutes })],
        right: [props.api.metricClientError({ period: fiveMinutes }), props.api.metricServerError({ period: fiveMinutes })],
        width: 8,
      }),
      new cloudwatch.TextWidget({
        markdown: 'Lag: the streaming job commits no Kafka offsets, so MSK consumer-lag metrics cannot see it. The lag graphed here is `lag_seconds` of the live view, the figure of the site\'s Live page; the age grows while no events arrive.',
        width: 24,
        height: 2,
      }),
    );
  }
}

const freshness = (stream: firehose.CfnDeliveryStream): cloudwatch.Metric =>
  new cloudwatch.Metric({
    namespace: 'AWS/Firehose',
    metricName: 'DeliveryToS3.DataFreshness',
    dimensionsMap: { DeliveryStreamName: stream.deliveryStreamName! },
    statistic: 'Maximum',
    period: Duration.minutes(5),
  });
