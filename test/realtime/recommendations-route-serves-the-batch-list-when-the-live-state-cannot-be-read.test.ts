// Issue 24: with live lists configured, a live-state table that cannot be read (throttled, unreachable: here a
// port nobody listens on) costs the customer their live list, not their recommendations: the route answers 200 with
// the batch list and logs why, with the request id.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RecommendationsResponse } from '../../contract';
import { liveRecommendations } from '../../lambdas/api/live-recommendations';
import { cachedFallback, handleRequest } from '../../lambdas/api/router';
import { dynamoLiveActivityStore } from '../../lambdas/shared/serving/live-activity';
import { lakeAnalyticsStore } from '../../lambdas/shared/serving/lake';
import { lakeRecommenderDocuments } from '../../lambdas/shared/serving/recommender-documents';
import { folderLake } from '../../local/server/folder-lake';
import { MemoryRecommendationStore } from '../../local/server/memory-store';
import { SEED_USERS } from '../api/seed';

test('an unreadable live-state table serves the batch list (200) and logs why', async () => {
  const recommendations = new MemoryRecommendationStore();
  await recommendations.write(SEED_USERS);
  const unreachable = new DynamoDBClient({ endpoint: 'http://127.0.0.1:9', region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: 'twin', secretAccessKey: 'twin' } });
  const lake = folderLake('/nonexistent-lake');
  const logged: Record<string, unknown>[] = [];
  const response = await handleRequest(
    { method: 'GET', path: `/users/${SEED_USERS[0].user_id}/recommendations`, headers: {}, requestId: 'req-24' },
    {
      recommendations,
      fallback: cachedFallback(recommendations),
      analytics: lakeAnalyticsStore(lake),
      liveRecommendations: liveRecommendations(dynamoLiveActivityStore(DynamoDBDocumentClient.from(unreachable), 'recstream-live-state'), lakeRecommenderDocuments(lake)),
      logError: (entry) => logged.push(entry),
    },
  );
  assert.equal(response.status, 200);
  const body = JSON.parse(response.body) as RecommendationsResponse;
  assert.deepEqual([body.source, body.as_of], [SEED_USERS[0].source, undefined]);
  assert.deepEqual(body.recommendations.map((c) => c.product_id), SEED_USERS[0].recommendations.slice(0, 3).map((c) => c.product_id));
  assert.equal(response.headers['cache-control'], 'no-store');
  assert.equal(logged.length, 1);
  assert.deepEqual([logged[0].msg, logged[0].requestId, logged[0].userId], ['live list failed; the batch list was served', 'req-24', SEED_USERS[0].user_id]);
  assert.match(String(logged[0].error), /ECONNREFUSED|connect/i);
});
