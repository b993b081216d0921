// The twin's local server mounts POST /events with the deployed collector handler: a storefront's good
// batch goes through it into the events topic and the streaming job's live view (read back through
// GET /live on the same server), its events' user agents and addresses counted by device and country;
// a missing or wrong write key and a bad event are clear 4xx and land nothing. Issue 24: a customer's events change
// their recommendations through GET /users/{id}/recommendations within seconds (the job writes their open session
// to the twin's DynamoDB-protocol server, the route blends it with the batch list), each live card's reason true.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { EVENTS_TOPIC, LAMBDA_ENV, liveReason, type LiveView, type RecommendationsResponse } from '../../contract';
import { liveRecommendations } from '../../lambdas/api/live-recommendations';
import { lakeLiveStore } from '../../lambdas/api/live';
import { COLLECTOR_ROUTE } from '../../lambdas/collector/collect';
import type * as CollectorLambda from '../../lambdas/collector/handler';
import { hashWriteKey, WRITE_KEY_HEADER, WRITE_KEYS_ENV } from '../../lambdas/collector/write-keys';
import { endOffsets } from '../../local/realtime/caught-up';
import { folderLake } from '../../local/server/folder-lake';
import { startLocalServer, type LocalServer } from '../../local/server/server';
import { loadLocalServing } from '../../local/server/serving';
import { SEED_USERS, writeSeedLake } from '../api/seed';
import { WEB_DIST } from '../web/site';
import { startRealtimeTwin, waitFor, type RealtimeTwin } from './twin';

const KEY = 'wk_test_5c1d9e77';
let twin: RealtimeTwin;
let server: LocalServer;
let lake: string;

before(async () => {
  lake = writeSeedLake();
  twin = await startRealtimeTwin(lake, { liveState: true });
  Object.assign(process.env, {
    [LAMBDA_ENV.kafkaBrokers]: twin.broker.bootstrap,
    [LAMBDA_ENV.kafkaAuth]: 'plaintext',
    [WRITE_KEYS_ENV]: JSON.stringify({ 'store-1': hashWriteKey(KEY) }),
  });
  // Loaded once its environment is set, as Lambda loads it (and as the twin's run does).
  const { handler } = require('../../lambdas/collector/handler') as typeof CollectorLambda;
  const serving = await loadLocalServing(lake);
  server = await startLocalServer({
    webDir: WEB_DIST,
    ...serving,
    liveRecommendations: liveRecommendations(twin.liveState!.activity, serving.recommender),
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

test("a customer's events change their recommendations within seconds, through the same route, with true reasons", { timeout: 10 * 60_000 }, async () => {
  const [customer, other] = SEED_USERS;
  const recommendations = async (userId: string) => (await (await fetch(`${server.url}/users/${userId}/recommendations`)).json()) as RecommendationsResponse;
  const before = await recommendations(customer.user_id);
  assert.equal(before.source, customer.source);
  assert.equal(before.as_of, undefined);
  const now = Math.floor(Date.now() / 1000) * 1000;
  const at = (secondsAgo: number) => new Date(now - secondsAgo * 1000).toISOString().replace('.000', '');
  const shopped = (event_type: string, product_id: string, category_code: string, brand: string, secondsAgo: number) => ({
    event_time: at(secondsAgo), event_type, product_id, category_id: '2053013552226107603', category_code, brand, price: '10.00', user_id: customer.user_id, user_session: 'live-24',
  });
  const posted = Date.now();
  const answer = await post({
    events: [
      shopped('view', '1515966223509104892', 'computers.notebook', 'lenovo', 150),
      shopped('cart', '1515966223509089906', 'electronics.smartphone', 'samsung', 70),
    ],
  });
  assert.equal(answer.status, 202);
  const live = await waitFor('the live list', async () => {
    const current = await recommendations(customer.user_id);
    return current.source === 'live' ? current : undefined;
  }, 5 * 60_000, 200);
  const seconds = (Date.now() - posted) / 1000;
  console.log(`# the live list was served ${seconds.toFixed(1)} s after the events were posted`);
  assert.ok(live.as_of && Date.parse(live.as_of) >= posted - 1000, `as_of ${live.as_of} is when the job wrote the session`);
  // The product carted (newest), then the cart's item-to-item list (the seed's bought-together kettle); the batch
  // list fills the third place (its repeat card is the carted product, already listed).
  assert.deepEqual(live.recommendations.map((c) => [c.product_id, c.source]), [
    ['1515966223509089906', 'live'],
    ['1515966223509089282', 'live'],
    [customer.recommendations[1].product_id, customer.recommendations[1].source],
  ]);
  const reasons = live.recommendations.filter((c) => c.live).map((c) => liveReason(c.live!, now));
  assert.deepEqual(reasons, [
    'Put in the cart 1 minute ago; not bought yet.',
    'Put in the cart 1 minute ago: product 1515966223509089906 (samsung, electronics.smartphone). Bought together with it in 4 orders.',
  ]);
  assert.equal(live.known, true);
  // Another customer, who did nothing just now, keeps the batch list.
  const untouched = await recommendations(other.user_id);
  assert.deepEqual([untouched.source, untouched.as_of], [other.source, undefined]);
});
