// The streaming job is killed (SIGKILL, a crash) while it works through a replay and started again on
// the same checkpoint: its all-time totals equal a batch recount of what was produced, exactly; and it goes on
// writing the customers' live state (issue 24): the last replayed event is among its customer's newest interactions.
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
  twin = await startRealtimeTwin(undefined, { liveState: true });
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

  type Row = { user_id: string | null; event_type: string; product_id: string };
  const record = [...events.records].reverse().find((r) => ['view', 'cart', 'purchase'].includes((JSON.parse(r.value) as Row).event_type) && (JSON.parse(r.value) as Row).user_id)!;
  const last = JSON.parse(record.value) as Row;
  // The job writes a batch's live-state items just after its view: the view may be caught up a moment before.
  const item = await waitFor(`customer ${last.user_id}'s live-state item`, () => twin!.liveState!.activity.get(last.user_id!, Date.now()), 60_000, 250);
  const lastSecond = record.timeMs - (record.timeMs % 1000);
  assert.equal(Date.parse(item.interactions[0].at), lastSecond, 'nothing newer than the last interaction replayed');
  assert.ok(item.interactions.some((i) => i.kind === last.event_type && i.product_id === last.product_id && Date.parse(i.at) === lastSecond), 'the last interaction is among them');
});
