/**
 * The HTTP API as an OpenAPI 3.1 document: every route of API_ROUTES and the storefront collector, what
 * each answers and in which shape (JSON Schema 2020-12). docs/api.md is checked against it, and
 * test/api/responses-follow-the-openapi-document validates real answers of the deployed handler
 * against it. To add a route: a `paths` entry built with the helpers below (`ok`, `errors`), and its
 * schema in `schemas` when it has one.
 */
import { ANALYTICS_DOCUMENTS } from './lake';
import { RECOMMENDER_GENERATORS, RECOMMENDER_MODELS } from './recommender';
import { API_ROUTES, API_SCOPE } from './runtime';
import { SERVING_TABLE } from './serving';

type Schema = Record<string, unknown>;
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const nullable = (schema: Schema): Schema => ({ anyOf: [schema, { type: 'null' }] });
const str: Schema = { type: 'string' };
const int: Schema = { type: 'integer', minimum: 0 };
const num: Schema = { type: 'number' };
const digits: Schema = { type: 'string', pattern: '^[0-9]{1,20}$' };
const decimal: Schema = { type: 'string', pattern: '^-?[0-9]+(\\.[0-9]+)?$' };
const counts: Schema = { type: 'object', additionalProperties: int };
const object = (properties: Record<string, Schema>, required = Object.keys(properties)): Schema => ({ type: 'object', properties, required });
const list = (items: Schema): Schema => ({ type: 'array', items });

const schemas: Record<string, Schema> = {
  Error: object({ error: str, message: str, requestId: str, rejected: list(object({ index: int, reason: str, message: str })) }, ['error', 'message']),
  Health: object({ status: { const: 'ok' } }),
  RecommendedProduct: object(
    {
      product_id: digits,
      score: num,
      category_code: nullable(str),
      brand: nullable(str),
      price: nullable(decimal),
      source: str,
      times_bought: nullable({ type: 'integer', minimum: 1 }),
      // Issue 21: the evidence each card's sentence states, on its sources only (contract/serving.ts).
      last_bought: nullable({ type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }),
      because_of: nullable(object({ product_id: digits, category_code: nullable(str), brand: nullable(str) })),
      customers_also: nullable({ type: 'integer', minimum: 1 }),
      category_rank: nullable({ type: 'integer', minimum: 1 }),
      popular_rank: nullable({ type: 'integer', minimum: 1 }),
      window_days: nullable({ type: 'integer', minimum: 1 }),
    },
    ['product_id', 'score', 'category_code', 'brand', 'price'],
  ),
  RecommendationsResponse: object({
    user_id: digits,
    source: str,
    known: { type: 'boolean' },
    personalized: { type: 'boolean' },
    recommendations: { ...list(ref('RecommendedProduct')), maxItems: SERVING_TABLE.topK },
  }),
  AnalyticsDocument: { description: `One of ${ANALYTICS_DOCUMENTS.join(', ')} (contract/analytics.ts AnalyticsDocuments).`, type: ['object', 'array'] },
  FunnelCounts: object({ view: int, cart: int, purchase: int }),
  FunnelRow: object({ units: int, reached: ref('FunnelCounts'), conversion: { type: 'object' }, drop_off: { type: 'object' } }),
  FunnelLevel: object({ overall: ref('FunnelRow') }, ['overall']),
  FunnelDocument: object({ session: ref('FunnelLevel'), user: ref('FunnelLevel'), definition: str, groups_listed: str }),
  SessionMetricsResponse: object({
    report: object({ sessions: int, events: int, purchasing_sessions: int }, ['sessions', 'events']),
    metrics: nullable(object({ sessions: int, purchasing_sessions: int, duration_seconds: { type: 'object' }, events_per_session: { type: 'object' } }, ['sessions'])),
  }),
  IntentResponse: object({ served_run: nullable(str), run: nullable({ type: 'object' }), runs: list({ type: 'object' }) }, ['served_run', 'runs']),
  CustomerBehaviourResponse: object({
    user_id: digits,
    known: { type: 'boolean' },
    top_categories: list(object({ category_id: digits, category_code: nullable(str), affinity: nullable(num) })),
    recent_sessions: list(
      object({ session_id: str, start: str, end: str, duration_seconds: num, events: int, views: int, carts: int, purchases: int, revenue: decimal }),
    ),
    sessions_total: int,
  }),
  LiveView: object(
    {
      v: { const: 1 },
      as_of: nullable(str),
      written_at: str,
      lag_seconds: nullable(num),
      batch_id: int,
      offsets: { type: 'object', additionalProperties: counts },
      totals: object({ events: counts, purchase_revenue: decimal, orders: int, order_lines: int, order_revenue: decimal, late_events: int, unreadable: int }),
      per_minute: list({ type: 'object' }),
      funnel: list({ type: 'object' }),
    },
    ['v', 'as_of', 'written_at', 'batch_id', 'totals'],
  ),
  Estimate: object({ mean: num, low: num, high: num }),
  ModelScore: object({ users: int, recall: ref('Estimate'), ndcg: ref('Estimate') }),
  PairedDifference: object({ rival: { enum: [...RECOMMENDER_MODELS] }, ndcg_difference: ref('Estimate'), wins: { type: 'boolean' } }),
  RecommenderRun: {
    ...object(
      {
        run_id: str,
        created: str,
        code_version: str,
        data_span: object({ first: nullable(str), last: nullable(str), customers: int, line_items: int }),
        served: object({ model: { enum: [...RECOMMENDER_MODELS] }, reason: str, pinned: { type: 'boolean' } }),
        evaluation: object({ run_id: str, data_last: nullable(str), fresh: { type: 'boolean' }, reason: str }),
        rule: str,
        window_mean: { type: 'object', additionalProperties: ref('ModelScore') },
        holdout: object({ start: str, end: str, users: int, models: { type: 'object', additionalProperties: ref('ModelScore') }, ranker_vs: list(ref('PairedDifference')) }, ['start', 'end', 'models']),
        ranker_vs: list(ref('PairedDifference')),
        serving: object({ users: int, cards_by_source: counts, users_with_collaborative: int }),
      },
      ['run_id', 'created', 'code_version', 'served', 'rule', 'holdout', 'serving'],
    ),
    description: 'One run of the recommend job as it wrote it (contract/recommender.ts RecommenderRun; windows, ALS and ranker settings too).',
  },
  RecommenderModelResponse: object({
    latest: ref('RecommenderRun'),
    history: list(object({ run_id: str, created: str, code_version: str, served: { type: 'object' }, holdout_ndcg: { type: 'object', additionalProperties: num }, users: int })),
  }),
  SimilarProduct: object({
    product_id: digits,
    category_code: nullable(str),
    brand: nullable(str),
    price: nullable(decimal),
    relation: { enum: ['bought_together', 'also_bought'], description: 'bought_together: `count` orders hold both; also_bought: `count` customers bought both.' },
    count: { type: 'integer', minimum: 1 },
  }),
  ProductSimilar: object({ product_id: digits, category_code: nullable(str), brand: nullable(str), price: nullable(decimal), similar: list(ref('SimilarProduct')) }),
  StorefrontEvent: object(
    {
      event_time: { ...str, description: 'ISO-8601 with a zone (2026-11-27T10:00:00Z) or `YYYY-MM-DD HH:MM:SS UTC`' },
      event_type: { enum: ['view', 'cart', 'remove_from_cart', 'purchase'] },
      product_id: digits,
      category_id: digits,
      category_code: str,
      brand: str,
      price: decimal,
      user_id: digits,
      user_session: str,
      user_agent: str,
      ip: str,
    },
    ['event_time', 'event_type', 'product_id', 'price'],
  ),
  CollectResponse: object({ accepted: { type: 'integer', minimum: 1 }, requestId: str }),
};

