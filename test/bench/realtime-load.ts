/**
 * What both halves of bench:realtime do the same way: warm the job up, produce a steady load (RATE events/s for
 * SECONDS, one send per TICK_MS to the partitions in turn), and watch GET /live until each send is counted.
 */
import type { Producer } from 'kafkajs';
import { EVENTS_TOPIC, type LiveView } from '../../contract';
import type { RealtimeTwin } from '../realtime/twin';
import { percentile, RATE, SECONDS, sleep, TICK_MS } from './realtime-options';

/** One send of the steady load: its partition, the offset of its last record, when it was sent and counted. */
export interface Send {
  partition: number;
  lastOffset: number;
  count: number;
  sentAt: number;
  seenAt?: number;
}

/** Not measured: a job's first micro-batches compile and plan what later ones reuse. Three sends of 100 values, each counted. */
export const warmUp = async (producer: Producer, twin: RealtimeTwin, values: (round: number) => string[]): Promise<void> => {
  for (let round = 0; round < 3; round++) {
    await producer.send({ topic: EVENTS_TOPIC.name, messages: values(round).map((value) => ({ value })), acks: -1 });
    await twin.caughtUp(10 * 60_000);
  }
};

/**
 * RATE events/s for SECONDS: each tick sends the values of `take(n)`'s items to the next partition, appends the send
 * to `sends` (which a watcher may be reading) and tells `onSent` with the items. Ticks that fall behind are not made
 * up for; returns how long the load took, in seconds.
 */
export const steadyLoad = async <T>(producer: Producer, take: (n: number) => T[], value: (item: T) => string, sends: Send[], onSent?: (send: Send, items: T[]) => void): Promise<number> => {
  const perTick = Math.round((RATE * TICK_MS) / 1000);
  const start = Date.now();
  for (let tick = 0; tick < (SECONDS * 1000) / TICK_MS; tick++) {
    const due = start + tick * TICK_MS;
    if (Date.now() < due) await sleep(due - Date.now());
    const partition = tick % EVENTS_TOPIC.partitions;
    const items = take(perTick);
    const sentAt = Date.now();
    const [meta] = await producer.send({ topic: EVENTS_TOPIC.name, messages: items.map((item) => ({ value: value(item), partition })), acks: -1 });
    const send = { partition, lastOffset: Number(meta.baseOffset) + items.length - 1, count: items.length, sentAt };
    sends.push(send);
    onSent?.(send, items);
  }
  return (Date.now() - start) / 1000;
};

/** Polls GET /live every TICK_MS and dates each send when its partition's processed offset is past it; `stop` ends it. */
export const watchCounted = (url: string, sends: Send[]): { stop(): Promise<void> } => {
  let polling = true;
  const loop = (async () => {
    while (polling) {
      const response = await fetch(`${url}/live`);
      const now = Date.now();
      if (response.ok) {
        const processed = ((await response.json()) as LiveView).offsets[EVENTS_TOPIC.name] ?? {};
        for (const s of sends) if (s.seenAt === undefined && (processed[String(s.partition)] ?? 0) > s.lastOffset) s.seenAt = now;
      } else await response.body?.cancel();
      await sleep(TICK_MS);
    }
  })();
  return {
    stop: async () => {
      polling = false;
      await loop;
    },
  };
};

/** Seconds from each send to its count, one entry per event. */
export const countedLatencies = (sends: Send[]): number[] => sends.flatMap((s) => Array<number>(s.count).fill((s.seenAt! - s.sentAt) / 1000));

/** `p50 … s, p95 … s, p99 … s, max … s (n=…)`. */
export const summary = (xs: number[]): string => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 'none' : `p50 ${percentile(s, 50).toFixed(2)} s, p95 ${percentile(s, 95).toFixed(2)} s, p99 ${percentile(s, 99).toFixed(2)} s, max ${s[s.length - 1].toFixed(2)} s (n=${s.length})`;
};

/** A `batch N: …` line of the streaming job's log (realtime_jobs/stream.py). */
interface BatchLine {
  id: number;
  records: number;
  seconds: number;
  phases: Record<string, number>;
  changed?: number;
  written?: number;
  writing?: number;
  waiting?: number;
  /** CPU seconds of the job's Python driver and (where it can be read) its JVM during the batch. */
  cpuPython?: number;
  cpuJvm?: number;
}

const parseBatch = (line: string): BatchLine | undefined => {
  const m = /\] batch (\d+): (\d+) records in ([\d.]+) s \(([^)]*)\)(?:; (\d+) customers changed; live state (\d+) items written in ([\d.]+) s, (\d+) waiting)?(?:.*; cpu python ([\d.]+) s(?:, jvm ([\d.]+) s)?)?/.exec(line);
  if (!m) return undefined;
  const phases = Object.fromEntries(m[4].split(', ').map((p) => [p.slice(0, p.lastIndexOf(' ')), Number(p.slice(p.lastIndexOf(' ') + 1))]));
  const n = (i: number) => (m[i] === undefined ? undefined : Number(m[i]));
  return { id: Number(m[1]), records: Number(m[2]), seconds: Number(m[3]), phases, changed: n(5), written: n(6), writing: n(7), waiting: n(8), cpuPython: n(9), cpuJvm: n(10) };
};

/**
 * Where the job's time went in batches `from`..`to` of its log: records and seconds per batch and per phase
 * (10th percentile, median, 90th), and with a live-state table the customers changed and the writer's items.
 */
export const batchPhases = (log: string, from: number, to: number): string[] => {
  const batches = log.split('\n').map(parseBatch).filter((b): b is BatchLine => b !== undefined && b.id >= from && b.id <= to);
  if (batches.length === 0) return [`no batch lines for batches ${from}..${to} in the job's log`];
  const spread = (xs: number[], digits = 2) => {
    const s = [...xs].sort((a, b) => a - b);
    return [10, 50, 90].map((p) => percentile(s, p).toFixed(digits)).join('–');
  };
  const lines = [
    `the job's batches ${from}..${to} (${batches.length}), 10th percentile–median–90th: ${spread(batches.map((b) => b.records), 0)} records in ${spread(batches.map((b) => b.seconds))} s`,
    `   phases (s): ${Object.keys(batches[0].phases).map((name) => `${name} ${spread(batches.map((b) => b.phases[name] ?? 0))}`).join(', ')}`,
  ];
  const timed = batches.filter((b) => b.cpuJvm !== undefined);
  if (timed.length > 0) {
    const records = timed.reduce((a, b) => a + b.records, 0);
    const cpu = timed.reduce((a, b) => a + b.cpuPython! + b.cpuJvm!, 0);
    lines.push(`   CPU per batch (s), Python ${spread(timed.map((b) => b.cpuPython!))}, JVM ${spread(timed.map((b) => b.cpuJvm!))}; ${((1000 * cpu) / Math.max(records, 1)).toFixed(3)} ms of CPU a record over ${records} records`);
  }
  const written = batches.filter((b) => b.written !== undefined);
  if (written.length > 0) {
    const items = written.reduce((a, b) => a + b.written!, 0);
    const writing = written.reduce((a, b) => a + b.writing!, 0);
    lines.push(
      `   customers changed per batch ${spread(written.map((b) => b.changed!), 0)}; live-state items written ${items} in ${writing.toFixed(1)} s of writing (${(items / Math.max(writing, 1e-9)).toFixed(0)} items/s), waiting at a batch's end ${spread(written.map((b) => b.waiting!), 0)}`,
    );
  }
  return lines;
};
