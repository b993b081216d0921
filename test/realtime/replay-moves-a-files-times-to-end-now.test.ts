// `recstream replay` sends a file as if it happened now (issue 24): every time moves by the same whole number of
// seconds, gaps kept, the last record stamped when the replay sends it and none after its own send time, so
// an older file than the topic holds still fills the live windows instead of counting as late.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { behaviourRow } from '../../local/realtime/rows';
import { restamp, type ReplayFile } from '../../local/realtime/replay';

const line = (time: string, session: string) => [time, 'view', '1', '2', '', '', '1.00', '7', session].join(',');
const file = (): ReplayFile => {
  const rows = ['2019-10-01 00:00:00 UTC', '2019-10-01 00:00:30 UTC', '2019-10-01 01:00:00 UTC'].map((t, i) => behaviourRow(line(t, `s${i}`), 'test', i + 2));
  return { topic: 'events', rejected: [], records: rows.map((r) => ('record' in r ? r.record : assert.fail(r.rejected))) };
};

test('a replay moves every time by the same whole seconds so the last row is stamped when it is sent, never later', () => {
  const start = Date.parse('2026-12-07T12:00:00.700Z');
  for (const speed of [60, Infinity]) {
    const original = file();
    const moved = restamp(original, speed, start);
    const shifts = moved.records.map((r, i) => r.timeMs - original.records[i].timeMs);
    assert.equal(new Set(shifts).size, 1, 'one shift for every record: gaps kept');
    assert.equal(shifts[0] % 1000, 0, 'whole seconds');
    const sentAt = (i: number) => start + (speed === Infinity ? 0 : (original.records[i].timeMs - original.records[0].timeMs) / speed);
    moved.records.forEach((r, i) => assert.ok(r.timeMs <= sentAt(i), `record ${i} stamped ${new Date(r.timeMs).toISOString()}, sent ${new Date(sentAt(i)).toISOString()}`));
    const last = moved.records.at(-1)!;
    assert.ok(sentAt(2) - last.timeMs < 1000, 'the last row is stamped within a second of being sent');
    // The value carries the new time in the CSV's own form, which every event-time rule accepts.
    const value = JSON.parse(last.value) as { event_time: string; user_session: string };
    assert.equal(value.event_time, new Date(last.timeMs).toISOString().slice(0, 19).replace('T', ' ') + ' UTC');
    assert.equal(value.user_session, 's2');
  }
});
