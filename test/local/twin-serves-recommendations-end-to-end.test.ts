/**
 * The whole local twin on a small generated data set: broker, sink, the real
 * ingest, the three Spark jobs, the loader and the server, then the API asked
 * over HTTP — with a token from the twin's sign-in provider — for a user's
 * top-3 and an analytics document.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ANALYTICS_DOCUMENTS, API_ROUTES, LAKE, SERVING_TABLE, type UserRecommendations } from '../../contract';
import { runPipeline, type TwinRun } from '../../local/pipeline/run';
import { summaryLines } from '../../local/pipeline/summary';
import { signInOverHttp } from '../auth/sign-in';

const ROWS = 20_000;
let run: TwinRun;
let token: string;
const workDir = mkdtempSync(join(tmpdir(), 'recstream-twin-'));

before(async () => {
  // One ALS fit instead of the settings search keeps the run to a few minutes on 2 cores.
  run = await runPipeline({ rows: ROWS, seed: 'e2e', workDir, recommendArgs: ['--grid', 'none'], print: (line) => console.log(`# ${line}`) });
  for (const line of summaryLines(run.summary, run.url)) console.log(`# ${line}`);
  ({ accessToken: token } = await signInOverHttp(run.identity, run.url));
});

after(async () => {
  await run?.stop();
});

const getJson = async (path: string, authorization = `Bearer ${token}`) => {
  const response = await fetch(`${run.url}${path}`, { headers: { authorization } });
  return { status: response.status, body: (await response.json()) as unknown };
};

test('every generated row is read, produced and landed in the lake', () => {
  const { ingest, sink } = run.summary;
  assert.equal(ingest.read, ROWS);
  assert.equal(ingest.produced + ingest.rejected, ROWS);
  assert.equal(sink.rows, ingest.produced, 'a clean run lands each produced row once');
  assert.ok(sink.objects >= 1);
  assert.ok(existsSync(join(run.summary.lake, LAKE.cleanReportKey)), 'clean report written');
});

test('the API returns three recommendations for a user with personal ones (ALS or repeat)', async () => {
  const [user] = run.summary.exampleUsers;
  assert.ok(user, 'the recommend job produced personal recommendations for some user');
  const { status, body } = await getJson(API_ROUTES.recommendations.replace('{userId}', user));
  assert.equal(status, 200);
  const item = body as UserRecommendations;
  assert.equal(item.user_id, user);
  assert.equal(item.recommendations.length, SERVING_TABLE.topK);
  for (const product of item.recommendations) assert.match(product.product_id, /^\d{19}$/);
  assert.ok(run.summary.load.users > 0);
});

test('the API turns away a request without the sign-in token', async () => {
  const { status } = await getJson(API_ROUTES.analytics.replace('{name}', 'summary'), '');
  assert.equal(status, 401);
});

test('the API serves the analytics documents the analyse job wrote', async () => {
  for (const name of ANALYTICS_DOCUMENTS) {
    const { status } = await getJson(API_ROUTES.analytics.replace('{name}', name));
    assert.equal(status, 200, name);
  }
  const { body } = await getJson(API_ROUTES.analytics.replace('{name}', 'summary'));
  assert.ok((body as { orders: number }).orders > 0);
});

test('the site is served from the same origin', async () => {
  const response = await fetch(`${run.url}/`);
  assert.equal(response.status, 200);
  assert.match(await response.text(), /<div id="root">|<script/);
});
