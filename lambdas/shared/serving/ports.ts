/**
 * The serving side's ports: where the API reads a user's top-3 and the
 * analytics documents, and where the loader writes the recommend job's output.
 * The adapters live in dynamodb.ts and lake.ts; the local twin runs them
 * against its S3- and DynamoDB-protocol servers.
 */
import type { AnalyticsDocument, UserRecommendations } from '../../../contract';

export interface RecommendationStore {
  /** Exactly one key lookup; undefined when the user has no item. */
  get(userId: string): Promise<UserRecommendations | undefined>;
}

export interface RecommendationWriter {
  /** Writes (upserts) a batch; resolves only when every item is stored. */
  write(batch: readonly UserRecommendations[]): Promise<void>;
}

export interface AnalyticsStore {
  /** The parsed document, or undefined when the analyse job has not written it. */
  get(name: AnalyticsDocument): Promise<unknown | undefined>;
}
