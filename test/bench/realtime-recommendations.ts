/**
 * npm run bench:realtime -- --recommendations (issue 24): how fast what a customer does reaches their top-3.
 * The twin's broker, streaming job (writing the customers' open sessions to the twin's DynamoDB-protocol server)
 * and the API over HTTP. Every event is stamped with the time it is sent, for customers who all have a batch list;
 * the item-to-item lists (serving/similar/ shards, read by the API as on AWS) are built from the same generated
 * events' sessions (products seen in one session), so they measure the loop, not recommendation quality.
 * Printed, for two windows of SECONDS at RATE (cold: the job's first; warm: the next, on the same job): for a sample of
 * new customers, the time from their first event to a changed top-3 visible through GET /users/{id}/recommendations
 * (p50/p95/p99), beside the anchor of the same window: the time from the same events to being counted in GET /live
 * (the counts path); at the end the share of active customers whose list changed.
 * Options: --rate N events/s (default 2000), --seconds S (default 60), --track-every K (every K-th new customer
 * is followed, default 100), --probes P (at most P list requests every 100 ms, default 20: the probes share the
 * two cores with the job; their rate is printed), --job-log FILE keeps the streaming job's log.
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { LAKE, similarShardFor, type ProductSimilar, type RecommendationsResponse, type UserRecommendations } from '../../contract';
import { lakeLiveStore } from '../../lambdas/api/live';
import { liveRecommendations } from '../../lambdas/api/live-recommendations';
import { lakeRecommenderDocuments } from '../../lambdas/shared/serving/recommender-documents';
import { writeBehaviourCsv } from '../../local/generator/behaviour-write';
import { readReplayFile } from '../../local/realtime/replay';
import { folderLake } from '../../local/server/folder-lake';
import { MemoryRecommendationStore } from '../../local/server/memory-store';
import { startLocalServer } from '../../local/server/server';
import { lakeAnalyticsStore } from '../../lambdas/shared/serving/lake';
import { startRealtimeTwin, waitFor } from '../realtime/twin';
import { WEB_DIST } from '../web/site';
import { liveHitRate } from './realtime-live-hit-rate';
import { sessionLists, type Event } from './session-lists';
import { arg, JOB_LOG, percentile, RATE, SECONDS, sleep, TICK_MS } from './realtime-options';
import { batchPhases, countedLatencies, steadyLoad, summary, warmUp, watchCounted, type Send } from './realtime-load';

const TRACK_EVERY = arg('track-every', 100);
/** At most this many GET /users/{id}/recommendations probes a round (every TICK_MS). */
const PROBES = arg('probes', 20);
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

