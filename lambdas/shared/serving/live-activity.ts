/**
 * Where the API reads a customer's open-session activity (issue 24): the live-state table the streaming job writes
 * (contract/realtime.ts LiveActivity; lib/live-state.ts on AWS, the twin's DynamoDB-protocol server locally).
 */
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { REALTIME, type LiveActivity } from '../../../contract';

export interface LiveActivityStore {
  /** One key lookup; undefined when the customer has no item, or an expired one (DynamoDB's TTL deletes late). */
  get(userId: string, nowMs: number): Promise<LiveActivity | undefined>;
}

export const dynamoLiveActivityStore = (client: Pick<DynamoDBDocumentClient, 'send'>, tableName: string): LiveActivityStore => ({
  async get(userId, nowMs) {
    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: { [REALTIME.liveRecommendations.partitionKey]: userId } }));
    if (!Item) return undefined;
    const item = Item as LiveActivity;
    return item.expires_at * 1000 > nowMs ? item : undefined;
  },
});
