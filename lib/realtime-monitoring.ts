/**
 * The real-time path's dashboard and alarms (issue 16), to the platform's alerts topic.
 *
 * What is watched, and what cannot be:
 * - the streaming job: EMR Serverless's `RunningJobs` per application (namespace AWS/EMRServerless,
 *   https://docs.aws.amazon.com/emr/latest/EMR-Serverless-UserGuide/app-job-metrics.html; dimension set on
 *   7.10+ not checked in an account). No data counts as not running, so a wrong dimension alarms instead of hiding.
 * - consumer lag: Spark's Kafka source commits no offsets to a consumer group, so MSK's `EstimatedMaxTimeLag`
 *   (per consumer group) never sees this job. Its lag is `lag_seconds` in the live view, the figure the Live
 *   page shows, published each minute by lambdas/realtime-lag as `recstream/Realtime LagSeconds`.
 * - Firehose freshness per topic (`DeliveryToS3.DataFreshness`), and the collector's errors and the API's 4xx/5xx.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import type * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { Alerts } from './alerts';
import type { RecstreamConfig } from './config';
import { AGE_METRIC, DEPLOYMENT_DIMENSION, LAG_METRIC, LAG_NAMESPACE } from '../lambdas/realtime-lag/lag';

/** Behind by more than this for three minutes in a row, the live view is no longer live. */
export const LAG_ALARM_SECONDS = 300;

/** Firehose buffers up to its interval; older than this, the raw prefix has stopped filling. */
export const FIREHOSE_STALE_SECONDS = 15 * 60;

export interface RealtimeMonitoringProps {
  config: RecstreamConfig;
  alerts: Alerts;
  applicationId: string;
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

    const running = new cloudwatch.Metric({
      namespace: 'AWS/EMRServerless',
      metricName: 'RunningJobs',
      dimensionsMap: { ApplicationId: props.applicationId },
      statistic: 'Maximum',
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
      alarm('JobNotRunning', 'The real-time streaming job is not running (EMR Serverless stopped retrying it, or it was cancelled): the live view is frozen.', running, 1, cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD, cloudwatch.TreatMissingData.BREACHING),
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
