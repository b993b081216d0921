/**
 * npm run bench:realtime -- --recommendations (issue 24): how fast what a customer does reaches their top-3.
 * The twin's broker, streaming job (writing the customers' open sessions to the twin's DynamoDB-protocol server)
 * and the API over HTTP. Every event is stamped with the time it is sent, for customers who all have a batch list;
 * the item-to-item lists (serving/similar/ shards, read by the API as on AWS) are built from the same generated
 * events' sessions (products seen in one session), so they measure the loop, not recommendation quality.
 * Printed: for a sample of customers, the time from their first event to a changed top-3 visible through
 * GET /users/{id}/recommendations (p50/p95/p99), beside the anchor of the same run: the time from the same events to
 * being counted in GET /live (the counts path); the share of active customers whose list changed.
 * Options: --rate N events/s (default 2000), --seconds S (default 60), --track-every K (every K-th new customer
 * is followed, default 25), --job-log FILE keeps the streaming job's log.
 */
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { EVENTS_TOPIC, LAKE, similarShardFor, type LiveView, type ProductSimilar, type RecommendationsResponse, type UserRecommendations } from '../../contract';
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

const TRACK_EVERY = arg('track-every', 25);
const POLL_MS = 100;
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 'none' : `p50 ${percentile(s, 50).toFixed(2)} s, p95 ${percentile(s, 95).toFixed(2)} s, p99 ${percentile(s, 99).toFixed(2)} s, max ${s[s.length - 1].toFixed(2)} s (n=${s.length})`;
};

export const benchRecommendations = async (): Promise<void> => {
  console.log(`bench:realtime --recommendations on ${cpus().length} cores, load ${load()}; rate ${RATE}/s for ${SECONDS}s, every ${TRACK_EVERY}th new customer followed`);
  const twin = await startRealtimeTwin(undefined, { liveState: true });
  const lake = twin.lake;
  try {
    const csv = join(twin.dir, 'events.csv');
    await writeBehaviourCsv({ events: RATE * SECONDS + 1_000, seed: 24 }, csv);
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
      // Warm-up, not measured: the job's first micro-batches compile and plan what later ones reuse.
      const warm = events.slice(-500);
      for (let round = 0; round < 3; round++) {
        await producer.send({ topic: EVENTS_TOPIC.name, messages: warm.slice(round * 100, round * 100 + 100).map((e) => ({ value: stamp(e), key: e.user_session })), acks: -1 });
        await twin.caughtUp(10 * 60_000);
      }
      const top3 = (r: RecommendationsResponse) => r.recommendations.map((c) => c.product_id).join(',');
      const batchTop3 = best.map((c) => c.product_id).join(',');
      const get = async (user: string) => (await (await fetch(`${server.url}/users/${user}/recommendations`)).json()) as RecommendationsResponse;
      // Followed customers: first event sent -> first changed top-3 seen; and each send's offsets -> counted in /live.
      const followed = new Map<string, { sentAt: number; changedAt?: number }>();
      const sends: { partition: number; lastOffset: number; sentAt: number; seenAt?: number }[] = [];
      const seenUsers = new Set<string>();
      let polling = true;
      const pollers = [
        (async () => {
          while (polling) {
            const waiting = [...followed].filter(([, f]) => f.changedAt === undefined && Date.now() - f.sentAt < 60_000);
            await Promise.all(
              waiting.map(async ([user, f]) => {
                if (top3(await get(user)) !== batchTop3) f.changedAt ??= Date.now();
              }),
            );
            await sleep(POLL_MS);
          }
        })(),
        (async () => {
          while (polling) {
            const response = await fetch(`${server.url}/live`);
            const now = Date.now();
            if (response.ok) {
              const processed = ((await response.json()) as LiveView).offsets[EVENTS_TOPIC.name] ?? {};
              for (const s of sends) if (s.seenAt === undefined && (processed[String(s.partition)] ?? 0) > s.lastOffset) s.seenAt = now;
            }
            await sleep(POLL_MS);
          }
        })(),
      ];
      const startLoad = load();
      const perTick = Math.round((RATE * TICK_MS) / 1000);
      const loadStart = Date.now();
      let next = 0;
      for (let tick = 0; tick < (SECONDS * 1000) / TICK_MS; tick++) {
        const due = loadStart + tick * TICK_MS;
        if (Date.now() < due) await sleep(due - Date.now());
        const partition = tick % EVENTS_TOPIC.partitions;
        const batch = events.slice(next, next + perTick);
        next += perTick;
        const sentAt = Date.now();
        const [meta] = await producer.send({ topic: EVENTS_TOPIC.name, messages: batch.map((e) => ({ value: stamp(e), partition })), acks: -1 });
        sends.push({ partition, lastOffset: Number(meta.baseOffset) + batch.length - 1, sentAt });
        for (const e of batch) {
          if (seenUsers.has(e.user_id)) continue;
          seenUsers.add(e.user_id);
          if (seenUsers.size % TRACK_EVERY === 0) followed.set(e.user_id, { sentAt });
        }
      }
      const loadSeconds = (Date.now() - loadStart) / 1000;
      await waitFor('every event counted in /live', async () => (sends.every((s) => s.seenAt !== undefined) ? true : undefined), 30 * 60_000, 500);
      await waitFor('the followed customers settled', async () => ([...followed.values()].every((f) => f.changedAt !== undefined || Date.now() - f.sentAt > 60_000) ? true : undefined), 5 * 60_000, 500);
      polling = false;
      await Promise.all(pollers);
      const produced = next;
      console.log(`\n${produced} events for ${seenUsers.size} customers at ${(produced / loadSeconds).toFixed(0)} events/s for ${loadSeconds.toFixed(0)} s, load ${startLoad} -> ${load()}`);
      const changed = [...followed.values()].filter((f) => f.changedAt !== undefined);
      const toTop3 = changed.map((f) => (f.changedAt! - f.sentAt) / 1000);
      const toLive = sends.map((s) => (s.seenAt! - s.sentAt) / 1000);
      console.log(`first event -> changed top-3 through GET /users/{id}/recommendations: ${stats(toTop3)} (target p95 <= 5 s)`);
      console.log(`anchor, same run: sent -> counted in GET /live: ${stats(toLive)}`);
      const p95 = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 95);
      if (toTop3.length > 0) console.log(`ratio p95 top-3 / p95 counts: ${(p95(toTop3) / p95(toLive)).toFixed(2)}`);
      console.log(`followed customers whose top-3 changed within 60 s: ${changed.length} of ${followed.size}`);
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
