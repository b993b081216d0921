/**
 * npm run bench:realtime — the real-time path in the twin (broker, streaming job, API over HTTP):
 *   1. latency (after three warm-up batches): events produced at a steady rate; each is visible once
 *      GET /live reports its partition's processed offset past it (polled every 100 ms): p50/p95/p99;
 *   2. highest sustained rate: a backlog of events drained by the job (records/s, one micro-batch is
 *      capped at REALTIME.maxRecordsPerBatch), beside Kafka's own ConsumerPerformance reading the
 *      same topic in the same run; the ratio is the job's rate over the tool's.
 * The exactly-once restart check is test/realtime/restart-counts-every-event-exactly-once.test.ts.
 * Options: --rate N events/s (default 2000), --seconds S of steady load (default 60), --backlog N (default 200000),
 * --served-model to serve an intent model in the job's lake first (trained by the batch sessions and intent jobs
 * on other generated events), so every micro-batch also scores the open sessions, as the real job does with a
 * served run; without it the intent path is idle. --job-log FILE keeps the streaming job's log (its
 * `batch N: R records in S s (phase seconds)` lines) after the run. --recommendations measures the live
 * recommendations loop instead (test/bench/realtime-recommendations.ts).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { Kafka, logLevel } from 'kafkajs';
import { EVENTS_TOPIC, type LiveView } from '../../contract';
import { lakeLiveStore } from '../../lambdas/api/live';
import { writeBehaviourCsv } from '../../local/generator/behaviour-write';
import { KAFKA_CLASSPATH } from '../../local/kafka/broker';
import { endOffsets, recordsBehind } from '../../local/realtime/caught-up';
import { readReplayFile } from '../../local/realtime/replay';
import { folderLake } from '../../local/server/folder-lake';
import { startLocalServer } from '../../local/server/server';
import { loadLocalServing } from '../../local/server/serving';
import { writeSeedLake } from '../api/seed';
import { serveIntentModel, trainIntentModel } from '../realtime/intent-model';
import { startRealtimeTwin, waitFor } from '../realtime/twin';
import { WEB_DIST } from '../web/site';
import { benchRecommendations } from './realtime-recommendations';
import { arg, JOB_LOG, percentile, RATE, SECONDS, sleep, TICK_MS } from './realtime-options';

const BACKLOG = arg('backlog', 200_000);
const SERVED_MODEL = process.argv.includes('--served-model');


/** Events as the replay would produce them (JSON values), cycled for as long as the run needs. */
const eventValues = async (dir: string, n: number): Promise<string[]> => {
  const csv = join(dir, 'bench-events.csv');
  await writeBehaviourCsv({ events: n, seed: 16 }, csv);
  return (await readReplayFile(csv)).records.map((r) => r.value);
};

interface Sent {
  partition: number;
  lastOffset: number;
  count: number;
  sentAt: number;
  seenAt?: number;
}

