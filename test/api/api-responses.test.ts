/**
 * Every response of the recommendation API, through the Lambda handler (API
 * Gateway v2 events) and through the local HTTP server (real HTTP on
 * loopback), which must answer identically.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ANALYTICS_DOCUMENTS, SERVING_TABLE, USER_ID_RULE, type RecommendedProduct } from '../../contract';
import type { RecommendationStore } from '../../lambdas/shared/serving/ports';
import { MemoryRecommendationStore } from '../../local/server/memory-store';
import { loadLocalServing } from '../../local/server/serving';
import { bothWays, counting, ORIGIN, type Answer, type BothWays, normalise } from './harness';
import { SEED_ANALYTICS, SEED_FALLBACK, SEED_USERS, UNKNOWN_USER, writeSeedLake } from './seed';

const emptySite = mkdtempSync(join(tmpdir(), 'recstream-empty-site-'));

/** Asserts both paths agree and returns the (Lambda) answer with its body parsed. */
const same = async (api: BothWays, method: string, path: string) => {
  const [viaLambda, viaHttp] = await Promise.all([api.lambda(method, path), api.http(method, path)]);
  assert.deepEqual(normalise(viaHttp), normalise(viaLambda), `${method} ${path}: Lambda and local server differ`);
  return { ...viaLambda, json: viaLambda.body ? JSON.parse(viaLambda.body) : undefined };
};

const assertNoInternals = (a: Answer) => assert.doesNotMatch(a.body, /at .*\(|\.ts:\d+|Error:|stack/i, 'response leaks internals');

describe('recommendation API (Lambda handler and local server)', () => {
  let lake: string;
  let api: BothWays;
  let lookups: string[];

  before(async () => {
    lake = writeSeedLake();
    const serving = await loadLocalServing(lake);
    const c = counting(serving.recommendations);
    lookups = c.keys;
    api = await bothWays({ recommendations: c.store, analytics: serving.analytics }, emptySite);
  });
  after(async () => {
    await api.close();
    rmSync(lake, { recursive: true, force: true });
  });

  it('GET /health answers 200 ok, never cached', async () => {
    const r = await same(api, 'GET', '/health');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { status: 'ok' });
    assert.equal(r.headers['cache-control'], 'no-store');
  });

  it('a known user gets their top 3 with product details and the source, with CORS and a short private cache', async () => {
    const user = SEED_USERS[0];
    const r = await same(api, 'GET', `/users/${user.user_id}/recommendations`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { user_id: user.user_id, source: 'repeat', known: true, personalized: true, recommendations: user.recommendations });
    assert.deepEqual(r.json.recommendations.map((p: RecommendedProduct) => p.times_bought ?? null), [13, null, null], 'a repeat says how many units were bought');
    assert.equal(r.json.recommendations.length, SERVING_TABLE.topK);
    assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(r.headers['cache-control'], 'private, max-age=60');
    assert.equal(r.headers['access-control-allow-origin'], ORIGIN);
    assert.match(r.headers['x-request-id'], /^apigw-\d+$/);
  });

  it('a known customer whose list holds nothing personal is known but not personalized', async () => {
    const [, repeats, bestSellers] = SEED_USERS;
    const r = await same(api, 'GET', `/users/${repeats.user_id}/recommendations`);
    assert.deepEqual([r.json.source, r.json.known, r.json.personalized], ['repeat', true, true]);
    const popular = await same(api, 'GET', `/users/${bestSellers.user_id}/recommendations`);
    assert.equal(popular.status, 200);
    assert.deepEqual([popular.json.source, popular.json.known, popular.json.personalized], ['popular', true, false]);
  });

  it('an id no customer has in the data is answered as unknown: the fallback list, known false, with 200', async () => {
    const r = await same(api, 'GET', `/users/${UNKNOWN_USER}/recommendations`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { user_id: UNKNOWN_USER, source: 'fallback', known: false, personalized: false, recommendations: SEED_FALLBACK.recommendations });
  });

  it('items stored without their own source: the first carries the list\'s, the others none (no reason is made up)', async () => {
    const legacy = SEED_USERS[3];
    const r = await same(api, 'GET', `/users/${legacy.user_id}/recommendations`);
    assert.deepEqual(
      r.json.recommendations.map((p: RecommendedProduct) => p.source),
      ['als', undefined, undefined],
    );
    assert.equal(r.json.personalized, true);
  });

  it('malformed ids get 400 with the rule, and no store lookup', async () => {
    const before = lookups.length;
    for (const bad of ['', 'abc', '12a', '123456789012345678901', '-1', '%20', '1.5', '%E0%A4%A', '..%2F..%2Fetc']) {
      const r = await same(api, 'GET', `/users/${bad}/recommendations`);
      assert.equal(r.status, 400, bad);
      assert.equal(r.json.error, 'invalid_user_id');
      assert.equal(r.json.message, USER_ID_RULE);
      assert.equal(r.json.requestId, r.headers['x-request-id']);
      assert.equal(r.headers['cache-control'], 'no-store');
    }
    assert.equal(lookups.length, before);
  });

  it('every analytics document is served as stored, with a longer cache; unknown names get 404', async () => {
    for (const name of ANALYTICS_DOCUMENTS) {
      const r = await same(api, 'GET', `/analytics/${name}`);
      assert.equal(r.status, 200, name);
      assert.deepEqual(r.json, SEED_ANALYTICS[name]);
      assert.equal(r.headers['cache-control'], 'private, max-age=300');
    }
    const unknown = await same(api, 'GET', '/analytics/secrets');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.error, 'unknown_document');
  });

  it('unknown routes get a JSON 404, other methods 405, HEAD no body, OPTIONS a CORS preflight', async () => {
    assert.equal((await same(api, 'GET', '/users/1/orders')).status, 404);
    assert.equal((await same(api, 'GET', '/users')).status, 404);
    const post = await same(api, 'POST', '/health');
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, 'GET, HEAD, OPTIONS');
    const head = await same(api, 'HEAD', `/users/${SEED_USERS[0].user_id}/recommendations`);
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    const preflight = await same(api, 'OPTIONS', `/users/${SEED_USERS[0].user_id}/recommendations`);
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], ORIGIN);
    assert.match(preflight.headers['access-control-allow-headers'], /authorization/);
  });

  it('a named API Gateway stage is stripped from the path', async () => {
    const r = await api.lambda('GET', '/prod/health', 'prod');
    assert.equal(r.status, 200);
  });
});

