/**
 * The streaming job's lag as CloudWatch metrics: the same `lag_seconds` the Live page shows, read from the
 * live view, and the view's age. The job commits no Kafka offsets, so MSK's consumer-lag metrics cannot see
 * it (local/realtime/README.md); this is the figure monitoring has instead.
 *
 * Written as CloudWatch embedded metric format (one JSON log line the Lambda service ships to CloudWatch
 * Logs, which extracts the metrics): https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 * so the function needs neither the CloudWatch API nor an endpoint for it in the isolated subnets.
 */
import type { LiveView } from '../../contract';

export const LAG_NAMESPACE = 'recstream/Realtime';
export const LAG_METRIC = 'LagSeconds';
export const AGE_METRIC = 'LiveViewAgeSeconds';
export const DEPLOYMENT_DIMENSION = 'Deployment';

/** The EMF record for `view` at `nowMs`; undefined before the job's first live view (nothing to measure). */
export function lagRecord(view: LiveView | undefined, nowMs: number, deployment: string): Record<string, unknown> | undefined {
  if (!view) return undefined;
  const writtenMs = Date.parse(view.written_at);
  const values: Record<string, number> = {};
  if (Number.isFinite(writtenMs)) values[AGE_METRIC] = Math.max(0, (nowMs - writtenMs) / 1000);
  if (typeof view.lag_seconds === 'number' && Number.isFinite(view.lag_seconds)) values[LAG_METRIC] = view.lag_seconds;
  const names = Object.keys(values);
  if (names.length === 0) return undefined;
  return {
    _aws: {
      Timestamp: nowMs,
      CloudWatchMetrics: [{ Namespace: LAG_NAMESPACE, Dimensions: [[DEPLOYMENT_DIMENSION]], Metrics: names.map((Name) => ({ Name, Unit: 'Seconds' })) }],
    },
    [DEPLOYMENT_DIMENSION]: deployment,
    batch_id: view.batch_id,
    ...values,
  };
}
