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
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { Kafka, logLevel } from 'kafkajs';
import { EVENTS_TOPIC } from '../../contract';
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
import { arg, JOB_LOG, RATE, SECONDS } from './realtime-options';
import { batchPhases, countedLatencies, steadyLoad, summary, warmUp, watchCounted, type Send } from './realtime-load';

const BACKLOG = arg('backlog', 200_000);
const SERVED_MODEL = process.argv.includes('--served-model');

/** Events as the replay would produce them (JSON values), cycled for as long as the run needs. */
const eventValues = async (dir: string, n: number): Promise<string[]> => {
  const csv = join(dir, 'bench-events.csv');
  await writeBehaviourCsv({ events: n, seed: 16 }, csv);
  return (await readReplayFile(csv)).records.map((r) => r.value);
};

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

    await warmUp(producer, twin, (round) => values.slice(round * 100, round * 100 + 100));

    // 1. Latency at a steady rate.
    let next = 0;
    const sends: Send[] = [];
    const counted = watchCounted(server.url, sends);
    const firstBatch = ((await twin.view())?.batch_id ?? -1) + 1;
    const seconds = await steadyLoad(producer, (n) => Array.from({ length: n }, () => values[next++ % values.length]), (v) => v, sends);
    await waitFor('every steady-rate event to be visible', async () => (sends.every((s) => s.seenAt !== undefined) ? true : undefined), 30 * 60_000, 500);
    await counted.stop();
    const produced = sends.reduce((a, s) => a + s.count, 0);
    const phases = batchPhases(readFileSync(twin.logFile, 'utf8'), firstBatch, (await twin.view())?.batch_id ?? firstBatch);
    console.log(`\n1. latency, produced -> visible through GET /live, ${produced} events at ${(produced / seconds).toFixed(0)} events/s for ${seconds.toFixed(0)} s:`);
    console.log(`   ${summary(countedLatencies(sends))} (target p95 <= 5 s)`);
    for (const line of phases) console.log(`   ${line}`);
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
