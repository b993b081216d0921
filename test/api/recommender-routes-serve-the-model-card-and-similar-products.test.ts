/**
 * Issue 21: the recommend job's model card, run history and item-to-item shards in an S3-protocol bucket,
 * served by the deployed API handler and by the twin's server in front of it (same bytes): the latest run in
 * full with every run of the history, a product's list from its shard, 400 for an id that is not one, 404
 * before the job ran and for a product without a list, and a 500 (cause logged) when the history names a run
 * whose record is missing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { API_ROUTES, LAKE, LAMBDA_ENV, PRODUCT_ID_RULE, type ProductSimilar, type RecommenderModelResponse } from '../../contract';
import { TWIN_AWS } from '../../local/aws/servers';
import { isApiPath } from '../../lambdas/api/router';
import { startLocalServer, type LocalServer } from '../../local/server/server';
import { startTestAws, type TestAws } from './aws-servers';
import { apiGatewayEvent, loadLambdaHandler, normalise, type Answer } from './harness';
import { PRODUCT_WITHOUT_LIST, recommenderSeedObjects, SEED_RECOMMENDER_HISTORY, SEED_RECOMMENDER_RUNS, SEED_SIMILAR } from './seed-recommender';

const similarPath = (id: string) => API_ROUTES.similarProducts.replace('{productId}', id);

let aws: TestAws;
let api: ReturnType<typeof loadLambdaHandler>;
let server: LocalServer;
let webDir: string;
let s3: S3Client;

const viaLambda = async (path: string): Promise<Answer> => {
  const r = await api.handler(apiGatewayEvent('GET', path, `req-${path}`));
  return { status: r.statusCode ?? 0, headers: (r.headers ?? {}) as Record<string, string>, body: r.body ?? '' };
};
const viaTwin = async (path: string): Promise<Answer> => {
  const r = await fetch(server.url + path);
  return { status: r.status, headers: Object.fromEntries(r.headers), body: await r.text() };
};
/** The Lambda's answer, after checking the twin's server answers the same (request ids aside). */
const get = async (path: string): Promise<Answer & { json: any }> => {
  const [lambda, twin] = await Promise.all([viaLambda(path), viaTwin(path)]);
  assert.deepEqual(normalise(twin), normalise(lambda), `the twin answers ${path} as the Lambda does`);
  return { ...lambda, json: JSON.parse(lambda.body) };
};
const put = (key: string, doc: unknown) => s3.send(new PutObjectCommand({ Bucket: TWIN_AWS.lakeBucket, Key: key, Body: JSON.stringify(doc) }));

before(async () => {
  aws = await startTestAws();
  s3 = new S3Client({});
  process.env[LAMBDA_ENV.tableName] = TWIN_AWS.tableName;
  process.env[LAMBDA_ENV.lakeBucket] = TWIN_AWS.lakeBucket;
  delete process.env[LAMBDA_ENV.allowedOrigin];
  api = loadLambdaHandler();
  webDir = mkdtempSync(join(tmpdir(), 'recstream-web-'));
  // The twin's mode: the server invokes the deployed handler with the event API Gateway would send.
  server = await startLocalServer({ lambda: api.handler, webDir, runtimeConfig: { apiUrl: '', auth: null } });
});
after(async () => {
  await server?.close();
  await aws?.stop();
  rmSync(webDir, { recursive: true, force: true });
});

it('the twin’s server takes both for API paths, so its token check runs before them, as API Gateway’s authorizer does', () => {
  assert.ok(isApiPath(API_ROUTES.recommenderModel));
  assert.ok(isApiPath(similarPath('1515966223509089906')));
});

describe('before the recommend job has run', () => {
  it('the model card is 404 not_computed', async () => {
    const r = await get(API_ROUTES.recommenderModel);
    assert.equal(r.status, 404);
    assert.equal(r.json.error, 'not_computed');
    assert.match(r.json.message, /recommend job/);
    assert.equal(r.headers['cache-control'], 'no-store');
  });

  it('a product’s similar products are 404 not_computed', async () => {
    const r = await get(similarPath(SEED_SIMILAR[0].product_id));
    assert.equal(r.status, 404);
    assert.equal(r.json.error, 'not_computed');
  });
});

