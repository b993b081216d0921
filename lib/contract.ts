/**
 * The facts every part of recstream agrees on: the purchase event schema, the
 * topic, Firehose's buffering, the bucket layout and the serving-store keys.
 *
 * CDK, the Lambdas and the local twin import this module; the Spark jobs read
 * the same facts from emr-jobs/recstream_jobs/contract.json, which
 * `npm run contract` generates from here (a test fails when it is stale).
 */

/** Columns of the CSV a store uploads, in order (the REES46 electronics schema). */
export const CSV_COLUMNS = [
  'event_time',
  'order_id',
  'product_id',
  'category_id',
  'category_code',
  'brand',
  'price',
  'user_id',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

/** Bump when a field changes meaning; consumers branch on `v`. */
export const PURCHASE_EVENT_VERSION = 1;

/**
 * One purchased line item, as produced to Kafka and landed by Firehose.
 * Ids are decimal strings because they exceed 2^53; `price` is a decimal
 * string so no float rounding happens before Spark casts it to DECIMAL.
 */
export interface PurchaseEventV1 {
  v: typeof PURCHASE_EVENT_VERSION;
  /** ISO-8601 UTC, e.g. `2020-04-24T11:50:39Z`. 1970-01-01 is kept as sent: cleaning decides. */
  event_time: string;
  order_id: string;
  product_id: string;
  category_id: string | null;
  category_code: string | null;
  brand: string | null;
  /** Non-negative decimal, e.g. `162.01`. */
  price: string;
  /** Absent for ~90% of real rows (guest checkouts). */
  user_id: string | null;
  /**
   * Where the row came from: `<bucket>/<key>@<etag>` and its 1-based CSV line.
   * Together they identify a row, so a re-delivered upload is deduplicated by
   * the clean job while true repeats (same item twice in an order) survive.
   */
  source: string;
  line: number;
}

/** JSON Schema of {@link PurchaseEventV1}; documented in README and used by tests. */
export const PURCHASE_EVENT_JSON_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://recstream.dev/schemas/purchase-event/v1.json',
  title: 'PurchaseEventV1',
  type: 'object',
  additionalProperties: false,
  required: ['v', 'event_time', 'order_id', 'product_id', 'category_id', 'category_code', 'brand', 'price', 'user_id', 'source', 'line'],
  properties: {
    v: { const: PURCHASE_EVENT_VERSION },
    event_time: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$' },
    order_id: { type: 'string', pattern: '^\\d{1,20}$' },
    product_id: { type: 'string', pattern: '^\\d{1,20}$' },
    category_id: { type: ['string', 'null'], pattern: '^\\d{1,20}$' },
    category_code: { type: ['string', 'null'], minLength: 1 },
    brand: { type: ['string', 'null'], minLength: 1 },
    price: { type: 'string', pattern: '^\\d+(\\.\\d+)?$' },
    user_id: { type: ['string', 'null'], pattern: '^\\d{1,20}$' },
    source: { type: 'string', minLength: 1 },
    line: { type: 'integer', minimum: 2 },
  },
} as const;

/** The Kafka topic rows are produced to and Firehose reads from. */
export const TOPIC = {
  name: 'purchases',
  /** MSK Serverless caps a partition at 5 MB/s in; 6 leaves headroom for one producer. */
  partitions: 6,
} as const;

/** Firehose buffering: an object is written at 5 MiB or 300 s, whichever first. */
export const FIREHOSE_BUFFER = { sizeMiB: 5, intervalSeconds: 300 } as const;

/**
 * Object layout. The raw bucket (and the local twin's lake folder) holds what
 * Firehose lands plus everything the Spark jobs write; keys are relative.
 */
export const LAKE = {
  /** Firehose prefix; the twin's sink appends the same `yyyy/MM/dd/HH/` folders. */
  rawPrefix: 'raw/purchases/',
  rawErrorPrefix: 'raw-errors/',
  curatedPrefix: 'curated/purchases/',
  cleanReportKey: 'reports/clean-report.json',
  recommendationsPrefix: 'serving/recommendations/',
  fallbackKey: 'serving/fallback.json',
  metricsKey: 'serving/metrics.json',
  analyticsPrefix: 'analytics/',
} as const;

/** Upload suffixes the ingest trigger accepts. */
export const UPLOAD_SUFFIXES = ['.csv', '.csv.gz'] as const;

/** Rejected rows of an upload are kept beside it, with the run's report. */
export const quarantineKeyFor = (uploadKey: string): string => `${uploadKey}.rejected.jsonl`;
export const ingestReportKeyFor = (uploadKey: string): string => `${uploadKey}.report.json`;

/** Analytics documents the clean data produces and the dashboard draws. */
export const ANALYTICS_DOCUMENTS = [
  'summary',
  'monthly_sales',
  'top_customers',
  'top_categories',
  'top_brands',
  'hour_weekday',
  'purchase_frequency',
] as const;
export type AnalyticsDocument = (typeof ANALYTICS_DOCUMENTS)[number];
export const analyticsKeyFor = (doc: AnalyticsDocument): string => `${LAKE.analyticsPrefix}${doc}.json`;

