// The collector Lambda (POST /events) on a real broker: a good batch lands in the events topic; a
// missing or wrong write key, a bad event, a malformed or oversized body are clear 4xx and land nothing.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { EVENTS_TOPIC, LAMBDA_ENV } from '../../contract';
import { COLLECTOR_LIMITS } from '../../lambdas/collector/collect';
import { hashWriteKey, WRITE_KEY_HEADER, WRITE_KEYS_ENV } from '../../lambdas/collector/write-keys';
import type * as CollectorLambda from '../../lambdas/collector/handler';
import { ensureTopic, startBroker, type KafkaBroker } from '../../local/kafka/broker';
import { endOffsets } from '../../local/realtime/caught-up';

const KEY = 'wk_live_3f9a1c2e';
let broker: KafkaBroker;
let handler: typeof CollectorLambda.handler;

before(async () => {
  broker = await startBroker();
  await ensureTopic(broker.bootstrap, EVENTS_TOPIC);
  process.env[LAMBDA_ENV.kafkaBrokers] = broker.bootstrap;
  process.env[LAMBDA_ENV.kafkaAuth] = 'plaintext';
  process.env[WRITE_KEYS_ENV] = JSON.stringify({ 'store-1': hashWriteKey(KEY) });
  // Loaded once its environment is set, as Lambda loads it.
  ({ handler } = require('../../lambdas/collector/handler') as typeof CollectorLambda);
});
after(async () => broker?.stop());

const good = (i: number) => ({ event_time: '2026-11-27T10:00:00Z', event_type: 'view', product_id: String(1_000_000 + i), category_id: '2053013552226107603', category_code: 'electronics.smartphone', brand: 'acme', price: '199.99', user_id: '9007199254740993', user_session: 'b8f4c7e2-1' });

const post = async (body: unknown, headers: Record<string, string> = { [WRITE_KEY_HEADER]: KEY }) => {
  const event = { body: typeof body === 'string' ? body : JSON.stringify(body), headers, isBase64Encoded: false, requestContext: { requestId: 'req-1' } } as unknown as APIGatewayProxyEventV2;
  const response = await handler(event);
  return { status: response.statusCode, body: JSON.parse(response.body as string) };
};

const produced = async () => Object.values((await endOffsets(broker.bootstrap, [EVENTS_TOPIC.name]))[EVENTS_TOPIC.name]).reduce((a, b) => a + b, 0);

test('a good batch with the store key is accepted and every event lands in the events topic', async () => {
  const before = await produced();
  const answer = await post({ events: [good(1), good(2), good(3)] });
  assert.equal(answer.status, 202);
  assert.equal(answer.body.accepted, 3);
  assert.equal((await produced()) - before, 3);
});

test('no key is 401 and a wrong key 403, and nothing lands', async () => {
  const before = await produced();
  const missing = await post({ events: [good(1)] }, {});
  assert.deepEqual([missing.status, missing.body.error], [401, 'missing_write_key']);
  const wrong = await post({ events: [good(1)] }, { [WRITE_KEY_HEADER]: `${KEY}x` });
  assert.deepEqual([wrong.status, wrong.body.error], [403, 'invalid_write_key']);
  assert.equal(await produced(), before);
});

test('one bad event refuses the whole batch with each bad event and its reason, and nothing lands', async () => {
  const before = await produced();
  const answer = await post({ events: [good(1), { ...good(2), price: '-3' }, { ...good(3), event_time: 'yesterday' }, { ...good(4), user_id: null, user_session: '' }, 7] });
  assert.equal(answer.status, 400);
  assert.equal(answer.body.error, 'invalid_events');
  assert.deepEqual(
    answer.body.rejected.map((r: { index: number; reason: string }) => [r.index, r.reason]),
    [[1, 'invalid_price'], [2, 'invalid_event_time'], [3, 'missing_user_id_and_user_session'], [4, 'not_an_object']],
  );
  assert.equal(await produced(), before);
});

test('events stamped 9999 or before 1970, a price past the bound and control characters in text fields are refused by name', async () => {
  const before = await produced();
  const answer = await post({
    events: [
      { ...good(1), event_time: '9999-12-31T23:59:59Z' },
      { ...good(2), event_time: '1899-12-31 23:59:59 UTC' },
      { ...good(3), price: '9999999999.999999' },
      { ...good(4), user_session: 'sess\u0007ion-1' },
      { ...good(5), brand: 'ac\u0000me' },
      { ...good(6), category_code: 'electronics\u001b[31m' },
      { ...good(7), event_time: '2026-11-27T10:00:00.1234567Z' },
    ],
  });
  assert.equal(answer.status, 400);
  assert.deepEqual(
    answer.body.rejected.map((r: { index: number; reason: string }) => [r.index, r.reason]),
    [[0, 'out_of_range_event_time'], [1, 'out_of_range_event_time'], [2, 'invalid_price'], [3, 'invalid_user_session'], [4, 'invalid_brand'], [5, 'invalid_category_code']],
  );
  assert.equal(await produced(), before);
});

test('a body that is not JSON, has no events, or is too big is a clear 4xx', async () => {
  assert.deepEqual(Object.values(await post('{"events": [')).map((v) => (typeof v === 'object' ? v.error : v)), [400, 'malformed_json']);
  assert.equal((await post({ events: [] })).body.error, 'no_events');
  const many = await post({ events: Array.from({ length: COLLECTOR_LIMITS.maxEvents + 1 }, (_, i) => good(i)) });
  assert.deepEqual([many.status, many.body.error], [413, 'too_many_events']);
  const big = await post({ events: [{ ...good(1), brand: 'x'.repeat(COLLECTOR_LIMITS.maxBodyBytes) }] });
  assert.deepEqual([big.status, big.body.error], [413, 'body_too_large']);
});
