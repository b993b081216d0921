/**
 * The recommend job's model card, run history and item-to-item shards straight from the lake (LAKE keys,
 * shapes in contract/recommender.ts). Parsed, not reshaped: the API serves what the job wrote.
 */
import { LAKE, similarShardFor } from '../../../contract';
import { readLakeJson } from './behaviour-load';
import type { LakeReader } from './lake';

export interface RecommenderDocuments {
  /** `serving/recommender/history.json`; undefined before the first run that writes one. */
  history(): Promise<unknown | undefined>;
  /** `serving/recommender/runs/<run id>.json`; the id must come from the history. */
  run(runId: string): Promise<unknown | undefined>;
  /** The shard object (product_id → ProductSimilar) that holds `productId`'s list; undefined before the first run. */
  similarShard(productId: string): Promise<unknown | undefined>;
}

/** Run ids are `<UTC stamp>-<hex>`: nothing else may become a key. */
export const RUN_ID = /^[0-9A-Za-z-]{1,64}$/;

export const lakeRecommenderDocuments = (lake: LakeReader): RecommenderDocuments => ({
  history: () => readLakeJson(lake, LAKE.recommenderHistoryKey),
  run: async (runId) => (RUN_ID.test(runId) ? readLakeJson(lake, `${LAKE.recommenderRunsPrefix}${runId}.json`) : undefined),
  similarShard: (productId) => readLakeJson(lake, `${LAKE.similarPrefix}${similarShardFor(productId)}.json`),
});
