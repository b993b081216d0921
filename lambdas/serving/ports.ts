/**
 * The serving side's ports: where the API reads a user's top-3 and the
 * analytics documents, and where the loader writes the recommend job's output.
 * AWS adapters live in dynamodb.ts and lake.ts; the local twin uses
 * MemoryRecommendationStore and a folder lake.
 */
import type { AnalyticsDocument, UserRecommendations } from '../../contract';

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

/** The twin's serving store: the loader writes into it and the local server reads from it. */
export class MemoryRecommendationStore implements RecommendationStore, RecommendationWriter {
  private readonly items = new Map<string, UserRecommendations>();

  async get(userId: string): Promise<UserRecommendations | undefined> {
    return this.items.get(userId);
  }

  async write(batch: readonly UserRecommendations[]): Promise<void> {
    for (const item of batch) this.items.set(item.user_id, item);
  }

  get size(): number {
    return this.items.size;
  }
}
