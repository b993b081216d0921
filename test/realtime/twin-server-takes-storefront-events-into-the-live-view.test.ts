// The twin's local server mounts POST /events with the deployed collector handler: a storefront's good
// batch goes through it into the events topic and the streaming job's live view (read back through
// GET /live on the same server), its events' user agents and addresses counted by device and country;
// a missing or wrong write key and a bad event are clear 4xx and land nothing.
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

const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1';
const DESKTOP = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
const CRAWLER = 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)';
// Addresses whose registry allocation is public record (emr-jobs/tests/realtime/test_enrich_device_and_country.py).
const context = (i: number): Record<string, string> =>
  [
    { user_agent: PHONE, ip: '193.0.6.139' }, // RIPE NCC, NL
    { user_agent: PHONE, ip: '2001:200::1' }, // WIDE, JP
    { user_agent: DESKTOP, ip: '8.8.8.8' }, // US
    { user_agent: CRAWLER, ip: '192.0.2.1' }, // documentation block: no country
    { user_agent: DESKTOP }, // a user agent without an address
    {}, // neither, as every CSV event
  ][i % 6];

test('a good batch posted to the twin server lands in the events topic and in the live view served by GET /live, by device and country', { timeout: 10 * 60_000 }, async () => {
  const answer = await post({ events: Array.from({ length: 12 }, (_, i) => event(i, context(i))) });
  assert.deepEqual([answer.status, answer.body.accepted], [202, 12]);
  assert.equal(await inTopic(), 12);
  const view = await waitFor('the live view to count the posted events', async () => {
    const current = await liveOverHttp();
    return current && Object.values(current.totals.events).reduce((a, b) => a + b, 0) === 12 ? current : undefined;
  }, 8 * 60_000);
  assert.deepEqual([view.totals.events.view, view.totals.events.cart], [8, 4]);
  assert.deepEqual(view.by_device, [
    { device: 'desktop', events: 4 },
    { device: 'mobile', events: 4 },
    { device: 'bot', events: 2 },
  ]);
  assert.deepEqual(view.by_country, [
    { country: 'JP', events: 2 },
    { country: 'NL', events: 2 },
    { country: 'US', events: 2 },
    { country: 'unknown', events: 2 },
  ]);
});

test('no write key is 401, a wrong one 403, a bad event 400 with its index and reason; nothing lands', async () => {
  const before = await inTopic();
  const missing = await post({ events: [event(1)] }, {});
  assert.deepEqual([missing.status, missing.body.error], [401, 'missing_write_key']);
  const wrong = await post({ events: [event(1)] }, { [WRITE_KEY_HEADER]: `${KEY}-not` });
  assert.deepEqual([wrong.status, wrong.body.error], [403, 'invalid_write_key']);
  const bad = await post({ events: [event(1), { ...event(2), price: 'free' }] });
  assert.deepEqual([bad.status, bad.body.error], [400, 'invalid_events']);
  assert.deepEqual(bad.body.rejected!.map((r) => [r.index, r.reason]), [[1, 'invalid_price']]);
  const badContext = await post({ events: [event(1, { ip: '300.1.2.3' }), event(2, { user_agent: 'x'.repeat(513) }), event(3, { ip: '2001:200::1' })] });
  assert.deepEqual(badContext.body.rejected!.map((r) => [r.index, r.reason]), [[0, 'invalid_ip'], [1, 'invalid_user_agent']]);
  const notJson = await post('{"events": [');
  assert.deepEqual([notJson.status, notJson.body.error], [400, 'malformed_json']);
  assert.equal(await inTopic(), before);
});

test('the route is POST only, as on the HTTP API (another method is not a route: 404)', async () => {
  const get = await fetch(`${server.url}${COLLECTOR_ROUTE}`);
  assert.equal(get.status, 404);
});