const main = async () => {
  console.log(`bench:realtime on ${cpus().length} cores, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}; rate ${RATE}/s for ${SECONDS}s, backlog ${BACKLOG}`);
  const lake = writeSeedLake();
  const twin = await startRealtimeTwin(lake);
  if (SERVED_MODEL) {
    const trainingLake = join(twin.dir, 'training-lake');
    const run = await trainIntentModel(trainingLake, join(twin.dir, 'training.log'));
    serveIntentModel(trainingLake, lake, run);
    console.log(`intent model of run ${run} served in the job's lake; load now ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  } else console.log('no intent model served: the job scores no sessions (--served-model serves one)');
  const server = await startLocalServer({ webDir: WEB_DIST, ...(await loadLocalServing(lake)), live: lakeLiveStore(folderLake(lake)), runtimeConfig: { apiUrl: '', auth: null } });
  const values = await eventValues(twin.dir, Math.max(BACKLOG, RATE * SECONDS));
  const kafka = new Kafka({ clientId: 'bench-realtime', brokers: [twin.broker.bootstrap], logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  try {
    const started = Date.now();
    await twin.startJob();
    console.log(`streaming job up in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    // Warm-up, not measured: a job's first micro-batches compile and plan what later ones reuse.
    for (let round = 0; round < 3; round++) {
      const [meta] = await producer.send({ topic: EVENTS_TOPIC.name, messages: values.slice(0, 100).map((value) => ({ value, partition: 0 })), acks: -1 });
      const last = Number(meta.baseOffset) + 99;
      await waitFor('the warm-up events', async () => (((await twin.view())?.offsets[EVENTS_TOPIC.name]?.['0'] ?? 0) > last ? true : undefined), 10 * 60_000, 200);
    }

    // 1. Latency at a steady rate.
    const sent: Sent[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const response = await fetch(`${server.url}/live`);
        const now = Date.now();
        if (response.ok) {
          const view = (await response.json()) as LiveView;
          const processed = view.offsets[EVENTS_TOPIC.name] ?? {};
          for (const s of sent) if (s.seenAt === undefined && (processed[String(s.partition)] ?? 0) > s.lastOffset) s.seenAt = now;
        }
        await sleep(TICK_MS);
      }
    })();
    const perTick = Math.round((RATE * TICK_MS) / 1000);
    const loadStart = Date.now();
    let next = 0;
    for (let tick = 0; tick < (SECONDS * 1000) / TICK_MS; tick++) {
      const due = loadStart + tick * TICK_MS;
      if (Date.now() < due) await sleep(due - Date.now());
      const partition = tick % EVENTS_TOPIC.partitions;
      const messages = Array.from({ length: perTick }, () => ({ value: values[next++ % values.length] }));
      const sentAt = Date.now();
      const [meta] = await producer.send({ topic: EVENTS_TOPIC.name, messages: messages.map((m) => ({ ...m, partition })), acks: -1 });
      sent.push({ partition, lastOffset: Number(meta.baseOffset) + perTick - 1, count: perTick, sentAt });
    }
    const loadSeconds = (Date.now() - loadStart) / 1000;
    await waitFor('every steady-rate event to be visible', async () => (sent.every((s) => s.seenAt !== undefined) ? true : undefined), 30 * 60_000, 500);
    polling = false;
    await poller;
    const latencies = sent.flatMap((s) => Array<number>(s.count).fill((s.seenAt! - s.sentAt) / 1000)).sort((a, b) => a - b);
    const produced = sent.reduce((a, s) => a + s.count, 0);
    console.log(`\n1. latency, produced -> visible through GET /live, ${produced} events at ${(produced / loadSeconds).toFixed(0)} events/s for ${loadSeconds.toFixed(0)} s:`);
    console.log(`   p50 ${percentile(latencies, 50).toFixed(2)} s, p95 ${percentile(latencies, 95).toFixed(2)} s, p99 ${percentile(latencies, 99).toFixed(2)} s, max ${latencies[latencies.length - 1].toFixed(2)} s (target p95 <= 5 s)`);
    const intent = (await twin.view())?.intent;
    console.log(`   intent: ${intent?.model_run ? `run ${intent.model_run}, ${intent.scored_sessions} open sessions scored` : `no scores (${intent?.unavailable})`}`);

    // 2. Highest sustained rate: drain a backlog, beside Kafka's consumer perf tool on the same topic.
    const before = await twin.view();
    const backlogStart = Date.now();
    for (let i = 0; i < BACKLOG; i += 10_000) {
      const messages = Array.from({ length: Math.min(10_000, BACKLOG - i) }, (_, j) => ({ value: values[(i + j) % values.length] }));
      await producer.send({ topic: EVENTS_TOPIC.name, messages, acks: -1 });
    }
    console.log(`\n2. backlog of ${BACKLOG} events produced in ${((Date.now() - backlogStart) / 1000).toFixed(1)} s; draining`);
    const ends = await endOffsets(twin.broker.bootstrap);
    const drainStart = Date.now();
    const startBehind = recordsBehind(await twin.view(), ends);
    const after = await twin.caughtUp(30 * 60_000);
    const drainSeconds = (Date.now() - drainStart) / 1000;
    const drained = startBehind;
    const jobRate = drained / drainSeconds;
    const total = Object.values(after.totals.events).reduce((a, b) => a + b, 0) - Object.values(before?.totals.events ?? {}).reduce((a, b) => a + b, 0);
    console.log(`   the job drained ${drained} records in ${drainSeconds.toFixed(1)} s: ${jobRate.toFixed(0)} records/s (events counted meanwhile: ${total})`);
    const messages = Object.values(ends[EVENTS_TOPIC.name]).reduce((a, b) => a + b, 0);
    const perf = spawnSync('java', ['-Xmx512m', '-cp', KAFKA_CLASSPATH, 'org.apache.kafka.tools.ConsumerPerformance', '--bootstrap-server', twin.broker.bootstrap, '--topic', EVENTS_TOPIC.name, '--messages', String(messages), '--timeout', '120000'], { encoding: 'utf8' });
    const lines = perf.stdout.trim().split('\n');
    const header = lines.findIndex((l) => l.startsWith('start.time'));
    const row = header >= 0 ? lines[header + 1].split(',').map((c) => c.trim()) : [];
    const perfRate = Number(row[5]);
    console.log(`   Kafka's ConsumerPerformance read ${row[4] ?? '?'} records of the same topic at ${Number.isFinite(perfRate) ? perfRate.toFixed(0) : '?'} records/s`);
    if (Number.isFinite(perfRate)) console.log(`   ratio job / ConsumerPerformance: ${(jobRate / perfRate).toFixed(3)}`);
    else console.log(perf.stdout + perf.stderr);
  } finally {
    await producer.disconnect();
    await server.close();
    if (JOB_LOG) copyFileSync(twin.logFile, JOB_LOG);
    await twin.stop();
    rmSync(lake, { recursive: true, force: true });
  }
};

// --recommendations: the live-recommendations loop instead (test/bench/realtime-recommendations.ts, issue 24).
(process.argv.includes('--recommendations') ? benchRecommendations() : main()).then(
  () => process.exit(0),
  (error: Error) => {
    console.error(error.stack ?? error.message);
    process.exit(1);
  },
);
