// The twin keeps its streaming job running: killed from outside (SIGKILL to its process group, as an
// OOM killer or a careless `kill` would), it is started again on its checkpoint after a wait and says
// so, and counts what arrived meanwhile exactly once; killed again after its last restart, it says it
// has stopped and why. While it runs with nothing to read, it re-dates the live view's `alive_at`
// (the heartbeat the Live page's "not running since" notice reads).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { REALTIME } from '../../contract';
import { writeBehaviourCsv } from '../../local/generator/behaviour-write';
import { readReplayFile, replay } from '../../local/realtime/replay';
import { startRealtimeTwin, waitFor, type RealtimeTwin } from './twin';

let twin: RealtimeTwin | undefined;
after(async () => twin?.stop());

test('a killed streaming job is restarted with backoff and said so; after its last restart it says it has stopped', { timeout: 15 * 60_000 }, async () => {
  twin = await startRealtimeTwin();
  const said: string[] = [];
  const saw = (pattern: RegExp) => waitFor(`the twin to say ${pattern}`, async () => said.find((line) => pattern.test(line)), 5 * 60_000, 200);
  const files = await Promise.all(
    [1, 2].map(async (seed) => {
      const csv = join(twin!.dir, `events-${seed}.csv`);
      await writeBehaviourCsv({ events: 300, seed }, csv);
      return readReplayFile(csv);
    }),
  );
  const job = await twin.startJob({ restartDelaysMs: [500, 500], say: (line) => said.push(line) });
  await replay(files[0], { bootstrap: twin.broker.bootstrap, speed: Infinity });
  const first = await twin.caughtUp(5 * 60_000);

  // Quiet: the job re-dates alive_at while written_at stays at its last batch.
  const beat = await waitFor('a heartbeat', async () => {
    const view = await twin!.view();
    return view && view.alive_at! > view.written_at ? view : undefined;
  }, (REALTIME.heartbeatSeconds + 60) * 1000);
  assert.equal(beat.batch_id, first.batch_id);

  process.kill(-job.pid()!, 'SIGKILL');
  await saw(/^the streaming job exited with code 137; restarting it in 0.5 s on its checkpoint \(restart 1 of at most 2; log .*\)$/);
  await saw(/^the streaming job is streaming again after restart 1/);
  await replay(files[1], { bootstrap: twin.broker.bootstrap, speed: Infinity });
  const second = await twin.caughtUp(5 * 60_000);
  const counted = Object.values(second.totals.events).reduce((a, b) => a + b, 0);
  assert.equal(counted, files[0].records.length + files[1].records.length, 'every event once across the restart');

  process.kill(-job.pid()!, 'SIGKILL');
  await saw(/restart 2 of at most 2/);
  await saw(/^the streaming job is streaming again after restart 2/);
  process.kill(-job.pid()!, 'SIGKILL');
  const stopped = await saw(/^the streaming job has stopped: it exited with code 137 3 times in a row, the last 2 of them after restarts; the Live page shows its last view\. Last lines of /);
  assert.ok(stopped.includes(twin.logFile));
  assert.equal(await job.exited, 137);
  assert.equal(job.pid(), undefined, 'nothing left running');
});
