/**
 * The whole local twin on a small generated data set: the S3 and DynamoDB
 * servers, broker, sink, the deployed ingest handler invoked by the upload's
 * S3 event, the three Spark jobs, the deployed loader and the server, then the
 * API asked over HTTP — with a token from the twin's sign-in provider — for a
 * user's top-3 and every analytics document, compared with what the jobs wrote.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  ANALYTICS_DOCUMENTS,
  analyticsKeyFor,
  API_ROUTES,
  ingestReportKeyFor,
  LAKE,
  quarantineKeyFor,
  LAMBDA_ENV,
  SERVING_TABLE,
  TOPIC,
  type LiveView,
  type RecommendationsResponse,
} from '../../contract';
import type { IngestReport } from '../../lambdas/ingest/ingest';
import { endOffsets, recordsBehind } from '../../local/realtime/caught-up';
import { TWIN_AWS, UPLOADS_PREFIX } from '../../local/aws/servers';
import { writeGenerated } from '../../local/generator/write';
import { runPipeline, type ServedRun } from '../../local/pipeline/run';
import { summaryLines } from '../../local/pipeline/summary';
import { signInOverHttp } from '../auth/sign-in';
import { waitFor } from '../realtime/twin';

const ROWS = 20_000;
let run: ServedRun;
let token: string;
const workDir = mkdtempSync(join(tmpdir(), 'recstream-twin-'));

before(async () => {
  // A purchases CSV alone runs only that data product (the behaviour one has its own end-to-end test);
  // one ALS fit instead of the settings search keeps the run to a few minutes on 2 cores.
  const csv = join(workDir, 'purchases.csv.gz');
  await writeGenerated({ rows: ROWS, seed: 'e2e' }, csv);
  run = await runPipeline({ csv, workDir, recommendArgs: ['--selection-windows', '2'], realtime: true, print: (line) => console.log(`# ${line}`) });
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
  assert.ok(ingest && sink, 'the purchases data product ran');
  assert.equal(ingest.read, ROWS);
  assert.equal(ingest.produced + ingest.rejected, ROWS);
  assert.equal(sink.rows, ingest.produced + 1, "a clean run lands each produced row once, and the upload's completion record");
  assert.ok(sink.objects >= 1);
  const clean = JSON.parse(readFileSync(join(run.summary.lake, LAKE.cleanReportKey), 'utf8')) as {
    input_rows: number;
    quarantined: Record<string, number>;
    dropped: { redelivered_duplicate: number; merged_into_quantity: number };
    output: { line_items: number };
  };
  assert.equal(clean.input_rows, sink.rows - 1, 'the clean job read every landed row (the completion record is not one)');
  assert.equal(clean.dropped.redelivered_duplicate, 0, 'a clean run lands nothing twice');
  const quarantined = Object.values(clean.quarantined).reduce((a, b) => a + b, 0);
  assert.equal(quarantined + clean.dropped.merged_into_quantity + clean.output.line_items, clean.input_rows, 'every row accounted for');
});

const s3 = () => new S3Client({});
const objectText = async (bucket: string, key: string): Promise<string | undefined> => {
  try {
    return await (await s3().send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString();
  } catch (error) {
    if (error instanceof NoSuchKey) return undefined;
    throw error;
  }
};

test("the upload's S3 event ran the ingest Lambda, whose report and rejected rows lie beside the upload", async () => {
  const { bucket, key } = run.summary.upload!;
  assert.equal(bucket, TWIN_AWS.landingBucket);
  assert.deepEqual(JSON.parse((await objectText(bucket, ingestReportKeyFor(key)))!), run.summary.ingest);
  const rejected = (await objectText(bucket, quarantineKeyFor(key)))!;
  assert.equal(rejected.split('\n').filter(Boolean).length, run.summary.ingest!.rejected);
});

test('the API serves a personal top-3 from the serving table the loader filled', async () => {
  const [user] = run.summary.exampleUsers.users;
  assert.ok(user, 'the recommend job produced personal recommendations for some user');
  const { status, body } = await getJson(API_ROUTES.recommendations.replace('{userId}', user));
  assert.equal(status, 200);
  const answer = body as RecommendationsResponse;
  assert.equal(answer.user_id, user);
  assert.equal(answer.personalized, true);
  assert.ok(answer.source === 'als' || answer.source === 'repeat', answer.source);
  assert.equal(answer.recommendations.length, SERVING_TABLE.topK);
  assert.equal(new Set(answer.recommendations.map((p) => p.product_id)).size, SERVING_TABLE.topK, 'three different products');
  for (const product of answer.recommendations) assert.match(product.product_id, /^\d{19}$/);
  const { Item } = await DynamoDBDocumentClient.from(new DynamoDBClient({})).send(
    new GetCommand({ TableName: TWIN_AWS.tableName, Key: { [SERVING_TABLE.partitionKey]: user } }),
  );
  assert.deepEqual(answer.recommendations.map((p) => p.product_id), (Item!.recommendations as { product_id: string }[]).map((p) => p.product_id));
  assert.ok(run.summary.load!.loaded > 0);
  assert.equal(run.summary.load!.invalid, 0);
  assert.equal(run.summary.load!.fallback, 'loaded');
});

test('the API turns away a request without the sign-in token', async () => {
  const { status } = await getJson(API_ROUTES.analytics.replace('{name}', 'summary'), '');
  assert.equal(status, 401);
});

test('the API serves each analytics document exactly as the analyse job wrote it', async () => {
  for (const name of ANALYTICS_DOCUMENTS) {
    const { status, body } = await getJson(API_ROUTES.analytics.replace('{name}', name));
    assert.equal(status, 200, name);
    assert.deepEqual(body, JSON.parse(readFileSync(join(run.summary.lake, analyticsKeyFor(name)), 'utf8')), name);
  }
  const { body } = await getJson(API_ROUTES.analytics.replace('{name}', 'summary'));
  assert.ok((body as { orders: number }).orders > 0);
});

test('while serving, a file put into the landing bucket is ingested as on AWS', async () => {
  const key = `${UPLOADS_PREFIX}later upload.csv`;
  const csv = ['event_time,order_id,product_id,category_id,category_code,brand,price,user_id',
    '2020-04-28 04:25:00 UTC,2297034737199350540,1515966223509719628,2268105635507732512,,,6.94,1515915625447779982',
    'not,a,row'].join('\n');
  await s3().send(new PutObjectCommand({ Bucket: TWIN_AWS.landingBucket, Key: key, Body: `${csv}\n` }));
  let report: string | undefined;
  for (let waited = 0; report === undefined && waited < 30_000; waited += 200) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    report = await objectText(TWIN_AWS.landingBucket, ingestReportKeyFor(key));
  }
  assert.ok(report, 'the ingest report appeared beside the upload');
  const parsed = JSON.parse(report) as IngestReport;
  assert.equal(parsed.status, 'ok');
  assert.deepEqual([parsed.read, parsed.produced, parsed.rejected], [2, 1, 1]);
  assert.equal((await objectText(TWIN_AWS.landingBucket, quarantineKeyFor(key)))!.split('\n').filter(Boolean).length, 1);
});

test('the site is served from the same origin', async () => {
  const response = await fetch(`${run.url}/`);
  assert.equal(response.status, 200);
  assert.match(await response.text(), /<div id="root">|<script/);
});

test("while serving, the streaming job keeps GET /live current and POST /events takes a storefront's event into it", { timeout: 5 * 60_000 }, async () => {
  const collector = run.summary.collector;
  assert.ok(collector, 'the summary gives the storefront route and write key');
  const event = { event_time: '2026-11-27T10:00:00Z', event_type: 'view', product_id: '1', price: '1.00', user_id: '7', user_session: 's-twin', user_agent: 'curl/8.5.0', ip: '193.0.6.139' };
  const post = (key?: string) =>
    fetch(`${run.url}${collector.route}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(key ? { [collector.header]: key } : {}) }, body: JSON.stringify({ events: [event] }) });
  assert.equal((await post()).status, 401);
  assert.equal((await post(collector.writeKey)).status, 202);
  const ends = await endOffsets(process.env[LAMBDA_ENV.kafkaBrokers]!);
  const view = await waitFor(
    'GET /live to show every record in the topics',
    async () => {
      const { status, body } = await getJson(API_ROUTES.live);
      return status === 200 && recordsBehind(body as LiveView, ends) === 0 ? (body as LiveView) : undefined;
    },
    4 * 60_000,
  );
  const purchases = Object.values(ends[TOPIC.name]).reduce((a, b) => a + b, 0);
  assert.equal(view.totals.order_lines + view.totals.unreadable, purchases, 'every purchases record counted: order lines, and completion records as unreadable');
  assert.deepEqual(view.totals.events, { view: 1, cart: 0, remove_from_cart: 0, purchase: 0 });
  assert.deepEqual([view.by_device, view.by_country], [[{ device: 'bot', events: 1 }], [{ country: 'NL', events: 1 }]]);
});
