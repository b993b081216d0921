/** The purchase event: the CSV a store uploads and the JSON row produced to Kafka. */
import { ID_PATTERN, PRICE_PATTERN } from './rules';

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
    order_id: { type: 'string', pattern: ID_PATTERN },
    product_id: { type: 'string', pattern: ID_PATTERN },
    category_id: { type: ['string', 'null'], pattern: ID_PATTERN },
    category_code: { type: ['string', 'null'], minLength: 1 },
    brand: { type: ['string', 'null'], minLength: 1 },
    price: { type: 'string', pattern: PRICE_PATTERN },
    user_id: { type: ['string', 'null'], pattern: ID_PATTERN },
    source: { type: 'string', minLength: 1 },
    line: { type: 'integer', minimum: 2 },
  },
} as const;

/**
 * The record ingest produces after every row of an upload was acknowledged,
 * on the same topic, so it reaches the lake as the rows do. The clean job
 * counts a source's rows only once its completion record has landed and so
 * have `rows` distinct lines of it; rows of an upload that never completed
 * (a truncated gzip, a run that failed or was killed) are held back as
 * `incomplete_upload`, and of two complete uploads of one key the one uploaded
 * later (`uploaded_at`) supersedes the other (`superseded_upload`), whichever
 * finished ingesting first.
 */
export interface UploadCompleteV1 {
  v: typeof PURCHASE_EVENT_VERSION;
  control: 'upload_complete';
  source: string;
  /** Rows of this source acknowledged before this record (the report's `produced`). */
  rows: number;
  /** When the object was created (the S3 event's time; a local file's mtime), ISO-8601 UTC with milliseconds. */
  uploaded_at: string;
}

export const UPLOAD_COMPLETE = 'upload_complete' satisfies UploadCompleteV1['control'];

/** JSON Schema of {@link UploadCompleteV1}. */
export const UPLOAD_COMPLETE_JSON_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://recstream.dev/schemas/upload-complete/v1.json',
  title: 'UploadCompleteV1',
  type: 'object',
  additionalProperties: false,
  required: ['v', 'control', 'source', 'rows', 'uploaded_at'],
  properties: {
    v: { const: PURCHASE_EVENT_VERSION },
    control: { const: UPLOAD_COMPLETE },
    source: { type: 'string', minLength: 1 },
    rows: { type: 'integer', minimum: 0 },
    uploaded_at: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$' },
  },
} as const;
