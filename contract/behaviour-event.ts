/**
 * The behaviour event (issue 15): one shopper action in the public REES46 clickstream format,
 * its field rules and reject codes, the rule that cuts sessions, and where the behaviour jobs read
 * and write in the lake.
 */
import { EVENT_TIME_PATTERN, ID_PATTERN, PRICE_PATTERN, invalid, missing, outOfRange } from './rules';

/** Columns of a REES46 behaviour CSV, in order. */
export const BEHAVIOUR_CSV_COLUMNS = [
  'event_time',
  'event_type',
  'product_id',
  'category_id',
  'category_code',
  'brand',
  'price',
  'user_id',
  'user_session',
] as const;
export type BehaviourCsvColumn = (typeof BEHAVIOUR_CSV_COLUMNS)[number];

/** What a shopper did; the funnel is view -> cart -> purchase. */
export const BEHAVIOUR_EVENT_TYPES = ['view', 'cart', 'remove_from_cart', 'purchase'] as const;
export type BehaviourEventType = (typeof BEHAVIOUR_EVENT_TYPES)[number];

/**
 * The field rules of an event, with purchases' patterns (contract/rules.ts: ids, price, event time
 * and its range, control characters) and their reject-code naming. Applied in the same order by the
 * collector and ingest (lambdas/collector/behaviour-rules.ts) and the behaviour clean step
 * (emr-jobs/behaviour_jobs/events.py); both run test/fixtures/behaviour-rule-examples.json.
 */
export const BEHAVIOUR_REQUIRED_FIELDS = ['event_time', 'event_type', 'product_id', 'price'] as const satisfies readonly BehaviourCsvColumn[];
export const BEHAVIOUR_ID_FIELDS = ['product_id', 'category_id', 'user_id'] as const satisfies readonly BehaviourCsvColumn[];
/** Free text held to the control-character rule: a NUL or escape here would reach the site's recent sessions. */
export const BEHAVIOUR_TEXT_FIELDS = ['category_code', 'brand', 'user_session'] as const satisfies readonly BehaviourCsvColumn[];
/** Neither a person nor a visit to attach the event to: no session rule can place it. */
export const NO_USER_AND_NO_SESSION = 'missing_user_id_and_user_session';

/** The first failing check, in this order, names an event's reject code. */
export const BEHAVIOUR_FIELD_REJECT_REASONS = [
  ...BEHAVIOUR_REQUIRED_FIELDS.map(missing),
  ...BEHAVIOUR_ID_FIELDS.map(invalid),
  invalid('event_time'),
  outOfRange('event_time'),
  invalid('event_type'),
  invalid('price'),
  ...BEHAVIOUR_TEXT_FIELDS.map(invalid),
  NO_USER_AND_NO_SESSION,
] as const;

/** Only a storefront's JSON to the collector can break these (the CSV carries neither field, nor non-objects). */
export const COLLECTOR_REJECT_REASONS = [invalid('user_agent'), invalid('ip'), 'not_an_object'] as const;

export type BehaviourRejectReason = (typeof BEHAVIOUR_FIELD_REJECT_REASONS)[number] | (typeof COLLECTOR_REJECT_REASONS)[number];

/** Bump when a field changes meaning; consumers branch on `v`. */
export const BEHAVIOUR_EVENT_VERSION = 1;

/**
 * A session ends after this much inactivity: a gap longer than it (strictly) starts a new one,
 * both for events without a `user_session` and inside a `user_session` that spans such a gap.
 */
export const SESSION_INACTIVITY_SECONDS = 30 * 60;

/**
 * One behaviour event as produced to Kafka and landed by Firehose (gzip JSON lines).
 * Ids are decimal strings (category ids have 19 digits, beyond 2^53); `price` is a decimal string.
 */
