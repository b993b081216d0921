/**
 * Issue 15.6: the behaviour jobs' real output (the committed golden, test/api/behaviour-golden.ts) in an
 * S3-protocol bucket, loaded by the deployed loader into a DynamoDB-protocol table, served by the deployed
 * API handler: every number answered is the jobs' own, checked against the files themselves (Spark's
 * counts, the categories job's lines), and a customer's history exports as CSV with the same sessions.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  BEHAVIOUR_LAKE,
  BEHAVIOUR_SERVING,
  CUSTOMER_SESSION_COLUMNS,
  LAMBDA_ENV,
  type CustomerBehaviourResponse,
  type IntentResponse,
  type SessionMetricsResponse,
} from '../../contract';
import { loadBehaviour } from '../../lambdas/shared/serving/behaviour-load';
import { dynamoBehaviourWriter } from '../../lambdas/shared/serving/behaviour-dynamodb';
import { s3Lake } from '../../lambdas/shared/serving/lake';
import { TWIN_AWS } from '../../local/aws/servers';
import { startTestAws, type TestAws } from './aws-servers';
import { BEHAVIOUR_GOLDEN, goldenIntent, goldenStaleness, REGENERATE } from './behaviour-golden';
import { apiGatewayEvent, loadLambdaHandler } from './harness';

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
const golden = (key: string) => JSON.parse(readFileSync(join(BEHAVIOUR_GOLDEN, key), 'utf8'));
/** The categories job's lines, read here as plain JSON: the truth the served lists are checked against. */
const categoryLines = (): Array<{ user_id: string; categories: Array<{ category_id: string; category_code: string | null; affinity: number | null }> }> =>
  filesUnder(join(BEHAVIOUR_GOLDEN, BEHAVIOUR_LAKE.topCategoriesPrefix))
    .filter((f) => /part-[^/]*\.json$/.test(f))
    .flatMap((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)));

let aws: TestAws;
let api: ReturnType<typeof loadLambdaHandler>;
const get = async (path: string) => {
  const [rawPath, rawQueryString = ''] = path.split('?');
  const answer = await api.handler({ ...apiGatewayEvent('GET', rawPath, `req-${path}`), rawQueryString });
  return { status: answer.statusCode, headers: answer.headers ?? {}, body: answer.body ?? '' };
};

before(async () => {
  const stale = goldenStaleness();
  assert.equal(stale, undefined, `the behaviour golden is stale (${stale}): regenerate it with ${REGENERATE}`);
  aws = await startTestAws();
  const s3 = new S3Client({});
  for (const file of filesUnder(BEHAVIOUR_GOLDEN).filter((f) => !f.endsWith('README.md'))) {
    await s3.send(new PutObjectCommand({ Bucket: TWIN_AWS.lakeBucket, Key: relative(BEHAVIOUR_GOLDEN, file), Body: readFileSync(file) }));
  }
  process.env[LAMBDA_ENV.tableName] = TWIN_AWS.tableName;
  process.env[LAMBDA_ENV.lakeBucket] = TWIN_AWS.lakeBucket;
  api = loadLambdaHandler();
});
after(() => aws?.stop());