/** The serving store: one item per user holding the top-3. */
export const SERVING_TABLE = {
  partitionKey: 'user_id',
  /** The popularity list served to users without personal recommendations. */
  fallbackUserId: '__fallback__',
  topK: 3,
} as const;

/** A user id as the API accepts it: the store's 19-digit-ish decimal ids. */
export const USER_ID_PATTERN = /^\d{1,20}$/;

/** One recommended product as the recommend job writes it and the API returns it. */
export interface RecommendedProduct {
  product_id: string;
  score: number;
  category_code: string | null;
  brand: string | null;
  price: string | null;
  /**
   * Why this item is in the list, when the recommend job says so per item (a
   * list can start with repeats and be topped up from ALS or popularity).
   * Absent: the list's `source` (which is its first item's).
   */
  source?: RecommendationSource;
}

/** Why a user got the list they got. */
export type RecommendationSource = 'als' | 'repeat' | 'popular' | 'fallback';

/** One line of the recommend job's output and one item of the serving store. */
export interface UserRecommendations {
  user_id: string;
  recommendations: RecommendedProduct[];
  source: RecommendationSource;
}

/** The JSON the Spark jobs read (see header). */
export const sparkContract = () => ({
  generated_from: 'lib/contract.ts',
  csv_columns: CSV_COLUMNS,
  purchase_event_version: PURCHASE_EVENT_VERSION,
  purchase_event_fields: PURCHASE_EVENT_JSON_SCHEMA.required,
  topic: TOPIC,
  firehose_buffer: FIREHOSE_BUFFER,
  lake: LAKE,
  analytics_documents: ANALYTICS_DOCUMENTS,
  serving_table: SERVING_TABLE,
});

/** Environment variables the CDK app sets and the Lambda handlers read. */
export const LAMBDA_ENV = {
  /** Comma-separated bootstrap servers (MSK: resolved at deploy time, port 9098). */
  kafkaBrokers: 'KAFKA_BROKERS',
  /** `iam` on MSK (SASL/OAUTHBEARER over TLS), `plaintext` on the local broker. */
  kafkaAuth: 'KAFKA_AUTH',
  tableName: 'TABLE_NAME',
  /** The raw/lake bucket: recommendations output and analytics documents. */
  lakeBucket: 'LAKE_BUCKET',
  allowedOrigin: 'ALLOWED_ORIGIN',
} as const;

/** HTTP routes of the recommendation API (API Gateway and the local server alike). */
export const API_ROUTES = {
  health: '/health',
  recommendations: '/users/{userId}/recommendations',
  analytics: '/analytics/{name}',
} as const;

/** Written next to the built site at deploy time, so one build serves every deployment. */
export const WEB_RUNTIME_CONFIG_FILE = 'config.json';
export interface WebRuntimeConfig {
  /** Base URL of the API, without a trailing slash. */
  apiUrl: string;
  /** The OpenID Connect provider analysts sign in with (Cognito on AWS, a local provider in the twin). */
  auth: { authority: string; clientId: string; scopes: string } | null;
}

/** What the API answers (and the website shows) for an id that fails {@link USER_ID_PATTERN}. */
export const USER_ID_RULE = 'A user id is 1 to 20 digits, e.g. 564068124281422848.';

/**
 * Shapes of the analytics documents (`analyticsKeyFor(name)`), written by the
 * analyse job and drawn by the dashboard. Money is a JSON number in the store's
 * currency, rounded to cents; months are `YYYY-MM`.
 */
export interface AnalyticsSummary {
  orders: number;
  units: number;
  revenue: number;
  customers: number;
  products: number;
  average_order_value: number;
  first_day: string;
  last_day: string;
}
export interface MonthlySales { month: string; revenue: number; orders: number; units: number }
export interface TopCustomer { user_id: string; revenue: number; orders: number; units: number }
export interface TopCategory { category_code: string; revenue: number; units: number }
export interface TopBrand { brand: string; revenue: number; units: number }
/** `weekday` 1 = Monday … 7 = Sunday (ISO), `hour` 0–23 in UTC. */
export interface HourWeekdayCell { weekday: number; hour: number; orders: number }
/** How many customers placed `orders` orders. */
export interface PurchaseFrequencyBucket { orders: number; customers: number }
export interface AnalyticsDocuments {
  summary: AnalyticsSummary;
  monthly_sales: MonthlySales[];
  top_customers: TopCustomer[];
  top_categories: TopCategory[];
  top_brands: TopBrand[];
  hour_weekday: HourWeekdayCell[];
  purchase_frequency: PurchaseFrequencyBucket[];
}

/** What `GET /users/{userId}/recommendations` answers (the API and the website). */
export interface RecommendationsResponse {
  user_id: string;
  source: RecommendationSource;
  /** False when the user has no item of their own and got the popularity fallback. */
  personalized: boolean;
  recommendations: RecommendedProduct[];
}
