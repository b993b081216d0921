/**
 * The recommendation API as one framework-free function. The Lambda handler
 * adapts API Gateway events to it and the local server adapts node's http to
 * it, so both answer byte for byte the same.
 */
import {
  ANALYTICS_DOCUMENTS,
  API_ROUTES,
  PERSONAL_SOURCES,
  SERVING_TABLE,
  USER_ID_PATTERN,
  USER_ID_RULE,
  type AnalyticsDocument,
  type RecommendationsResponse,
  type RecommendedProduct,
  type UserRecommendations,
} from '../../contract';
import type { BehaviourDeps } from '../shared/serving/behaviour-ports';
import type { AnalyticsStore, RecommendationStore } from '../shared/serving/ports';
import type { RecommenderDocuments } from '../shared/serving/recommender-documents';
import { behaviourRoute } from './behaviour';
import { liveRoute, type LiveStore } from './live';
import type { LiveList, LiveRecommendations } from './live-recommendations';
import { recommenderRoute } from './recommender';
import { routePattern, safeDecode } from './route-pattern';

export interface ApiRequest {
  method: string;
  /** The path as received; only the behaviour routes read a query string (`?format=csv`). */
  path: string;
  headers: Readonly<Record<string, string | undefined>>;
  /** Echoed in every response and error log, so a user's report can be traced. */
  requestId: string;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface ApiDeps {
  recommendations: RecommendationStore;
  analytics: AnalyticsStore;
  fallback: FallbackSource;
  /** The behaviour routes' stores (lambdas/api/behaviour.ts); the deployed handler always has them, without them those paths are 404. */
  behaviour?: BehaviourDeps;
  /** The streaming job's live view (lambdas/api/live.ts); without it /live is 404. */
  live?: LiveStore;
  /** Issue 24: a customer's live list while they are active (lambdas/api/live-recommendations.ts); without it the batch list only. */
  liveRecommendations?: LiveRecommendations;
  /** The recommend job's model card, run history and item-to-item lists (lambdas/api/recommender.ts); without them those paths are 404. */
  recommender?: RecommenderDocuments;
  /** `ALLOWED_ORIGIN`; without it no CORS headers are sent (same-origin use only). */
  allowedOrigin?: string;
  logError?: (entry: Record<string, unknown>) => void;
}

export type FallbackSource = () => Promise<UserRecommendations | undefined>;

/**
 * The fallback list from the store, kept in memory for `ttlMs` after it was
 * found: a user without recommendations costs one extra lookup only on the
 * first miss per container (and after each TTL, so a reload shows up), every
 * other request exactly one. A missing fallback is not cached.
 */
export const cachedFallback = (store: RecommendationStore, ttlMs = 5 * 60_000, now = Date.now): FallbackSource => {
  let cached: { value: UserRecommendations; until: number } | undefined;
  return async () => {
    if (cached && cached.until > now()) return cached.value;
    const value = await store.get(SERVING_TABLE.fallbackUserId);
    cached = value ? { value, until: now() + ttlMs } : undefined;
    return value;
  };
};

const RECOMMENDATIONS = routePattern(API_ROUTES.recommendations);
const ANALYTICS = routePattern(API_ROUTES.analytics);

/** First path segments the API owns; the local server sends everything else to the site. */
const API_PATH_PREFIXES = [...new Set(Object.values(API_ROUTES).map((r) => `/${r.split('/')[1]}`))];
export const isApiPath = (path: string): boolean =>
  API_PATH_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`) || path.startsWith(`${p}?`));

const CACHE = {
  /** Recommendations change once per pipeline run; private because they describe one customer. */
  recommendations: 'private, max-age=60',
  analytics: 'private, max-age=300',
  none: 'no-store',
} as const;

const corsHeaders = (allowedOrigin: string | undefined): Record<string, string> =>
  allowedOrigin
    ? {
        'access-control-allow-origin': allowedOrigin,
        'access-control-expose-headers': 'x-request-id',
        vary: 'Origin',
      }
    : {};

type RouteResult = Omit<ApiResponse, 'headers'> & { cache: string; contentType?: string; headers?: Record<string, string> };

const json = (status: number, body: unknown, cache: string): RouteResult => ({
  status,
  body: JSON.stringify(body),
  cache,
});

const problem = (status: number, error: string, message: string, requestId: string) =>
  json(status, { error, message, requestId }, CACHE.none);

/**
 * The top-k with each item's source where it is known. Items stored before per-item
 * sources carry none: the list's source is its first item's, and every item of the
 * fallback list is a best seller; any other item is sent without a source, so
 * nobody claims a reason the data does not give.
 */
const withKnownSources = (list: UserRecommendations): RecommendedProduct[] =>
  list.recommendations
    .slice(0, SERVING_TABLE.topK)
    .map((item, i) => (item.source !== undefined || (i > 0 && list.source !== 'fallback') ? item : { ...item, source: list.source }));

/** The live list, or undefined: a failing live-state read (throttled, unreachable) serves the batch list, logged, not a 500. */
const liveOrBatch = async (
  live: LiveRecommendations,
  userId: string,
  batch: RecommendedProduct[],
  requestId: string,
  logError: NonNullable<ApiDeps['logError']>,
): Promise<LiveList | undefined> => {
  try {
    return await live(userId, batch, Date.now());
  } catch (error) {
    logError({ msg: 'live list failed; the batch list was served', requestId, userId, error: String(error) });
    return undefined;
  }
};

const route = async (method: string, path: string, requestId: string, deps: ApiDeps, query: URLSearchParams): Promise<RouteResult> => {
  if (path === API_ROUTES.health) return json(200, { status: 'ok' }, CACHE.none);

  const user = RECOMMENDATIONS.exec(path);
  if (user) {
    const userId = safeDecode(user[1]);
    if (userId === undefined || !USER_ID_PATTERN.test(userId)) return problem(400, 'invalid_user_id', USER_ID_RULE, requestId);
    // The recommend job writes an item for every customer with a purchase: no item means no such customer.
    const own = await deps.recommendations.get(userId);
    const list = own ?? (await deps.fallback());
    if (!list) return problem(503, 'not_loaded', 'No recommendations have been loaded yet; run the pipeline first.', requestId);
    const batch = withKnownSources(list);
    const live = deps.liveRecommendations && (await liveOrBatch(deps.liveRecommendations, userId, batch, requestId, deps.logError ?? defaultLogError));
    const recommendations = live ? live.recommendations : batch;
    const body: RecommendationsResponse = {
      user_id: userId,
      source: live ? 'live' : own ? own.source : 'fallback',
      known: own !== undefined,
      personalized: recommendations.some((item) => item.source !== undefined && PERSONAL_SOURCES.includes(item.source)),
      recommendations,
      ...(live ? { as_of: live.as_of, batch_product_ids: batch.map((item) => item.product_id) } : {}),
    };
    // With live lists a customer's list can change within seconds: no copy may be reused.
    return json(200, body, deps.liveRecommendations ? CACHE.none : CACHE.recommendations);
  }

  const analytics = ANALYTICS.exec(path);
  if (analytics) {
    const name = safeDecode(analytics[1]) as AnalyticsDocument;
    if (!ANALYTICS_DOCUMENTS.includes(name)) {
      return problem(404, 'unknown_document', `Analytics documents are: ${ANALYTICS_DOCUMENTS.join(', ')}.`, requestId);
    }
    const document = await deps.analytics.get(name);
    if (document === undefined) return problem(404, 'not_computed', `The ${name} document has not been computed yet.`, requestId);
    return json(200, document, CACHE.analytics);
  }

  const behaviour = deps.behaviour && (await behaviourRoute(path, query, requestId, deps.behaviour));
  if (behaviour) return behaviour;

  const live = deps.live && (await liveRoute(path, requestId, deps.live));
  if (live) return live;

  const recommender = deps.recommender && (await recommenderRoute(path, requestId, deps.recommender));
  if (recommender) return recommender;

  return problem(404, 'not_found', `No route for ${method} ${path}.`, requestId);
};

const ALLOWED_METHODS = 'GET, HEAD, OPTIONS';

export const handleRequest = async (req: ApiRequest, deps: ApiDeps): Promise<ApiResponse> => {
  const [path, ...queryParts] = req.path.split('?');
  const query = new URLSearchParams(queryParts.join('?'));
  const common = { ...corsHeaders(deps.allowedOrigin), 'x-request-id': req.requestId, 'x-content-type-options': 'nosniff' };
  if (req.method === 'OPTIONS') {
    return {
      status: 204,
      headers: {
        ...common,
        ...(deps.allowedOrigin
          ? { 'access-control-allow-methods': ALLOWED_METHODS, 'access-control-allow-headers': 'authorization, content-type', 'access-control-max-age': '600' }
          : {}),
        allow: ALLOWED_METHODS,
        'cache-control': CACHE.none,
      },
      body: '',
    };
  }

  let result: Awaited<ReturnType<typeof route>>;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    result = problem(405, 'method_not_allowed', `Only ${ALLOWED_METHODS} are allowed.`, req.requestId);
  } else {
    try {
      result = await route(req.method, path, req.requestId, deps, query);
    } catch (error) {
      // The cause goes to the log with the request id; the caller gets neither stack nor message.
      (deps.logError ?? defaultLogError)({ msg: 'request failed', requestId: req.requestId, method: req.method, path, error: String(error), stack: (error as Error)?.stack });
      result = problem(500, 'internal_error', 'Something went wrong on our side. Quote the request id if you report it.', req.requestId);
    }
  }
  return {
    status: result.status,
    headers: {
      ...common,
      ...(result.status === 405 ? { allow: ALLOWED_METHODS } : {}),
      ...result.headers,
      'content-type': result.contentType ?? 'application/json; charset=utf-8',
      'cache-control': result.cache,
    },
    body: req.method === 'HEAD' ? '' : result.body,
  };
};

/**
 * The API's JSON error for a request that never became one (an HTTP parser
 * refused it), so a server in front of handleRequest answers it in the same shape.
 */
export const unparsableRequest = (status: number, message: string, requestId: string): ApiResponse => {
  const result = problem(status, 'bad_request', message, requestId);
  return {
    status,
    headers: { 'x-request-id': requestId, 'x-content-type-options': 'nosniff', 'content-type': 'application/json; charset=utf-8', 'cache-control': result.cache },
    body: result.body,
  };
};

const defaultLogError = (entry: Record<string, unknown>): void => console.error(JSON.stringify(entry));