export const benchRecommendations = async (): Promise<void> => {
  console.log(`bench:realtime --recommendations on ${cpus().length} cores, load ${load()}; rate ${RATE}/s for ${SECONDS}s, every ${TRACK_EVERY}th new customer followed`);
  const twin = await startRealtimeTwin(undefined, { liveState: true });
  const lake = twin.lake;
  try {
    const csv = join(twin.dir, 'events.csv');
    await writeBehaviourCsv({ events: 2 * RATE * SECONDS + 1_000, seed: 24 }, csv);
    const events = (await readReplayFile(csv)).records.map((r) => JSON.parse(r.value) as Event).filter((e) => e.user_id);
    // Every customer has a batch list (three of the store's most viewed products), and the lake the lists the API reads.
    const views = new Map<string, number>();
    for (const e of events) views.set(e.product_id, (views.get(e.product_id) ?? 0) + 1);
    const best = [...views].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([id], i) => ({ product_id: id, score: 3 - i, category_code: null, brand: null, price: null, source: 'popular' as const, popular_rank: i + 1 }));
    const store = new MemoryRecommendationStore();
    await store.write([...new Set(events.map((e) => e.user_id))].map((user_id): UserRecommendations => ({ user_id, source: 'popular', recommendations: best })));
    const shards = new Map<string, Record<string, ProductSimilar>>();
    for (const [id, list] of sessionLists(events)) (shards.get(similarShardFor(id)) ?? shards.set(similarShardFor(id), {}).get(similarShardFor(id))!)[id] = list;
    for (const [shard, lists] of shards) {
      const file = join(lake, `${LAKE.similarPrefix}${shard}.json`);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(lists));
    }
    const server = await startLocalServer({
      webDir: WEB_DIST,
      recommendations: store,
      analytics: lakeAnalyticsStore(folderLake(lake)),
      live: lakeLiveStore(folderLake(lake)),
      liveRecommendations: liveRecommendations(twin.liveState!.activity, lakeRecommenderDocuments(folderLake(lake))),
      runtimeConfig: { apiUrl: '', auth: null },
    });
    const kafka = new Kafka({ clientId: 'bench-realtime-recommendations', brokers: [twin.broker.bootstrap], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    try {
      await twin.startJob();
      const stamp = (e: Event) => JSON.stringify({ ...e, event_time: new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000', '') });
      const warmUpEvents = events.slice(-300);
      await warmUp(producer, twin, (round) => warmUpEvents.slice(round * 100, round * 100 + 100).map(stamp));
      const top3 = (r: RecommendationsResponse) => r.recommendations.map((c) => c.product_id).join(',');
      const batchTop3 = best.map((c) => c.product_id).join(',');
      const get = async (user: string) => (await (await fetch(`${server.url}/users/${user}/recommendations`)).json()) as RecommendationsResponse;
      const seenUsers = new Set<string>();
      let next = 0;
      // Window 1 is the job's first SECONDS of load (cold: the JVM compiles its hot code meanwhile); window 2 the same
      // load again on the job that has run window 1 (warm, as a job running for days is). Both are printed.
      const windows: [string, string][] = [
        ['cold', `the job's first ${SECONDS} s of load, after the warm-up batches`],
        ['warm', `the next ${SECONDS} s at the same rate, on the job that has just run the cold window (a streaming job runs for days)`],
      ];
      for (const [name, what] of windows) {
        // Followed customers: first event sent -> first changed top-3 seen. The probes are bounded (PROBES a round,
        // the least recently probed first) so that a job falling behind does not also get more requests to answer.
        const followed = new Map<string, { sentAt: number; probedAt: number; changedAt?: number }>();
        let probes = 0;
        let polling = true;
        const prober = (async () => {
          while (polling) {
            const now = Date.now();
            const waiting = [...followed].filter(([, f]) => f.changedAt === undefined && now - f.sentAt < 60_000).sort((a, b) => a[1].probedAt - b[1].probedAt);
            await Promise.all(
              waiting.slice(0, PROBES).map(async ([user, f]) => {
                f.probedAt = Date.now();
                probes++;
                if (top3(await get(user)) !== batchTop3) f.changedAt ??= Date.now();
              }),
            );
            await sleep(TICK_MS);
          }
        })();
        const sends: Send[] = [];
        const counted = watchCounted(server.url, sends);
        const firstBatch = ((await twin.view())?.batch_id ?? -1) + 1;
        const startLoad = load();
        const seconds = await steadyLoad(producer, (n) => events.slice(next, (next += n)), stamp, sends, (send, batch) => {
          for (const e of batch) {
            if (seenUsers.has(e.user_id)) continue;
            seenUsers.add(e.user_id);
            if (seenUsers.size % TRACK_EVERY === 0) followed.set(e.user_id, { sentAt: send.sentAt, probedAt: 0 });
          }
        });
        const probesDuringLoad = probes;
        await waitFor('every event counted in /live', async () => (sends.every((s) => s.seenAt !== undefined) ? true : undefined), 30 * 60_000, 500);
        await waitFor('the followed customers settled', async () => ([...followed.values()].every((f) => f.changedAt !== undefined || Date.now() - f.sentAt > 60_000) ? true : undefined), 5 * 60_000, 500);
        polling = false;
        await Promise.all([prober, counted.stop()]);
        const produced = sends.reduce((a, s) => a + s.count, 0);
        const phases = batchPhases(readFileSync(twin.logFile, 'utf8'), firstBatch, (await twin.view())?.batch_id ?? firstBatch);
        console.log(`\n${name} window (${what}): ${produced} events at ${(produced / seconds).toFixed(0)} events/s for ${seconds.toFixed(0)} s, ${seenUsers.size} customers so far, load ${startLoad} -> ${load()}`);
        console.log(`probes of the followed customers' lists during the load: ${(probesDuringLoad / seconds).toFixed(0)} GET/s (at most ${PROBES} every ${TICK_MS} ms)`);
        const changed = [...followed.values()].filter((f) => f.changedAt !== undefined);
        const toTop3 = changed.map((f) => (f.changedAt! - f.sentAt) / 1000);
        const toLive = countedLatencies(sends);
        console.log(`${name}: first event -> changed top-3 through GET /users/{id}/recommendations: ${summary(toTop3)} (target p95 <= 5 s)`);
        console.log(`${name}: anchor, same window: sent -> counted in GET /live: ${summary(toLive)}`);
        const p95 = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 95);
        if (toTop3.length > 0) console.log(`${name}: ratio p95 top-3 / p95 counts: ${(p95(toTop3) / p95(toLive)).toFixed(2)}`);
        console.log(`${name}: followed customers whose top-3 changed within 60 s: ${changed.length} of ${followed.size}`);
        for (const line of phases) console.log(line);
      }
      // Every active customer once, at the end: is their list the live one?
      let live = 0;
      const users = [...seenUsers];
      for (let i = 0; i < users.length; i += 50) {
        const answers = await Promise.all(users.slice(i, i + 50).map(get));
        live += answers.filter((a) => top3(a) !== batchTop3).length;
      }
      console.log(`share of active customers whose top-3 changed: ${live} of ${users.length} (${((100 * live) / users.length).toFixed(1)} %), load ${load()}`);
    } finally {
      await producer.disconnect();
      await server.close();
    }
  } finally {
    if (JOB_LOG) copyFileSync(twin.logFile, JOB_LOG);
    await twin.stop();
    rmSync(lake, { recursive: true, force: true });
  }
  await liveHitRate();
};
