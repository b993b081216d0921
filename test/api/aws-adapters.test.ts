/**
 * The AWS adapters against recorded-shape fake clients (DynamoDB and S3 do not
 * run here): the exact commands they send and how they read the answers.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { GetObjectCommand, ListObjectsV2Command, NoSuchKey } from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { LAKE, SERVING_TABLE, analyticsKeyFor } from '../../contract';
import { dynamoRecommendationStore } from '../../lambdas/serving/dynamodb';
import { lakeAnalyticsStore, readText, s3Lake } from '../../lambdas/serving/lake';
import { SEED_ANALYTICS, SEED_USERS } from './seed';

describe('dynamoRecommendationStore', () => {
  it('sends one GetItem on the partition key and returns the item as UserRecommendations', async () => {
    const sent: GetCommand[] = [];
    const user = SEED_USERS[1];
    const store = dynamoRecommendationStore(
      {
        send: async (command: GetCommand) => {
          sent.push(command);
          return command.input.Key?.[SERVING_TABLE.partitionKey] === user.user_id ? { Item: { ...user } } : {};
        },
      } as never,
      'serving-table',
    );
    assert.deepEqual(await store.get(user.user_id), user);
    assert.equal(await store.get('42'), undefined);
    assert.equal(sent.length, 2);
    assert.ok(sent[0] instanceof GetCommand);
    assert.deepEqual(sent[0].input, { TableName: 'serving-table', Key: { [SERVING_TABLE.partitionKey]: user.user_id } });
  });
});

describe('s3Lake', () => {
  const objects: Record<string, Buffer> = {
    [`${LAKE.recommendationsPrefix}part-00000-a.json`]: Buffer.from('a\n'),
    [`${LAKE.recommendationsPrefix}part-00001-a.json.gz`]: gzipSync('b\n'),
    [analyticsKeyFor('summary')]: Buffer.from(JSON.stringify(SEED_ANALYTICS.summary)),
  };
  const sent: (ListObjectsV2Command | GetObjectCommand)[] = [];
  const lake = s3Lake(
    {
      send: async (command: ListObjectsV2Command | GetObjectCommand) => {
        sent.push(command);
        if (command instanceof ListObjectsV2Command) {
          // One key per page, to prove pagination is followed.
          const keys = Object.keys(objects).filter((k) => k.startsWith(command.input.Prefix ?? '')).sort();
          const at = command.input.ContinuationToken ? Number(command.input.ContinuationToken) : 0;
          const more = at + 1 < keys.length;
          return { Contents: keys.slice(at, at + 1).map((Key) => ({ Key })), IsTruncated: more, NextContinuationToken: more ? String(at + 1) : undefined };
        }
        const body = objects[command.input.Key!];
        if (!body) throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} });
        return { Body: Readable.from([body]) };
      },
    } as never,
    'lake-bucket',
  );

  it('lists every page under a prefix', async () => {
    assert.deepEqual(await lake.list(LAKE.recommendationsPrefix), Object.keys(objects).slice(0, 2));
    const lists = sent.filter((c) => c instanceof ListObjectsV2Command);
    assert.equal(lists.length, 2);
    assert.equal(lists[0].input.Bucket, 'lake-bucket');
  });

  it('reads objects, gunzips .gz keys, and treats a missing key as absent', async () => {
    assert.equal(await readText(lake, `${LAKE.recommendationsPrefix}part-00001-a.json.gz`), 'b\n');
    assert.equal(await lake.open('serving/nothing.json'), undefined);
    assert.deepEqual(await lakeAnalyticsStore(lake).get('summary'), SEED_ANALYTICS.summary);
    assert.equal(await lakeAnalyticsStore(lake).get('top_brands'), undefined);
  });
});
