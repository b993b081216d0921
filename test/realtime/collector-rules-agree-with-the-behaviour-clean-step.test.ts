// The collector's (and replay's) behaviour event rules on the shared examples table, which the
// behaviour clean step's test runs too (emr-jobs/tests/realtime/test_behaviour_rules_agree_with_the_collector.py).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { toBehaviourEvent } from '../../lambdas/collector/behaviour-rules';

const table = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'behaviour-rule-examples.json'), 'utf8')) as {
  good: Record<string, string>;
  examples: { change: Record<string, string>; reason: string | null }[];
};

for (const { change, reason } of table.examples) {
  test(`${JSON.stringify(change)} -> ${reason ?? 'accepted'}`, () => {
    const outcome = toBehaviourEvent({ ...table.good, ...change }, 'examples', 2);
    assert.equal('reason' in outcome ? outcome.reason : null, reason);
  });
}