describe('after a run', () => {
  before(async () => {
    for (const [key, doc] of Object.entries(recommenderSeedObjects())) await put(key, doc);
  });

  it('GET /model/recommendations answers the latest run’s record in full and every run of the history', async () => {
    const r = await get(API_ROUTES.recommenderModel);
    assert.equal(r.status, 200);
    const body = r.json as RecommenderModelResponse;
    assert.deepEqual(body.latest, SEED_RECOMMENDER_RUNS.at(-1), 'the record under runs/ of the history’s last run, as the job wrote it');
    assert.deepEqual(body.history, SEED_RECOMMENDER_HISTORY.runs);
    assert.equal(r.headers['cache-control'], 'private, max-age=300');
  });

  it('GET /products/{id}/similar answers the product’s list from its shard, ids beyond 2^53 intact', async () => {
    for (const list of SEED_SIMILAR) {
      const r = await get(similarPath(list.product_id));
      assert.equal(r.status, 200, list.product_id);
      assert.deepEqual(r.json as ProductSimilar, list);
      assert.ok(r.body.includes(`"product_id":"${list.product_id}"`), 'the id as a string, not a rounded number');
    }
  });

  it('a product without a list is 404 no_similar_products, whether its shard exists or not', async () => {
    for (const id of [PRODUCT_WITHOUT_LIST, '1515966223509089899', '7']) {
      const r = await get(similarPath(id));
      assert.equal(r.status, 404, id);
      assert.equal(r.json.error, 'no_similar_products', id);
      assert.equal(r.json.message, `The latest recommend run lists no similar products for product ${id}.`);
    }
  });

  it('an id that is not 1 to 20 digits is 400 invalid_product_id', async () => {
    for (const id of ['12ab', '', '%E0%A4%A', '1'.repeat(21), '-5', '1%2F2']) {
      const r = await get(similarPath(id));
      assert.equal(r.status, 400, id);
      assert.deepEqual([r.json.error, r.json.message], ['invalid_product_id', PRODUCT_ID_RULE], id);
    }
  });

  it('a history whose latest run has no record is a 500 with the cause in the log, not a 404', async () => {
    const broken = { runs: [...SEED_RECOMMENDER_HISTORY.runs, { ...SEED_RECOMMENDER_HISTORY.runs[0], run_id: '20200803T030000Z-ffffff' }] };
    await put(LAKE.recommenderHistoryKey, broken);
    const logged: string[] = [];
    const original = console.error;
    console.error = (line: string) => void logged.push(line);
    try {
      const r = await viaLambda(API_ROUTES.recommenderModel);
      assert.equal(r.status, 500);
      assert.equal(JSON.parse(r.body).error, 'internal_error');
    } finally {
      console.error = original;
      await put(LAKE.recommenderHistoryKey, SEED_RECOMMENDER_HISTORY);
    }
    assert.ok(logged.some((l) => l.includes('20200803T030000Z-ffffff') && l.includes('serving/recommender/runs/')), logged.join('\n'));
  });

  it('a history run id that could leave the runs/ folder is never read as a key', async () => {
    await put(LAKE.recommenderHistoryKey, { runs: [{ ...SEED_RECOMMENDER_HISTORY.runs[0], run_id: '../../analytics/summary' }] });
    try {
      assert.equal((await viaLambda(API_ROUTES.recommenderModel)).status, 500);
    } finally {
      await put(LAKE.recommenderHistoryKey, SEED_RECOMMENDER_HISTORY);
    }
  });

  it('after the history is gone the routes say not computed again', async () => {
    await s3.send(new DeleteObjectCommand({ Bucket: TWIN_AWS.lakeBucket, Key: LAKE.recommenderHistoryKey }));
    try {
      assert.equal((await get(API_ROUTES.recommenderModel)).json.error, 'not_computed');
      assert.equal((await get(similarPath('1515966223509089899'))).json.error, 'not_computed');
    } finally {
      await put(LAKE.recommenderHistoryKey, SEED_RECOMMENDER_HISTORY);
    }
  });
});
