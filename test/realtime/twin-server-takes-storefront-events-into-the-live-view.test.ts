// The twin's local server mounts POST /events with the deployed collector handler: a storefront's good
// batch goes through it into the events topic and the streaming job's live view (read back through
// GET /live on the same server); a missing or wrong write key and a bad event are clear 4xx and land nothing.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { EVENTS_TOPIC, LAMBDA_ENV, type LiveView } from '../../contract';
import { lakeLiveStore } from '../../lambdas/api/live';
import { COLLECTOR_ROUTE } from '../../lambdas/collector/collect';
import type * as CollectorLambda from '../../lambdas/collector/handler';
import { hashWriteKey, WRITE_KEY_HEADER, WRITE_KEYS_ENV } from '../../lambdas/collector/write-keys';
import { endOffsets } from '../../local/realtime/caught-up';
import { folderLake } from '../../local/server/folder-lake';
import { startLocalServer, type LocalServer } from '../../local/server/server';
import { loadLocalServing } from '../../local/server/serving';
import { writeSeedLake } from '../api/seed';
import { WEB_DIST } from '../web/site';
import { startRealtimeTwin, waitFor, type RealtimeTwin } from './twin';

const KEY = 'wk_test_5c1d9e77';
let twin: RealtimeTwin;
let server: LocalServer;
let lake: string;

before(async () => {
  lake = writeSeedLake();
  twin = await startRealtimeTwin(lake);
  Object.assign(process.env, {
    [LAMBDA_ENV.kafkaBrokers]: twin.broker.bootstrap,
    [LAMBDA_ENV.kafkaAuth]: 'plaintext',
    [WRITE_KEYS_ENV]: JSON.stringify({ 'store-1': hashWriteKey(KEY) }),
  });
  // Loaded once its environment is set, as Lambda loads it (and as the twin's run does).
  const { handler } = require('../../lambdas/collector/handler') as typeof CollectorLambda;
  server = await startLocalServer({
    webDir: WEB_DIST,
    ...(await loadLocalServing(lake)),
    live: lakeLiveStore(folderLake(lake)),
    runtimeConfig: { apiUrl: '', auth: null },
    collector: handler,
  });
  await twin.startJob();
});
after(async () => {
  await server?.close();
  await twin?.stop();
  if (lake) rmSync(lake, { recursive: true, force: true });
});

const event = (i: number, extra: Record<string, string> = {}) => ({
  event_time: `2026-11-27T10:0${i % 10}:00Z`,
  event_type: i % 3 === 0 ? 'cart' : 'view',
  product_id: String(2_000_000 + i),
  category_id: '2053013552226107603',
  category_code: 'electronics.smartphone',
  brand: 'acme',
  price: '199.99',
  user_id: String(500_000 + i),
  user_session: `s-${i}`,
  ...extra,
});

const post = async (body: unknown, headers: Record<string, string> = { [WRITE_KEY_HEADER]: KEY }) => {
  const response = await fetch(`${server.url}${COLLECTOR_ROUTE}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> & { rejected?: { index: number; reason: string }[] } };
};

const inTopic = async () => Object.values((await endOffsets(twin.broker.bootstrap, [EVENTS_TOPIC.name]))[EVENTS_TOPIC.name]).reduce((a, b) => a + b, 0);
const liveOverHttp = async (): Promise<LiveView | undefined> => {
  const response = await fetch(`${server.url}/live`);
  return response.status === 200 ? ((await response.json()) as LiveView) : undefined;
};

test('a good batch posted to the twin server lands in the events topic and in the live view served by GET /live', { timeout: 10 * 60_000 }, async () => {
  const answer = await post({ events: Array.from({ length: 12 }, (_, i) => event(i)) });
  assert.deepEqual([answer.status, answer.body.accepted], [202, 12]);
  assert.equal(await inTopic(), 12);
  const view = await waitFor('the live view to count the posted events', async () => {
    const current = await liveOverHttp();
    return current && Object.values(current.totals.events).reduce((a, b) => a + b, 0) === 12 ? current : undefined;
  }, 8 * 60_000);
  assert.deepEqual([view.totals.events.view, view.totals.events.cart], [8, 4]);
});

test('no write key is 401, a wrong one 403, a bad event 400 with its index and reason; nothing lands', async () => {
  const before = await inTopic();
  const missing = await post({ events: [event(1)] }, {});
  assert.deepEqual([missing.status, missing.body.error], [401, 'missing_write_key']);
  const wrong = await post({ events: [event(1)] }, { [WRITE_KEY_HEADER]: `${KEY}-not` });
  assert.deepEqual([wrong.status, wrong.body.error], [403, 'invalid_write_key']);
  const bad = await post({ events: [event(1), { ...event(2), price: 'free' }] });
  assert.deepEqual([bad.status, bad.body.error], [400, 'invalid_events']);
  assert.deepEqual(bad.body.rejected!.map((r) => [r.index, r.reason]), [[1, 'bad_price']]);
  const notJson = await post('{"events": [');
  assert.deepEqual([notJson.status, notJson.body.error], [400, 'malformed_json']);
  assert.equal(await inTopic(), before);
});

test('the route is POST only, as on the HTTP API (another method is not a route: 404)', async () => {
  const get = await fetch(`${server.url}${COLLECTOR_ROUTE}`);
  assert.equal(get.status, 404);
});
