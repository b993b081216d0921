// The streaming job is killed (SIGKILL, a crash) while it works through a replay and started again on
// the same checkpoint: its all-time totals equal a batch recount of what was produced, exactly.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { writeBehaviourCsv } from '../../local/generator/behaviour-write';
import { readReplayFile, replay } from '../../local/realtime/replay';
import { recount, toMicros } from './recount';
import { startRealtimeTwin, waitFor, type RealtimeTwin } from './twin';

let twin: RealtimeTwin | undefined;
after(async () => twin?.stop());

test('a streaming job killed mid-run and restarted counts every replayed event and order exactly once', { timeout: 20 * 60_000 }, async () => {
  twin = await startRealtimeTwin();
  const csv = join(twin.dir, 'events.csv');
  await writeBehaviourCsv({ events: 30_000, seed: 16 }, csv);
  const events = await readReplayFile(csv);
  const purchases = await readReplayFile(join(__dirname, '..', 'fixtures', 'purchases-slice.csv.gz'));
  const first = await twin.startJob();
  // Paced (the events span 3.2 hours: about 3 minutes at 60 times), so the job is still working through the
  // replay when it is killed, even on two busy cores.
  let replayDone = false;
  const producing = Promise.all([
    replay(purchases, { bootstrap: twin.broker.bootstrap, speed: Infinity }),
    replay(events, { bootstrap: twin.broker.bootstrap, speed: 60 }),
  ]).then(() => (replayDone = true));
  await waitFor('a folded batch', async () => ((await twin!.view())?.batch_id ?? -1) >= 0 || undefined, 10 * 60_000);
  await first.kill();
  assert.ok(!replayDone, 'killed while the replay was still producing');
  const beforeRestart = await twin.view();
  await producing;
  await twin.startJob();
  const view = await twin.caughtUp(10 * 60_000);

  const expected = recount([events, purchases]);
  assert.ok(beforeRestart!.batch_id < view.batch_id, 'the restarted job processed batches of its own');
  assert.deepEqual(
    Object.fromEntries(Object.entries(view.totals.events).filter(([, n]) => n > 0)),
    expected.events,
  );
  assert.equal(toMicros(view.totals.purchase_revenue), expected.purchaseRevenueMicros);
  assert.equal(view.totals.order_lines, expected.orderLines);
  assert.equal(view.totals.orders, expected.orders);
  assert.equal(toMicros(view.totals.order_revenue), expected.orderRevenueMicros);
  assert.equal(view.totals.unreadable, 0);
});
