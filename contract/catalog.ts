/**
 * The lake as tables (issue 25): one definition of every dataset analysts query, read by the Glue catalog
 * (lib/lake-catalog.ts, Athena on AWS) and the twin's DuckDB views (local/sql/), so both engines see the same
 * table names, columns and types. Column types are Hive's (what Glue stores); local/sql/types.ts turns them
 * into DuckDB's. test/sql/ checks every column against what the real Spark jobs write.
 *
 * Not catalogued: the analytics and funnel documents (one JSON document each, not rows: the named queries
 * answer the same questions from the tables), the intent models and the live intent scores (the streaming job
 * keeps them in one rolling document, realtime/live.json, not in rows that accumulate).
 */
import { BEHAVIOUR_LAKE } from './behaviour-event';
import { CURATED_PARTITION, LAKE } from './lake';

/**
 * The curated purchases' month partitions as the catalog sees them: the column, format and undated value are
 * contract/lake.ts CURATED_PARTITION (what clean writes, `<prefix>month=yyyy-MM/` and `month=undated/`), so a
 * change there moves the jobs and both catalogs. Athena projects the dated months from `firstMonth` to
 * `lastMonth` (no crawler, no MSCK REPAIR: a month is queryable as soon as clean writes it); partition
 * projection has no type for a date range plus one literal, so the undated folder is its own table.
 *
 * A month outside the projected range is not an error on Athena: its rows are silently absent. So the range
 * holds every month clean can write: clean keeps times from contract/rules.ts EVENT_TIME_RANGE.earliest (1970)
 * and files 1970 ones as undated (emr-jobs/recstream_jobs/partitions.py month_of), so the first dated month
 * is 1971-01; it keeps times up to maxAheadSeconds (24 h) after its run, so a row may sit in the month after
 * the current one. The price: an unfiltered query also lists the empty months (AWS advises traditional
 * partitions when more than half are empty, for speed; docs/costs.md "Analysts' SQL"). test/sql/ runs clean
 * on a 1971-01-01 00:00:01 line item and compares monthly revenue with the dashboard's.
 */
export const PURCHASES_PARTITION = {
  ...CURATED_PARTITION,
  /** The first month Athena projects: the first month clean dates (a year after 1970). */
  firstMonth: '1971-01',
  /** The last month Athena projects, relative to the query's time (UTC): clean keeps times up to 24 h ahead. */
  lastMonth: 'NOW+1MONTH',
} as const;

/** A column: its name, its Hive type (`string`, `bigint`, `decimal(12,2)`, `array<struct<a:string>>` ...), what it holds. */
export interface CatalogColumn {
  name: string;
  type: string;
  comment: string;
}

export interface LakeTable {
  name: string;
  comment: string;
  /** Key prefix in the lake bucket (contract/lake.ts, contract/behaviour-event.ts), ending in `/`. */
  prefix: string;
  /** `parquet` as Spark writes it; `json`: JSON lines (Spark's JSON writer or the jobs' own part files). */
  format: 'parquet' | 'json';
  columns: readonly CatalogColumn[];
  /** Set on the one table whose folders are time partitions (partition projection on AWS). */
  partition?: typeof PURCHASES_PARTITION;
}

const c = (name: string, type: string, comment: string): CatalogColumn => ({ name, type, comment });

const MONEY = 'decimal(12,2)';
const PRODUCT_COLUMNS = [
  c('product_id', 'string', '19-digit product id (a string: beyond 2^53)'),
  c('category_id', 'string', 'category id, null when unknown'),
  c('category_code', 'string', "category path such as 'electronics.smartphone', null when unknown"),
  c('brand', 'string', 'brand, null when unknown'),
];

const PURCHASE_COLUMNS = [
  c('event_time', 'timestamp', 'when the line item was bought (UTC); null in purchases_undated'),
  c('order_id', 'string', 'order id; an order has one or more line items'),
  ...PRODUCT_COLUMNS,
  c('price', MONEY, 'unit price in the store currency'),
  c('user_id', 'string', 'customer id, null for guest checkouts'),
  c('quantity', 'int', 'identical rows of one order merged: units of this line item'),
];

/** Raw fields as the landed JSON carries them (every value a string, as sent), with why the row was refused. */
const REFUSED_COMMON = [c('reject_reason', 'string', 'the first rule the row broke (contract/rules.ts codes)'), c('source', 'string', '<bucket>/<key>@<etag> of the upload'), c('line', 'bigint', '1-based CSV line of the upload')];

const RECOMMENDED_PRODUCT =
  'struct<product_id:string,score:double,category_code:string,brand:string,price:string,source:string,times_bought:bigint,last_bought:string,' +
  'because_of:struct<product_id:string,category_code:string,brand:string>,customers_also:bigint,category_rank:bigint,popular_rank:bigint,window_days:bigint>';

