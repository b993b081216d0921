/** A serving store in memory, for tests and benches of the server and the loader that need no DynamoDB server. */
import type { UserRecommendations } from '../../contract';
import type { RecommendationStore, RecommendationWriter } from '../../lambdas/shared/serving/ports';

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
