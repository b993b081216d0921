/**
 * The recommender routes (issue 21): the model card with its run history, and one product's
 * item-to-item list. Same sign-in rule as every data route: the authorizer in front of the API
 * (lib/serving.ts) guards them all.
 */
import {
  API_ROUTES,
  ID_PATTERN,
  PRODUCT_ID_RULE,
  type ProductSimilar,
  type RecommenderHistory,
  type RecommenderModelResponse,
  type RecommenderRun,
} from '../../contract';
import type { RecommenderDocuments } from '../shared/serving/recommender-documents';
import { routePattern, safeDecode } from './route-pattern';

export interface RecommenderResult {
  status: number;
  body: string;
  cache: string;
}

/** Both change once per pipeline run. */
const CACHE = { document: 'private, max-age=300', none: 'no-store' } as const;

const json = (status: number, body: unknown, cache: string): RecommenderResult => ({ status, body: JSON.stringify(body), cache });
const problem = (status: number, error: string, message: string, requestId: string): RecommenderResult =>
  json(status, { error, message, requestId }, CACHE.none);

const SIMILAR = routePattern(API_ROUTES.similarProducts);
const PRODUCT_ID = new RegExp(ID_PATTERN);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The latest run in full (its record under runs/) and every run of the history. A history whose last run
 * has no record is a broken lake, not "not computed": it throws, so the caller gets a 500 and the log the key.
 */
const model = async (requestId: string, documents: RecommenderDocuments): Promise<RecommenderResult> => {
  const history = await documents.history();
  if (history === undefined) return problem(404, 'not_computed', 'The recommender has not run yet: the recommend job writes its model card.', requestId);
  // The job's own document: a shape it never writes is a broken lake (500, logged), not an entry to skip.
  if (!isRecord(history) || !Array.isArray(history.runs) || !history.runs.every(isRecord)) throw new Error('serving/recommender/history.json is not { runs: [run, …] }');
  const runs = history.runs as unknown as RecommenderHistory['runs'];
  if (runs.length === 0) return problem(404, 'not_computed', 'The recommender’s run history is empty: the recommend job writes its model card.', requestId);
  const latestId = runs[runs.length - 1].run_id;
  const latest = typeof latestId === 'string' ? await documents.run(latestId) : undefined;
  if (!isRecord(latest)) throw new Error(`the recommender history's latest run ${JSON.stringify(latestId)} is not a run id or has no record under serving/recommender/runs/`);
  const body: RecommenderModelResponse = { latest: latest as unknown as RecommenderRun, history: runs };
  return json(200, body, CACHE.document);
};

const similar = async (rawId: string, requestId: string, documents: RecommenderDocuments): Promise<RecommenderResult> => {
  const productId = safeDecode(rawId);
  if (productId === undefined || !PRODUCT_ID.test(productId)) return problem(400, 'invalid_product_id', PRODUCT_ID_RULE, requestId);
  const shard = await documents.similarShard(productId);
  // A shard with no product in it may never be written: only a run history says whether the job has run at all.
  if (shard === undefined && (await documents.history()) === undefined) {
    return problem(404, 'not_computed', 'Similar products have not been computed yet: the recommend job writes them.', requestId);
  }
  if (shard !== undefined && !isRecord(shard)) throw new Error(`the similar-products shard of ${productId} is not a JSON object`);
  const list = shard?.[productId];
  if (list === undefined) return problem(404, 'no_similar_products', `The latest recommend run lists no similar products for product ${productId}.`, requestId);
  if (!isRecord(list)) throw new Error(`the similar-products entry of ${productId} is not a JSON object`);
  return json(200, list as unknown as ProductSimilar, CACHE.document);
};

/** The answer for a recommender path, or undefined when the path is not one of these routes. */
export const recommenderRoute = async (path: string, requestId: string, documents: RecommenderDocuments): Promise<RecommenderResult | undefined> => {
  if (path === API_ROUTES.recommenderModel) return model(requestId, documents);
  const match = SIMILAR.exec(path);
  return match ? similar(match[1], requestId, documents) : undefined;
};
