/**
 * The loader: good lines stored, bad lines counted with file and line, the
 * fallback stored under its own key, DynamoDB writes in chunks of 25 with
 * UnprocessedItems resent, and a run with nothing usable failing loudly.
 */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import type { BatchWriteCommand, BatchWriteCommandOutput } from '@aws-sdk/lib-dynamodb';
import { LAKE, SERVING_TABLE, type UserRecommendations } from '../../contract';
import { isPartFile, loadProblems, loadRecommendations } from '../../lambdas/load-recommendations/load';
import { BATCH_WRITE_LIMIT, dynamoRecommendationWriter } from '../../lambdas/shared/serving/dynamodb';
import { folderLake } from '../../local/server/folder-lake';
import { MemoryRecommendationStore } from '../../local/server/memory-store';
import { parseRecommendationLine } from '../../lambdas/shared/serving/validate';
import { SEED_BAD_LINES, SEED_FALLBACK, SEED_USERS, writeSeedLake } from './seed';

const withLake = async (extraUsers: number, fn: (root: string) => Promise<void>) => {
  const root = writeSeedLake(extraUsers);
  try {
    await fn(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
};

/** A DynamoDB document client that records BatchWriteItem calls and throttles chosen attempts, as DynamoDB does. */
const fakeDynamo = (unprocessedOnCalls: Set<number>, unprocessedCount = 3) => {
  const calls: Record<string, unknown>[][] = [];
  return {
    calls,
    client: {
      send: async (command: BatchWriteCommand): Promise<BatchWriteCommandOutput> => {
        const [table, requests] = Object.entries(command.input.RequestItems ?? {})[0];
        calls.push(requests.map((r) => r.PutRequest!.Item!));
        const call = calls.length;
        if (requests.length > BATCH_WRITE_LIMIT) throw new Error(`ValidationException: ${requests.length} items in one batch`);
        const unprocessed = unprocessedOnCalls.has(call) ? requests.slice(-unprocessedCount) : [];
        return { $metadata: {}, UnprocessedItems: unprocessed.length ? { [table]: unprocessed } : {} };
      },
    },
  };
};

describe('loadRecommendations', () => {
  it('stores every good line, counts bad ones by file and line, and stores the fallback under its key', async () => {
    await withLake(0, async (root) => {
      const store = new MemoryRecommendationStore();
      const report = await loadRecommendations(folderLake(root), store);
      assert.equal(report.files, 2, '_SUCCESS is not a part file');
      assert.equal(report.lines, SEED_USERS.length + SEED_BAD_LINES.length + 1, 'the fallback row in a part file is a line too');
      assert.equal(report.loaded, SEED_USERS.length);
      assert.equal(report.invalid, SEED_BAD_LINES.length);
      assert.deepEqual(
        report.invalidSamples.map((s) => [s.key, s.line, s.error]),
        [
          [`${LAKE.recommendationsPrefix}part-00000-seed.json`, 2, 'user_id: not a decimal id string'],
          [`${LAKE.recommendationsPrefix}part-00000-seed.json`, 3, 'not valid JSON'],
        ],
      );
      assert.equal(report.fallback, 'loaded');
      assert.deepEqual(loadProblems(report), []);
      for (const user of SEED_USERS) assert.deepEqual(await store.get(user.user_id), user);
      assert.deepEqual(await store.get(SERVING_TABLE.fallbackUserId), {
        user_id: SERVING_TABLE.fallbackUserId,
        source: 'fallback',
        recommendations: SEED_FALLBACK.recommendations,
      });
    });
  });

  it('reads gzip part files and skips Spark markers', async () => {
    await withLake(0, async (root) => {
      const extra = { ...SEED_USERS[0], user_id: '77' };
      writeFileSync(join(root, LAKE.recommendationsPrefix, 'part-00002-seed.json.gz'), gzipSync(JSON.stringify(extra) + '\n'));
      writeFileSync(join(root, LAKE.recommendationsPrefix, '.part-00002-seed.json.gz.crc'), 'crc');
      const store = new MemoryRecommendationStore();
      const report = await loadRecommendations(folderLake(root), store);
      assert.equal(report.files, 3);
      assert.deepEqual(await store.get('77'), extra);
    });
    assert.equal(isPartFile('serving/recommendations/part-00000-abc.json'), true);
    assert.equal(isPartFile('serving/recommendations/_SUCCESS'), false);
    assert.equal(isPartFile('serving/recommendations/.part-00000-abc.json.crc'), false);
  });

  it('rejects each broken field with a message naming it', () => {
    const good = SEED_USERS[0];
    const cases: [unknown, RegExp][] = [
      [{ ...good, source: 'magic' }, /^source/],
      [{ ...good, recommendations: [] }, /^recommendations: not a non-empty array/],
      [{ ...good, recommendations: [{ ...good.recommendations[0], product_id: 123 }] }, /recommendations\[0\]\.product_id/],
      [{ ...good, recommendations: [{ ...good.recommendations[0], score: 'high' }] }, /recommendations\[0\]\.score/],
      [{ ...good, recommendations: [{ ...good.recommendations[0], price: -3 }] }, /recommendations\[0\]\.price/],
      [{ ...good, recommendations: [{ ...good.recommendations[0], brand: 5 }] }, /recommendations\[0\]\.brand/],
      [{ ...good, recommendations: [{ ...good.recommendations[0], source: 'magic' }] }, /recommendations\[0\]\.source/],
      // A count is what the card's "bought N units before" says: only on a repeat, and a whole number of at least 1.
      [{ ...good, recommendations: [{ ...good.recommendations[0], times_bought: 0 }] }, /recommendations\[0\]\.times_bought/],
      [{ ...good, recommendations: [{ ...good.recommendations[0], times_bought: 2.5 }] }, /recommendations\[0\]\.times_bought/],
      [{ ...good, recommendations: [{ ...good.recommendations[1], times_bought: 4 }] }, /recommendations\[0\]\.times_bought/],
      // Issue 21: every evidence field a card's sentence states, only on its sources and in its shape.
      [{ ...good, recommendations: [{ ...good.recommendations[0], last_bought: '21/07/2020' }] }, /recommendations\[0\]\.last_bought: not a YYYY-MM-DD day/],
      [{ ...good, recommendations: [{ ...good.recommendations[1], last_bought: '2020-07-21' }] }, /recommendations\[0\]\.last_bought: .* on a repeat item/],
      [{ ...good, recommendations: [{ ...good.recommendations[2], because_of: { product_id: 5 } }] }, /recommendations\[0\]\.because_of/],
      [{ ...good, recommendations: [{ ...good.recommendations[0], because_of: good.recommendations[2].because_of }] }, /recommendations\[0\]\.because_of: .* on a copurchase or als item/],
      [{ ...good, recommendations: [{ ...good.recommendations[2], customers_also: 0 }] }, /recommendations\[0\]\.customers_also/],
      [{ ...good, recommendations: [{ ...good.recommendations[1], category_rank: 1.5 }] }, /recommendations\[0\]\.category_rank/],
      [{ ...good, recommendations: [{ ...good.recommendations[1], popular_rank: 1 }] }, /recommendations\[0\]\.popular_rank: .* on a popular or fallback item/],
      [{ ...good, recommendations: [{ ...good.recommendations[2], window_days: 30 }] }, /recommendations\[0\]\.window_days: .* on a category or popular or fallback item/],
      [[good], /not a JSON object/],
    ];
    for (const [value, error] of cases) {
      const parsed = parseRecommendationLine(JSON.stringify(value));
      assert.equal(parsed.ok, false);
      assert.match((parsed as { error: string }).error, error);
    }
    // Spark writes times_bought: null on items that are not repeats; stored without it.
    const als = parseRecommendationLine(JSON.stringify({ ...good, recommendations: [{ ...good.recommendations[2], times_bought: null }] }));
    assert.deepEqual(als.ok && als.value.recommendations[0], good.recommendations[2]);
    // Spark writes the evidence of other sources as null: stored without it, the item's own kept.
    const nulls = { times_bought: null, last_bought: null, because_of: null, customers_also: null, category_rank: null, popular_rank: null, window_days: null };
    const category = parseRecommendationLine(JSON.stringify({ ...good, recommendations: [{ ...nulls, ...good.recommendations[1] }] }));
    assert.deepEqual(category.ok && category.value.recommendations[0], good.recommendations[1]);
    // Spark may write DECIMAL prices as numbers: served as strings.
    const numeric = parseRecommendationLine(JSON.stringify({ ...good, recommendations: [{ ...good.recommendations[0], price: 162.01 }] }));
    assert.equal(numeric.ok && numeric.value.recommendations[0].price, '162.01');
  });

  it('reports an empty or fallback-less output as problems, so the Step Functions state fails', async () => {
    await withLake(0, async (root) => {
      rmSync(join(root, LAKE.fallbackKey));
      const report = await loadRecommendations(folderLake(root), new MemoryRecommendationStore());
      assert.equal(report.fallback, 'missing');
      assert.match(loadProblems(report).join(), /fallback\.json is missing/);
      rmSync(join(root, LAKE.recommendationsPrefix), { recursive: true });
      mkdirSync(join(root, 'serving'), { recursive: true });
      writeFileSync(join(root, LAKE.fallbackKey), '{"recommendations": "oops"}');
      const empty = await loadRecommendations(folderLake(root), new MemoryRecommendationStore());
      assert.deepEqual(loadProblems(empty), [`no part files under ${LAKE.recommendationsPrefix}`, `${LAKE.fallbackKey}: recommendations: not a non-empty array`]);
    });
  });
});

describe('dynamoRecommendationWriter', () => {
  it('writes in BatchWriteItem chunks of 25 and resends UnprocessedItems until all are stored', async () => {
    await withLake(57, async (root) => {
      // Call 2 (the second chunk) comes back with 3 items unprocessed, once.
      const dynamo = fakeDynamo(new Set([2]));
      const sleeps: number[] = [];
      const writer = dynamoRecommendationWriter(dynamo.client, 'serving', { maxAttempts: 4, sleep: async (n) => void sleeps.push(n) });
      const report = await loadRecommendations(folderLake(root), writer);
      const users = SEED_USERS.length + 57;
      assert.equal(report.loaded, users);
      const sizes = dynamo.calls.map((c) => c.length);
      // users + the fallback row in a part file + fallback.json = 63 items, the fallback's two written once
      // (DynamoDB refuses one key twice in a request): 25, 25 (3 unprocessed), then the retry of 3, then 12.
      assert.deepEqual(sizes, [25, 25, 3, 12]);
      assert.deepEqual(dynamo.calls[2], dynamo.calls[1].slice(-3), 'the retry resends exactly the unprocessed items');
      assert.deepEqual(sleeps, [2], 'backs off before the retry');
      const stored = new Map(dynamo.calls.flat().map((item) => [item.user_id, item as unknown as UserRecommendations]));
      assert.equal(stored.size, users + 1);
      assert.equal(stored.get(SERVING_TABLE.fallbackUserId)?.source, 'fallback');
      assert.deepEqual(stored.get(SEED_USERS[1].user_id), SEED_USERS[1]);
    });
  });

  it('gives up with a clear error when DynamoDB keeps items unprocessed', async () => {
    const dynamo = fakeDynamo(new Set([1, 2, 3]), 1);
    const writer = dynamoRecommendationWriter(dynamo.client, 'serving', { maxAttempts: 3, sleep: async () => {} });
    await assert.rejects(writer.write(SEED_USERS), /left 1 items unprocessed after 3 attempts/);
  });
});