export const LAKE_TABLES: readonly LakeTable[] = [
  {
    name: 'purchases',
    comment: 'Curated purchase line items with a known time, one partition per month (clean job).',
    prefix: LAKE.curatedPrefix,
    format: 'parquet',
    columns: PURCHASE_COLUMNS,
    partition: PURCHASES_PARTITION,
  },
  {
    name: 'purchases_undated',
    comment: 'Curated line items whose time was missing (1970-01-01 in the data): they count in revenue, brands and categories, not in months.',
    prefix: `${LAKE.curatedPrefix}${PURCHASES_PARTITION.column}=${PURCHASES_PARTITION.undated}/`,
    format: 'parquet',
    columns: PURCHASE_COLUMNS,
  },
  {
    name: 'purchase_rejects',
    comment: 'Landed purchase rows clean refused, as landed, with the reason (a snapshot: each run replaces it).',
    prefix: LAKE.quarantinePrefix,
    format: 'json',
    columns: [
      c('event_time', 'string', 'as landed'),
      c('order_id', 'string', 'as landed'),
      ...PRODUCT_COLUMNS.map((col) => ({ ...col, comment: 'as landed' })),
      c('price', 'string', 'as landed'),
      c('user_id', 'string', 'as landed'),
      c('v', 'bigint', 'event version, null for rows in the real-data shape'),
      ...REFUSED_COMMON,
      c('_corrupt_record', 'string', 'the whole line, when it was not JSON'),
      c('input_file', 'string', 'the landed object the row came from'),
    ],
  },
  {
    name: 'events',
    comment: 'Clean, deduplicated behaviour events with their session (sessions job).',
    prefix: BEHAVIOUR_LAKE.eventsPrefix,
    format: 'parquet',
    columns: [
      c('event_ts', 'timestamp', 'when the shopper acted (UTC)'),
      c('event_type', 'string', 'view, cart, remove_from_cart or purchase'),
      c('product_id', 'string', 'product id'),
      c('category_id', 'string', 'category id, null when unknown'),
      c('category_code', 'string', 'category path, null when unknown'),
      c('brand', 'string', 'brand, null when unknown'),
      c('price', MONEY, 'price shown'),
      c('user_id', 'string', 'shopper id'),
      c('user_session', 'string', "the store tracker's session id"),
      c('session_id', 'string', 'the session recstream placed the event in'),
      c('session_rule', 'string', "'user_session' or 'inactivity': which rule cut the session"),
    ],
  },
  {
    name: 'sessions',
    comment: 'One row per session (sessions job).',
    prefix: BEHAVIOUR_LAKE.sessionsPrefix,
    format: 'parquet',
    columns: [
      c('session_id', 'string', 'session id'),
      c('user_id', 'string', 'shopper id'),
      c('user_session', 'string', "the store tracker's session id"),
      c('session_rule', 'string', "'user_session' or 'inactivity'"),
      c('start', 'timestamp', 'first event (UTC)'),
      c('end', 'timestamp', 'last event (UTC); quote it: "end"'),
      c('events', 'int', 'events'),
      c('views', 'int', 'view events'),
      c('carts', 'int', 'cart events'),
      c('removes', 'int', 'remove_from_cart events'),
      c('purchases', 'int', 'purchase events'),
      c('distinct_products', 'int', 'distinct products'),
      c('distinct_categories', 'int', 'distinct categories'),
      c('cart_value', MONEY, 'sum of carted prices'),
      c('revenue', MONEY, 'sum of purchased prices'),
      c('duration_seconds', 'int', 'last minus first event'),
      c('purchased', 'boolean', 'a purchase happened'),
      c('start_date', 'date', 'day of the first event (UTC)'),
    ],
  },
  {
    name: 'event_rejects',
    comment: 'Landed behaviour events the sessions job refused, as landed, with the reason (a snapshot: each run replaces it).',
    prefix: BEHAVIOUR_LAKE.quarantinePrefix,
    format: 'json',
    columns: [
      c('event_time', 'string', 'as landed'),
      c('event_type', 'string', 'as landed'),
      ...PRODUCT_COLUMNS.map((col) => ({ ...col, comment: 'as landed' })),
      c('price', 'string', 'as landed'),
      c('user_id', 'string', 'as landed'),
      c('user_session', 'string', 'as landed'),
      c('v', 'bigint', 'event version'),
      ...REFUSED_COMMON,
      c('user_agent', 'string', 'as sent to the collector'),
      c('ip', 'string', 'as sent to the collector'),
      c('_corrupt_record', 'string', 'the whole line, when it was not JSON'),
    ],
  },
  {
    name: 'recommendations',
    comment: "The served top-3 per customer from the recommend job's last run (a snapshot), and the fallback list under user_id '__fallback__'.",
    prefix: LAKE.recommendationsPrefix,
    format: 'json',
    columns: [
      c('user_id', 'string', "customer id, or '__fallback__'"),
      c('recommendations', `array<${RECOMMENDED_PRODUCT}>`, 'the list, best first, each with the evidence its card states'),
      c('source', 'string', "the list's first item's source"),
    ],
  },
  {
    name: 'top_categories',
    comment: "Each shopper's top categories from the categories job's last run (a snapshot).",
    prefix: BEHAVIOUR_LAKE.topCategoriesPrefix,
    format: 'json',
    columns: [
      c('user_id', 'string', 'shopper id'),
      c('categories', 'array<struct<category_id:string,category_code:string,affinity:double>>', 'best first; affinity null when padded from the most popular'),
    ],
  },
];

export type LakeTableName = (typeof LAKE_TABLES)[number]['name'];

export const lakeTable = (name: string): LakeTable | undefined => LAKE_TABLES.find((t) => t.name === name);
