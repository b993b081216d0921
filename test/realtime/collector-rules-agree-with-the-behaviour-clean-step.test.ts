// The behaviour event rules of the collector (and replay) and of ingest's events rows on the shared
// examples table, which the behaviour clean step's test runs too
// (emr-jobs/tests/realtime/test_behaviour_rules_agree_with_the_collector.py); and the one event-time
// parser on the contract's event-time examples, which the Spark side's tests run too.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BEHAVIOUR_CSV_COLUMNS, EVENT_TIME_EXAMPLES, EXAMPLES_NOW, parseEventTime } from '../../contract';
import { toBehaviourEvent } from '../../lambdas/collector/behaviour-rules';
import { parseEventLine } from '../../lambdas/ingest/event-row';

const table = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'behaviour-rule-examples.json'), 'utf8')) as {
  good: Record<string, string>;
  examples: { change: Record<string, string>; reason: string | null }[];
};

/** The event as one CSV record, every field quoted (a quoted field may hold a line break). */
const csvLine = (fields: Record<string, string>) => BEHAVIOUR_CSV_COLUMNS.map((c) => `"${(fields[c] ?? '').replace(/"/g, '""')}"`).join(',');

for (const { change, reason } of table.examples) {
  test(`${JSON.stringify(change)} -> ${reason ?? 'accepted'}, by the collector and by ingest`, () => {
    const outcome = toBehaviourEvent({ ...table.good, ...change }, 'examples', 2);
    assert.equal('reason' in outcome ? outcome.reason : null, reason);
    const row = parseEventLine(Buffer.from(csvLine({ ...table.good, ...change })), false, 1 << 20, 'examples', 2);
    assert.equal('rejection' in row ? row.rejection.reason : null, reason);
  });
}

test('the one event-time parser gives every contract example its expected outcome', () => {
  const now = Date.parse(EXAMPLES_NOW);
  for (const { value, expected } of EVENT_TIME_EXAMPLES) {
    const parsed = parseEventTime(value, now);
    assert.equal(typeof parsed === 'string' ? parsed : parsed.iso.replace(/[.][0-9]+Z$/, 'Z'), expected, value);
  }
});
