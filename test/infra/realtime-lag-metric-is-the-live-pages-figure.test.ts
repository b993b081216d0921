// The lag monitoring alarms on is the live view's own `lag_seconds` (the Live page's figure), as an embedded-metric
// record CloudWatch can extract: the metrics it declares are the values it carries, under the alarm's namespace.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LiveView } from '../../contract';
import { AGE_METRIC, LAG_METRIC, LAG_NAMESPACE, lagRecord } from '../../lambdas/realtime-lag/lag';

const view = (over: Partial<LiveView>): LiveView => ({ v: 1, as_of: null, watermark: null, written_at: '2026-11-27T10:00:00.000Z', lag_seconds: 2.5, batch_id: 7, ...over }) as LiveView;
const now = Date.parse('2026-11-27T10:00:30.000Z');

test('the record carries lag_seconds unchanged and the view age, each declared as a metric in seconds', () => {
  const record = lagRecord(view({}), now, 'shop') as any;
  assert.equal(record[LAG_METRIC], 2.5);
  assert.equal(record[AGE_METRIC], 30);
  assert.equal(record.Deployment, 'shop');
  const [directive] = record._aws.CloudWatchMetrics;
  assert.equal(directive.Namespace, LAG_NAMESPACE);
  assert.deepEqual(directive.Dimensions, [['Deployment']]);
  assert.deepEqual(directive.Metrics.map((m: any) => [m.Name, m.Unit]).sort(), [[LAG_METRIC, 'Seconds'], [AGE_METRIC, 'Seconds']]);
  assert.equal(record._aws.Timestamp, now);
});

test('before a batch with records there is no lag to publish, only the age; before any view, nothing', () => {
  const record = lagRecord(view({ lag_seconds: null }), now, 'shop') as any;
  assert.equal(LAG_METRIC in record, false);
  assert.deepEqual(record._aws.CloudWatchMetrics[0].Metrics.map((m: any) => m.Name), [AGE_METRIC]);
  assert.equal(lagRecord(undefined, now, 'shop'), undefined);
  assert.equal(lagRecord(view({ lag_seconds: null, written_at: 'not a time' }), now, 'shop'), undefined);
});