export interface BehaviourEventV1 {
  v: typeof BEHAVIOUR_EVENT_VERSION;
  /** `2019-10-01 00:00:00 UTC` (as the CSV ships it) or ISO-8601 UTC `2019-10-01T00:00:00Z`. */
  event_time: string;
  event_type: BehaviourEventType;
  product_id: string;
  category_id: string | null;
  category_code: string | null;
  brand: string | null;
  price: string;
  /** Missing rarely; such events can only be sessionized by `user_session`. */
  user_id: string | null;
  /** A UUID from the store's tracker; missing rarely (then the inactivity rule cuts sessions). */
  user_session: string | null;
  /** `<bucket>/<key>@<etag>` and the 1-based CSV line: a re-delivered line is recognised. */
  source: string;
  line: number;
  /**
   * The shopper's browser user agent and address, as a storefront may send them to the collector
   * (never in the CSV formats): present only when sent. The streaming job derives device and country.
   */
  user_agent?: string;
  /** IPv4 or IPv6, as `node:net` and Python's `ipaddress` both read it. */
  ip?: string;
}

/** A longer user agent is refused (`invalid_user_agent`): real ones stay well under it. */
export const USER_AGENT_MAX_CHARS = 512;

/** JSON Schema of {@link BehaviourEventV1}. */
export const BEHAVIOUR_EVENT_JSON_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://recstream.dev/schemas/behaviour-event/v1.json',
  title: 'BehaviourEventV1',
  type: 'object',
  additionalProperties: false,
  required: ['v', 'event_time', 'event_type', 'product_id', 'category_id', 'category_code', 'brand', 'price', 'user_id', 'user_session', 'source', 'line'],
  properties: {
    v: { const: BEHAVIOUR_EVENT_VERSION },
    event_time: { type: 'string', pattern: EVENT_TIME_PATTERN },
    event_type: { enum: BEHAVIOUR_EVENT_TYPES },
    product_id: { type: 'string', pattern: ID_PATTERN },
    category_id: { type: ['string', 'null'], pattern: ID_PATTERN },
    category_code: { type: ['string', 'null'], minLength: 1 },
    brand: { type: ['string', 'null'], minLength: 1 },
    price: { type: 'string', pattern: PRICE_PATTERN },
    user_id: { type: ['string', 'null'], pattern: ID_PATTERN },
    user_session: { type: ['string', 'null'], minLength: 1 },
    source: { type: 'string', minLength: 1 },
    line: { type: 'integer', minimum: 2 },
    user_agent: { type: 'string', minLength: 1, maxLength: USER_AGENT_MAX_CHARS },
    ip: { type: 'string', anyOf: [{ format: 'ipv4' }, { format: 'ipv6' }] },
  },
} as const;

/** Where the behaviour data product lives in the lake (keys relative to the raw bucket / twin lake). */
export const BEHAVIOUR_LAKE = {
  /** Firehose prefix of behaviour events (gzip JSON lines, `yyyy/MM/dd/HH/` folders below). */
  rawPrefix: 'raw/events/',
  /** Clean, deduplicated events with their session id (Parquet): what funnel, intent and categories read. */
  eventsPrefix: 'curated/events/',
  /** One row per session (Parquet). */
  sessionsPrefix: 'curated/sessions/',
  /** Rejected raw events, each with its reason (JSON lines). */
  quarantinePrefix: 'raw-errors/events/',
  sessionsReportKey: 'reports/sessions-report.json',
  funnelKey: 'analytics/behaviour/funnel.json',
  /** Every intent run: `<prefix><run-id>/model/` and `<prefix><run-id>/run.json`. */
  intentModelsPrefix: 'models/intent/',
  /** All intent runs, and which one is served. */
  intentHistoryKey: 'models/intent/history.json',
  /** Top-3 categories per user (JSON lines). */
  topCategoriesPrefix: 'serving/top-categories/',
  topCategoriesMetricsKey: 'serving/top-categories-metrics.json',
  /**
   * What the nightly sessions run keeps (README-behaviour.md "Incremental runs"): the raw objects processed and
   * per-day counts; the events as landed with their session, one folder per session start day; per tracker
   * session id, the users it named and the days its events sit in; the funnel's per-day partials.
   */
  eventsManifestKey: 'state/behaviour/manifest.json',
  eventsStatePrefix: 'state/behaviour/events/',
  trackersStatePrefix: 'state/behaviour/trackers/',
  /** The funnel's partials: per funnel unit and event day, the times its steps merge from (README-behaviour.md "Incremental runs"). */
  funnelStatePrefix: 'state/behaviour/funnel/',
} as const;
