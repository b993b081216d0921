/** Behaviour items in the serving table, under the contract's key rule (behaviourKeyFor, BEHAVIOUR_SERVING). */
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BEHAVIOUR_SERVING, SERVING_TABLE, behaviourKeyFor, type SessionMetrics } from '../../../contract';
import type { BehaviourItem, BehaviourStore, BehaviourWriter } from './behaviour-ports';
import { batchWrite, type RetryPolicy } from './dynamodb';

type DocumentClient = Pick<DynamoDBDocumentClient, 'send'>;

const keyOf = (item: BehaviourItem): string => (item.kind === 'customer' ? behaviourKeyFor(item.userId) : BEHAVIOUR_SERVING.sessionMetricsKey);

const toItem = (item: BehaviourItem): Record<string, unknown> =>
  item.kind === 'customer'
    ? { [SERVING_TABLE.partitionKey]: keyOf(item), top_categories: item.top_categories, recent_sessions: item.recent_sessions, sessions_total: item.sessions_total }
    : { [SERVING_TABLE.partitionKey]: keyOf(item), metrics: item.metrics };

export const dynamoBehaviourStore = (client: DocumentClient, tableName: string): BehaviourStore => {
  const get = async (key: string) => (await client.send(new GetCommand({ TableName: tableName, Key: { [SERVING_TABLE.partitionKey]: key } }))).Item;
  return {
    async customer(userId) {
      const item = await get(behaviourKeyFor(userId));
      if (!item) return undefined;
      return { kind: 'customer', userId, top_categories: item.top_categories ?? [], recent_sessions: item.recent_sessions ?? [], sessions_total: Number(item.sessions_total ?? 0) };
    },
    async sessionMetrics() {
      return (await get(BEHAVIOUR_SERVING.sessionMetricsKey))?.metrics as SessionMetrics | undefined;
    },
  };
};

export const dynamoBehaviourWriter = (client: DocumentClient, tableName: string, retry?: RetryPolicy): BehaviourWriter => ({
  write: (batch) => batchWrite(client, tableName, batch.map(toItem), retry),
});