describe('one key lookup per recommendations request', () => {
  it('known users cost one lookup; the fallback is looked up once, then served from memory', async () => {
    const lake = writeSeedLake();
    const serving = await loadLocalServing(lake);
    const c = counting(serving.recommendations);
    const api = await bothWays({ recommendations: c.store, analytics: serving.analytics }, emptySite);
    try {
      await api.lambda('GET', `/users/${SEED_USERS[0].user_id}/recommendations`);
      assert.deepEqual(c.keys, [SEED_USERS[0].user_id]);
      c.keys.length = 0;
      await api.lambda('GET', `/users/${UNKNOWN_USER}/recommendations`);
      assert.deepEqual(c.keys, [UNKNOWN_USER, SERVING_TABLE.fallbackUserId], 'first miss loads the fallback');
      c.keys.length = 0;
      await api.lambda('GET', '/users/42/recommendations');
      assert.deepEqual(c.keys, ['42'], 'later misses use the cached fallback');
    } finally {
      await api.close();
      rmSync(lake, { recursive: true, force: true });
    }
  });
});

describe('failures', () => {
  it('a store that throws gives 500 with a generic message and the request id, and logs the cause', async () => {
    const logged: Record<string, unknown>[] = [];
    const broken: RecommendationStore = {
      get: async () => {
        throw new Error('ProvisionedThroughputExceededException: secret table arn:aws:dynamodb:eu-west-1:123:table/x');
      },
    };
    const api = await bothWays({ recommendations: broken, analytics: { get: async () => undefined } }, emptySite, (e) => logged.push(e));
    const originalError = console.error;
    console.error = () => {}; // the local server logs with the default logger; keep test output clean
    try {
      const r = await same(api, 'GET', `/users/${SEED_USERS[0].user_id}/recommendations`);
      assert.equal(r.status, 500);
      assert.equal(r.json.error, 'internal_error');
      assert.equal(r.json.requestId, r.headers['x-request-id']);
      assert.doesNotMatch(r.body, /Provisioned|arn:aws|secret/);
      assertNoInternals(r);
      assert.equal(logged.length, 1);
      assert.equal(logged[0].requestId, r.headers['x-request-id']);
      assert.match(String(logged[0].error), /ProvisionedThroughputExceeded/);
    } finally {
      console.error = originalError;
      await api.close();
    }
  });

  it('no fallback loaded yet: 503 with a clear message; a missing analytics document: 404', async () => {
    const api = await bothWays({ recommendations: new MemoryRecommendationStore(), analytics: { get: async () => undefined } }, emptySite);
    try {
      const r = await same(api, 'GET', `/users/${UNKNOWN_USER}/recommendations`);
      assert.equal(r.status, 503);
      assert.match(r.json.message, /run the pipeline/);
      const doc = await same(api, 'GET', '/analytics/summary');
      assert.equal(doc.status, 404);
      assert.equal(doc.json.error, 'not_computed');
    } finally {
      await api.close();
    }
  });
});
