/** The serving store on AWS: one DynamoDB item per user, keyed by SERVING_TABLE.partitionKey. */
import { BatchWriteCommand, GetCommand, type BatchWriteCommandInput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SERVING_TABLE, type UserRecommendations } from '../../../contract';
import type { RecommendationStore, RecommendationWriter } from './ports';

type DocumentClient = Pick<DynamoDBDocumentClient, 'send'>;

/** BatchWriteItem's hard limit. */
export const BATCH_WRITE_LIMIT = 25;

export const dynamoRecommendationStore = (client: DocumentClient, tableName: string): RecommendationStore => ({
  async get(userId) {
    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: { [SERVING_TABLE.partitionKey]: userId } }));
    if (!Item) return undefined;
    return { user_id: userId, recommendations: Item.recommendations, source: Item.source } as UserRecommendations;
  },
});

export interface RetryPolicy {
  maxAttempts: number;
  /** Waits before attempt n (2, 3, …); exponential with jitter by default. */
  sleep: (attempt: number) => Promise<void>;
}

const backoff = (attempt: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.min(2000, 50 * 2 ** (attempt - 2)) * (0.5 + Math.random() / 2)));

/**
 * BatchWriteItem refuses a request that writes one key twice (the recommend
 * job's fallback list arrives both among the users and as fallback.json); the
 * last write wins, as it would written one by one.
 */
const lastWritePerUser = (batch: readonly UserRecommendations[]): UserRecommendations[] => [
  ...new Map(batch.map((item) => [item.user_id, item])).values(),
];

/**
 * Writes in BatchWriteItem chunks of 25 and resends UnprocessedItems (throttled
 * partitions) until every item is stored or the attempts run out. Items must have distinct keys.
 */
export const batchWrite = async (
  client: DocumentClient,
  tableName: string,
  items: readonly Record<string, unknown>[],
  retry: RetryPolicy = { maxAttempts: 8, sleep: backoff },
): Promise<void> => {
  for (let start = 0; start < items.length; start += BATCH_WRITE_LIMIT) {
    let requests: NonNullable<BatchWriteCommandInput['RequestItems']>[string] = items
      .slice(start, start + BATCH_WRITE_LIMIT)
      .map((item) => ({ PutRequest: { Item: { ...item } } }));
    for (let attempt = 1; requests.length > 0; attempt++) {
      if (attempt > retry.maxAttempts) {
        throw new Error(`DynamoDB left ${requests.length} items unprocessed after ${retry.maxAttempts} attempts`);
      }
      if (attempt > 1) await retry.sleep(attempt);
      const out = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
      requests = out.UnprocessedItems?.[tableName] ?? [];
    }
  }
};

export const dynamoRecommendationWriter = (client: DocumentClient, tableName: string, retry?: RetryPolicy): RecommendationWriter => ({
  write: (batch) => batchWrite(client, tableName, lastWritePerUser(batch) as unknown as Record<string, unknown>[], retry),
});