describe('the behaviour output through the loader and the API', () => {
  it('loads one item per customer and session metrics that agree with the sessions job', async () => {
    const report = await loadBehaviour(s3Lake(new S3Client({}), TWIN_AWS.lakeBucket), dynamoBehaviourWriter(DynamoDBDocumentClient.from(new DynamoDBClient({})), TWIN_AWS.tableName));
    const sessionsReport = golden(BEHAVIOUR_LAKE.sessionsReportKey);
    assert.equal(report.invalid, 0, JSON.stringify(report.invalidSamples));
    assert.equal(report.sessions, sessionsReport.sessions, "every row of the session table, as many as Spark's report counts");
    assert.ok(report.customers >= categoryLines().length);

    const answer = await get('/behaviour/sessions');
    assert.equal(answer.status, 200);
    const body = JSON.parse(answer.body) as SessionMetricsResponse;
    assert.deepEqual(body.report, sessionsReport);
    assert.equal(body.metrics?.sessions, sessionsReport.sessions);
    assert.equal(body.metrics?.purchasing_sessions, sessionsReport.purchasing_sessions);
    assert.equal(body.metrics!.events_histogram.reduce((a, b) => a + b.sessions, 0), sessionsReport.sessions);
    assert.ok(body.metrics!.duration_seconds.median <= body.metrics!.duration_seconds.p90);
  });

  it('serves the funnel document as the funnel job wrote it', async () => {
    const answer = await get('/behaviour/funnel');
    assert.equal(answer.status, 200);
    assert.deepEqual(JSON.parse(answer.body), golden(BEHAVIOUR_LAKE.funnelKey));
  });

  it('serves the models card: the served run record (or none), the latest run when it differs, the history and the categories evaluation', async () => {
    const answer = await get('/behaviour/intent');
    assert.equal(answer.status, 200);
    const body = JSON.parse(answer.body) as IntentResponse;
    const history = golden(BEHAVIOUR_LAKE.intentHistoryKey);
    const { servedRun, latestRun } = goldenIntent();
    assert.equal(body.served_run, servedRun);
    assert.equal(body.served_abandonment_run, history.served_abandonment_run ?? null);
    assert.deepEqual(body.runs, history.runs);
    assert.deepEqual(body.categories, golden(BEHAVIOUR_LAKE.topCategoriesMetricsKey));
    const record = (run: string) => golden(`${BEHAVIOUR_LAKE.intentModelsPrefix}${run}/run.json`);
    assert.deepEqual(body.latest_run, latestRun === servedRun ? null : record(latestRun));
    if (servedRun === null) {
      assert.equal(body.run, null);
      return;
    }
    assert.deepEqual(body.run, record(servedRun));
    const c = body.run!.test!.chosen.confusion!;
    assert.equal(c.tp + c.fp + c.fn + c.tn, body.run!.test!.chosen.rows, 'the confusion counts cover the test window');
    assert.equal(body.run!.feature_importances!.by_feature.length, body.run!.features.length);
    assert.ok(body.run!.quality!.skill, 'a served run has skill over its baselines');
  });

  it("answers a customer's top categories exactly as the categories job ranked them, with their sessions", async () => {
    const lines = categoryLines();
    let withSessions = 0;
    for (const line of lines.slice(0, 25)) {
      const answer = await get(`/users/${line.user_id}/behaviour`);
      assert.equal(answer.status, 200);
      const body = JSON.parse(answer.body) as CustomerBehaviourResponse;
      assert.equal(body.known, true);
      assert.deepEqual(body.top_categories, line.categories.slice(0, BEHAVIOUR_SERVING.topCategories));
      assert.ok(body.recent_sessions.length <= Math.min(body.sessions_total, BEHAVIOUR_SERVING.recentSessions));
      const starts = body.recent_sessions.map((s) => s.start);
      assert.deepEqual(starts, [...starts].sort().reverse(), 'newest first');
      if (body.sessions_total > 0) withSessions++;
    }
    assert.ok(withSessions > 0, 'customers with categories have sessions');
  });

  it('exports a customer as CSV with the same sessions and categories, and refuses other formats and bad ids', async () => {
    const userId = categoryLines()[0].user_id;
    const json = JSON.parse((await get(`/users/${userId}/behaviour`)).body) as CustomerBehaviourResponse;
    const csv = await get(`/users/${userId}/behaviour?format=csv`);
    assert.equal(csv.status, 200);
    assert.match(String(csv.headers['content-type']), /^text\/csv/);
    assert.match(String(csv.headers['content-disposition']), new RegExp(`attachment; filename="customer-${userId}-behaviour.csv"`));
    const [sessions, categories] = csv.body.split('\r\n\r\n');
    const sessionRows = sessions.split('\r\n').filter(Boolean);
    assert.equal(sessionRows[0], ['user_id', ...CUSTOMER_SESSION_COLUMNS].join(','));
    assert.deepEqual(sessionRows.slice(1), json.recent_sessions.map((s) => [userId, ...CUSTOMER_SESSION_COLUMNS.map((c) => String(s[c]))].join(',')));
    const categoryRows = categories.split('\r\n').filter(Boolean);
    assert.equal(categoryRows.length, 1 + json.top_categories.length);
    assert.equal((await get(`/users/${userId}/behaviour?format=xml`)).status, 400);
    assert.equal((await get('/users/12ab/behaviour')).status, 400);
  });

  it('answers an id without events as unknown, with nothing made up', async () => {
    const body = JSON.parse((await get('/users/1/behaviour')).body) as CustomerBehaviourResponse;
    assert.deepEqual(body, { user_id: '1', known: false, top_categories: [], recent_sessions: [], sessions_total: 0 });
  });
});
