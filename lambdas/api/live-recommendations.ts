/**
 * The live list of a customer for GET /users/{id}/recommendations (issue 24): their open-session activity from the
 * live-state store, the item-to-item lists of the products they touched from the lake, blended with the batch list
 * by the pure live-blend.ts. Undefined when the customer is not active or the session changes nothing.
 */
import type { ProductSimilar, RecommendedProduct } from '../../contract';
import type { LiveActivityStore } from '../shared/serving/live-activity';
import type { RecommenderDocuments } from '../shared/serving/recommender-documents';
import { anchorProducts, blendLive } from './live-blend';

export interface LiveList {
  recommendations: RecommendedProduct[];
  /** When the streaming job last wrote the customer's activity. */
  as_of: string;
}

export type LiveRecommendations = (userId: string, batch: readonly RecommendedProduct[], nowMs: number) => Promise<LiveList | undefined>;

/** Shards change once per recommend run: one read per shard per container every `ttlMs`, not one per request. */
const cachedShards = (documents: RecommenderDocuments, ttlMs: number) => {
  const cache = new Map<string, { value: Promise<unknown>; until: number }>();
  return (productId: string, nowMs: number): Promise<unknown> => {
    const hit = cache.get(productId.slice(-2));
    if (hit && hit.until > nowMs) return hit.value;
    const value = documents.similarShard(productId);
    cache.set(productId.slice(-2), { value, until: nowMs + ttlMs });
    // A failed read is not kept: the next request tries again.
    value.catch(() => cache.delete(productId.slice(-2)));
    return value;
  };
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const liveRecommendations = (activity: LiveActivityStore, documents: RecommenderDocuments, shardTtlMs = 5 * 60_000): LiveRecommendations => {
  const shard = cachedShards(documents, shardTtlMs);
  return async (userId, batch, nowMs) => {
    const held = await activity.get(userId, nowMs);
    if (!held || held.interactions.length === 0) return undefined;
    const similar = new Map<string, ProductSimilar>();
    await Promise.all(
      anchorProducts(held).map(async (productId) => {
        const found = await shard(productId, nowMs);
        const list = isRecord(found) ? found[productId] : undefined;
        if (isRecord(list) && Array.isArray(list.similar)) similar.set(productId, list as unknown as ProductSimilar);
      }),
    );
    const recommendations = blendLive(batch, held, similar);
    return recommendations && { recommendations, as_of: held.written_at };
  };
};
