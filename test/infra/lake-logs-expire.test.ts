// Issue 23.12: the lake's log prefixes (EMR's cluster logs, the streaming job's driver and executor logs) expire
// after the configured log retention; nothing else of the lake does. Lifecycle rule with a prefix filter and
// ExpirationInDays: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-s3-bucket-rule.html
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CONFIG } from '../../lib/config';
import { defaultStack, idStartingWith, synthesizeRealtime, type Synthesized } from './synth';

const rules = (s: Synthesized) => s.resources[idStartingWith(s, 'AWS::S3::Bucket', 'Lake')].Properties!.LifecycleConfiguration?.Rules ?? [];
const expiring = (s: Synthesized) => rules(s).map((r: any) => [r.Prefix, r.ExpirationInDays, r.Status]);

test('emr-logs/ and realtime/logs/ expire after logRetentionDays, realtime on and off', () => {
  const days = DEFAULT_CONFIG.logRetentionDays;
  for (const s of [defaultStack(), synthesizeRealtime()]) {
    assert.deepEqual(expiring(s), [
      ['emr-logs/', days, 'Enabled'],
      ['realtime/logs/', days, 'Enabled'],
    ]);
  }
});
