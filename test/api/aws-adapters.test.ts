/**
 * The AWS adapters and the deployed Lambda handlers against real S3- and
 * DynamoDB-protocol servers (s3rver, dynalite; local/aws/servers.ts): what
 * they store and read back over the wire, not which commands they build.
 * UnprocessedItems cannot be provoked from dynalite (it never throttles), so the
 * retry loop keeps its focused test with a throttling client in
 * load-recommendations.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { LAKE, LAMBDA_ENV, SERVING_TABLE, analyticsKeyFor, type UserRecommendations } from '../../contract';
import { dynamoRecommendationStore, dynamoRecommendationWriter } from '../../lambdas/shared/serving/dynamodb';
import { lakeAnalyticsStore, readText, s3Lake } from '../../lambdas/shared/serving/lake';
import { TWIN_AWS } from '../../local/aws/servers';
import { folderLake } from '../../local/server/folder-lake';
import { startLocalServer } from '../../local/server/server';
import { startTestAws, type TestAws } from './aws-servers';
import { apiGatewayEvent, loadLambdaHandler } from './harness';
import { SEED_ANALYTICS, SEED_USERS, UNKNOWN_USER, writeSeedLake } from './seed';
import type * as LoaderLambda from '../../lambdas/load-recommendations/handler';

let aws: TestAws;
before(async () => {
  aws = await startTestAws();
});
after(() => aws?.stop());

const bucket = TWIN_AWS.lakeBucket;
const put = (key: string, body: string | Buffer) => new S3Client({}).send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
const documents = () => DynamoDBDocumentClient.from(new DynamoDBClient({}));
const item = (userId: string) => documents().send(new GetCommand({ TableName: TWIN_AWS.tableName, Key: { [SERVING_TABLE.partitionKey]: userId } }));

describe('dynamoRecommendationWriter and dynamoRecommendationStore on a DynamoDB server', () => {
  it('stores every item across BatchWriteItem chunks and reads each back by its key', async () => {
    const users: UserRecommendations[] = Array.from({ length: 60 }, (_, i) => ({ ...SEED_USERS[i % SEED_USERS.length], user_id: String(1515915625000000000n + BigInt(i)) }));
    await dynamoRecommendationWriter(documents(), TWIN_AWS.tableName).write(users);
    const store = dynamoRecommendationStore(documents(), TWIN_AWS.tableName);
    for (const user of [users[0], users[24], users[25], users[59]]) assert.deepEqual(await store.get(user.user_id), user);
    assert.equal(await store.get(UNKNOWN_USER), undefined);
  });

  it('writes a key given twice in one batch once, the last write winning (DynamoDB refuses duplicates in a request)', async () => {
    const [first, second] = SEED_USERS;
    const twice = { ...second, user_id: first.user_id };
    await dynamoRecommendationWriter(documents(), TWIN_AWS.tableName).write([first, SEED_USERS[2], twice]);
    assert.deepEqual((await item(first.user_id)).Item, twice);
  });
});

describe('s3Lake on an S3 server', () => {
  it('lists every page under a prefix (more keys than one ListObjectsV2 page holds)', async () => {
    const prefix = 'paged/';
    const keys = Array.from({ length: 1005 }, (_, i) => `${prefix}k-${String(i).padStart(4, '0')}`);
    for (let i = 0; i < keys.length; i += 250) await Promise.all(keys.slice(i, i + 250).map((key) => put(key, 'x')));
    await put('paged-not/k', 'x');
    assert.deepEqual(await s3Lake(new S3Client({}), bucket).list(prefix), keys);
  });

  it('reads objects, gunzips .gz keys, and treats a missing key as absent', async () => {
    const lake = s3Lake(new S3Client({}), bucket);
    await put(`${LAKE.recommendationsPrefix}part-00001-a.json.gz`, gzipSync('b\n'));
    await put(analyticsKeyFor('summary'), JSON.stringify(SEED_ANALYTICS.summary));
    assert.equal(await readText(lake, `${LAKE.recommendationsPrefix}part-00001-a.json.gz`), 'b\n');
    assert.equal(await lake.open('serving/nothing.json'), undefined);
    assert.deepEqual(await lakeAnalyticsStore(lake).get('summary'), SEED_ANALYTICS.summary);
    assert.equal(await lakeAnalyticsStore(lake).get('top_brands'), undefined);
  });
});

describe('the deployed Lambdas on the servers', () => {
  it('the loader fills the table from the lake bucket and the API handler answers from it', async () => {
    const root = writeSeedLake(30);
    try {
      for (const key of await folderLake(root).list('')) await put(key, readFileSync(join(root, key)));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
    process.env[LAMBDA_ENV.tableName] = TWIN_AWS.tableName;
    process.env[LAMBDA_ENV.lakeBucket] = bucket;
    const loader = require('../../lambdas/load-recommendations/handler') as typeof LoaderLambda;
    const report = await loader.handler({ bucket });
    assert.equal(report.loaded, SEED_USERS.length + 30);
    assert.equal(report.fallback, 'loaded');
    assert.equal((await item(SERVING_TABLE.fallbackUserId)).Item?.source, 'fallback');

    const api = loadLambdaHandler();
    const user = SEED_USERS[1];
    const answer = await api.handler(apiGatewayEvent('GET', `/users/${user.user_id}/recommendations`, 'req-1'));
    assert.equal(answer.statusCode, 200);
    const body = JSON.parse(answer.body!) as { user_id: string; personalized: boolean; recommendations: unknown[] };
    assert.equal(body.user_id, user.user_id);
    assert.equal(body.personalized, true);
    assert.deepEqual(body.recommendations, user.recommendations);
    const summary = await api.handler(apiGatewayEvent('GET', '/analytics/summary', 'req-2'));
    assert.deepEqual(JSON.parse(summary.body!), SEED_ANALYTICS.summary);

    // The twin's server invokes that handler with the event API Gateway would build from the request.
    const server = await startLocalServer({ lambda: api.handler, webDir: tmpdir(), runtimeConfig: { apiUrl: '', auth: null } });
    try {
      for (const path of [`/users/${user.user_id}/recommendations`, `/users/${UNKNOWN_USER}/recommendations?x=1`, '/analytics/summary', '/analytics/nope', '/health']) {
        const http = await fetch(`${server.url}${path}`);
        const direct = await api.handler({ ...apiGatewayEvent('GET', path.split('?')[0], http.headers.get('x-request-id') ?? 'none'), rawQueryString: path.split('?')[1] ?? '' });
        assert.equal(http.status, direct.statusCode, path);
        assert.equal(await http.text(), direct.body, path);
        assert.equal(http.headers.get('content-type'), String(direct.headers?.['content-type']), path);
      }
    } finally {
      await server.close();
    }
  });
});
