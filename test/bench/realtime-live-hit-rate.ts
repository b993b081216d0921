/**
 * Issue 24.3: is the live list better? The real events (../shared/data/behaviour, only what the file holds: 2019-10-01
 * 00:00-02:39 UTC) in time order. Item-to-item lists and the store's best sellers are made from the events before
 * the split only; then for every cart or purchase from the split on, in a session with earlier interactions, three
 * top-3 lists as they stood just before it are compared on whether they hold the carted or bought product (hit rate
 * at 3): the batch list these customers get (the store's best sellers: they are in no purchase history the batch
 * recommender knows), the served live blend (lambdas/api/live-blend.ts, the same function the API runs), and the
 * strongest simple baseline for "what will they cart next": the session's own most recently viewed products.
 * Intervals: 1,000 bootstrap resamples of sessions (2.5th-97.5th percentiles), differences paired.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REALTIME, type LiveActivity, type LiveInteraction, type ProductSimilar, type RecommendedProduct } from '../../contract';
import { blendLive } from '../../lambdas/api/live-blend';
import { readReplayFile } from '../../local/realtime/replay';
import { ROOT } from '../web/site';
import { sessionLists, type Event } from './session-lists';

export const REAL_EVENTS = join(ROOT, '..', 'shared', 'data', 'behaviour', 'events-2019-10-01-sample.csv.gz');
const SPLIT = Date.parse('2019-10-01T02:25:00Z');
const KEPT = REALTIME.liveRecommendations.interactionsKept;

type Lists = Record<'batch' | 'live' | 'recent', boolean>;

const card = (product_id: string): RecommendedProduct => ({ product_id, score: 0, category_code: null, brand: null, price: null, source: 'popular' });

/** Mean and 95 % bootstrap interval of a per-session statistic (sum of hits / sum of targets), resampling sessions. */
const bootstrap = (sessions: { hits: number; targets: number }[], resamples = 1000): [number, number, number] => {
  let seed = 24;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed / 2 ** 31);
  const rate = (xs: { hits: number; targets: number }[]) => xs.reduce((a, s) => a + s.hits, 0) / xs.reduce((a, s) => a + s.targets, 0);
  const draws = Array.from({ length: resamples }, () => rate(sessions.map(() => sessions[Math.floor(random() * sessions.length)]))).sort((a, b) => a - b);
  return [rate(sessions), draws[Math.floor(0.025 * resamples)], draws[Math.floor(0.975 * resamples)]];
};

export const liveHitRate = async (): Promise<void> => {
  if (!existsSync(REAL_EVENTS)) {
    console.log(`\nhit rate on the real events: skipped, ${REAL_EVENTS} is absent`);
    return;
  }
  const events = (await readReplayFile(REAL_EVENTS)).records.map((r) => ({ ...(JSON.parse(r.value) as Event), ms: r.timeMs }));
  const before = events.filter((e) => e.ms < SPLIT);
  const similar: Map<string, ProductSimilar> = sessionLists(before);
  const score = new Map<string, number>();
  for (const e of before) score.set(e.product_id, (score.get(e.product_id) ?? 0) + (e.event_type === 'purchase' ? 10_000 : e.event_type === 'cart' ? 100 : 1));
  const batch = [...score].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 3).map(([id]) => card(id));
  // Per session, its interactions so far (newest first, distinct, bounded as the job keeps them), and its targets' hits.
  const held = new Map<string, LiveInteraction[]>();
  // How often the item-to-item lists could speak at all, and how often their candidates alone held the target.
  const coverage = { withList: 0, relatedHit: 0, purchases: 0 };
  const outcomes = new Map<string, Record<keyof Lists, number> & { targets: number }>();
  for (const e of events) {
    const session = e.user_session ?? `user:${e.user_id}`;
    const prior = held.get(session) ?? [];
    if (e.ms >= SPLIT && (e.event_type === 'cart' || e.event_type === 'purchase') && prior.length > 0) {
      const activity: LiveActivity = { user_id: e.user_id, session, interactions: prior, written_at: new Date(e.ms).toISOString(), expires_at: e.ms / 1000 + 1800 };
      const live = blendLive(batch, activity, similar) ?? batch;
      const recent = [...new Set(prior.filter((i) => i.kind === 'view').map((i) => i.product_id))].slice(0, 3);
      const hit: Lists = { batch: batch.some((c) => c.product_id === e.product_id), live: live.some((c) => c.product_id === e.product_id), recent: recent.includes(e.product_id) };
      const related = live.filter((c) => c.live?.relation === 'bought_together' || c.live?.relation === 'also_bought');
      coverage.withList += Number(prior.some((i) => similar.has(i.product_id)));
      coverage.relatedHit += Number(related.some((c) => c.product_id === e.product_id));
      coverage.purchases += Number(e.event_type === 'purchase');
      const o = outcomes.get(session) ?? { batch: 0, live: 0, recent: 0, targets: 0 };
      o.targets++;
      for (const k of ['batch', 'live', 'recent'] as const) o[k] += Number(hit[k]);
      outcomes.set(session, o);
    }
    const interaction: LiveInteraction = { at: new Date(e.ms).toISOString(), kind: e.event_type as LiveInteraction['kind'], product_id: e.product_id, category_code: null, brand: null, price: null };
    if (['view', 'cart', 'purchase'].includes(e.event_type) && !prior.some((i) => i.at === interaction.at && i.kind === interaction.kind && i.product_id === interaction.product_id))
      held.set(session, [interaction, ...prior].slice(0, KEPT));
  }
  const sessions = [...outcomes.values()];
  const targets = sessions.reduce((a, s) => a + s.targets, 0);
  const fmt = ([m, lo, hi]: [number, number, number]) => `${m.toFixed(3)} [${lo.toFixed(3)}, ${hi.toFixed(3)}]`;
  console.log(`\nhit rate at 3 on the real events (${REAL_EVENTS.split('/').slice(-2).join('/')}): lists made from the ${before.length} events before ${new Date(SPLIT).toISOString()}, judged on the ${targets} carts and purchases after it that follow an earlier interaction of their session (${sessions.length} sessions; 95 % bootstrap intervals over sessions)`);
  for (const k of ['batch', 'live', 'recent'] as const) console.log(`  ${k.padEnd(6)} ${fmt(bootstrap(sessions.map((s) => ({ hits: s[k], targets: s.targets }))))}`);
  const paired = (a: keyof Lists, b: keyof Lists) => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed / 2 ** 31);
    const diff = (xs: typeof sessions) => (xs.reduce((t, s) => t + s[a] - s[b], 0)) / xs.reduce((t, s) => t + s.targets, 0);
    const draws = Array.from({ length: 1000 }, () => diff(sessions.map(() => sessions[Math.floor(random() * sessions.length)]))).sort((x, y) => x - y);
    return `${a} - ${b}: ${diff(sessions).toFixed(3)} [${draws[25].toFixed(3)}, ${draws[974].toFixed(3)}]`;
  };
  console.log(`  paired: ${paired('live', 'batch')}; ${paired('live', 'recent')}`);
  console.log(
    `  targets: ${coverage.purchases} purchases, ${targets - coverage.purchases} carts; ${coverage.withList} had a touched product with an item-to-item list; an item-to-item card held the target ${coverage.relatedHit} times`,
  );
};