const json = (schema: Schema) => ({ 'application/json': { schema } });
/** A 200 answer of `schema`. */
const ok = (description: string, schema: Schema) => ({ 200: { description, content: json(schema) } });
/** Error answers, each `{ error, message, requestId }`, by status. */
const errors = (byStatus: Record<number, string>) =>
  Object.fromEntries(Object.entries(byStatus).map(([status, description]) => [status, { description, content: json(ref('Error')) }]));
const userId = { name: 'userId', in: 'path', required: true, description: 'A customer id: 1 to 20 digits.', schema: str };
const signedIn = [{ analyst: [API_SCOPE.scope] }];
const get = (summary: string, responses: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  get: { summary, security: signedIn, responses: { ...responses, ...errors({ 401: 'No valid access token with the API scope (API Gateway answers; no Lambda runs).', 500: 'internal_error' }) }, ...extra },
});

/** The storefront collector's route (lambdas/collector/collect.ts COLLECTOR_ROUTE; the test checks they agree). */
export const COLLECTOR_PATH = '/events';

export const OPENAPI = {
  openapi: '3.1.0',
  info: {
    title: 'recstream API',
    version: '1',
    description: 'Recommendations, analytics, behaviour and the live view of one store, for its signed-in analysts; and the storefront event collector.',
  },
  servers: [{ url: '{apiUrl}', variables: { apiUrl: { default: 'http://127.0.0.1:8080', description: 'The stack output ApiUrl; in the twin, the printed site URL.' } } }],
  components: {
    schemas,
    securitySchemes: {
      analyst: { type: 'oauth2', description: 'An access token from the Cognito user pool (the twin: its local OpenID provider), authorization code + PKCE.', flows: { authorizationCode: { authorizationUrl: '{issuer}/oauth2/authorize', tokenUrl: '{issuer}/oauth2/token', scopes: { [API_SCOPE.scope]: 'read the API' } } } },
      writeKey: { type: 'apiKey', in: 'header', name: 'x-recstream-write-key', description: "A store's write key; only its SHA-256 is configured." },
      storeApiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: "On AWS only: the store's API key, which API Gateway generates and checks (lib/collector-api.ts); the twin has no such gate." },
    },
  },
  paths: {
    [API_ROUTES.health]: { get: { summary: 'Liveness; the only route without a token.', security: [], responses: ok('Up.', ref('Health')) } },
    [API_ROUTES.recommendations]: get(
      "A customer's top 3 and why each item is there; an id no customer has gets the best sellers (`known: false`).",
      { ...ok('The list.', ref('RecommendationsResponse')), ...errors({ 400: 'invalid_user_id', 503: 'not_loaded: nothing loaded yet' }) },
      { parameters: [userId] },
    ),
    [API_ROUTES.analytics]: get(
      'One analytics document as the analyse job wrote it.',
      { ...ok('The document.', ref('AnalyticsDocument')), ...errors({ 404: 'unknown_document, or not_computed yet' }) },
      { parameters: [{ name: 'name', in: 'path', required: true, schema: { enum: [...ANALYTICS_DOCUMENTS] } }] },
    ),
    [API_ROUTES.behaviourFunnel]: get('The view → cart → purchase funnel of sessions and users.', { ...ok('The funnel document.', ref('FunnelDocument')), ...errors({ 404: 'not_computed' }) }),
    [API_ROUTES.behaviourSessions]: get("The sessions job's report and the loader's session metrics.", { ...ok('Report and metrics.', ref('SessionMetricsResponse')), ...errors({ 404: 'not_computed' }) }),
    [API_ROUTES.behaviourIntent]: get('The served purchase-intent run and the run history.', { ...ok('The model card.', ref('IntentResponse')), ...errors({ 404: 'not_computed' }) }),
    [API_ROUTES.customerBehaviour]: get(
      "A customer's top categories and recent sessions; `?format=csv` downloads them.",
      {
        200: { description: 'JSON, or CSV with `format=csv`.', content: { ...json(ref('CustomerBehaviourResponse')), 'text/csv': { schema: str } } },
        ...errors({ 400: 'invalid_user_id, invalid_format' }),
      },
      { parameters: [userId, { name: 'format', in: 'query', required: false, schema: { enum: ['csv'] } }] },
    ),
    [API_ROUTES.live]: get("The streaming job's live view.", { ...ok('The latest live view.', ref('LiveView')), ...errors({ 404: 'not_started: no live view yet' }) }),
    [API_ROUTES.recommenderModel]: get(
      `The recommender's model card: the latest run (what serves of ${RECOMMENDER_MODELS.join(', ')} and why, every model's recall@3 and NDCG@3 with 95 % intervals, cards by generator of ${RECOMMENDER_GENERATORS.join(', ')}) and every run.`,
      { ...ok('The latest run and the history.', ref('RecommenderModelResponse')), ...errors({ 404: 'not_computed: the recommend job has not run' }) },
    ),
    [API_ROUTES.similarProducts]: get(
      "A product's item-to-item list: bought together first, then customers who bought it also bought.",
      { ...ok('The list.', ref('ProductSimilar')), ...errors({ 400: 'invalid_product_id', 404: 'no_similar_products, or not_computed before the first run' }) },
      { parameters: [{ name: 'productId', in: 'path', required: true, description: 'A product id: 1 to 20 digits.', schema: str }] },
    ),
    [COLLECTOR_PATH]: {
      post: {
        summary: "A storefront's events (1 to 500, at most 256 KiB), produced to the events topic.",
        // On AWS the collector is its own REST API (stack output CollectorUrl) behind per-store API keys and a WAF web ACL.
        servers: [{ url: '{collectorUrl}', variables: { collectorUrl: { default: 'http://127.0.0.1:8080', description: 'The stack output CollectorUrl; in the twin, the printed site URL.' } } }],
        security: [{ writeKey: [], storeApiKey: [] }],
        requestBody: { required: true, content: json(object({ events: { ...list(ref('StorefrontEvent')), minItems: 1, maxItems: 500 } })) },
        responses: {
          202: { description: 'Every event taken.', content: json(ref('CollectResponse')) },
          ...errors({
            400: 'empty_body, malformed_json, no_events, or invalid_events (then `rejected` lists each bad event; none was taken)',
            401: 'missing_write_key',
            403: 'invalid_write_key',
            413: 'body_too_large, too_many_events',
          }),
        },
      },
    },
  },
} as const;
