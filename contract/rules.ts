/**
 * What makes a purchase row valid, for ingest (lambdas/ingest/row.ts) and the
 * clean job (emr-jobs/recstream_jobs/rules.py) alike: the id, price and
 * event-time rules, which fields are required, and the reject codes.
 *
 * Patterns are regex sources that JavaScript, Java (Spark's `rlike`) and
 * Python's `re` read the same way: `[0-9]`, not `\d` (which matches any
 * Unicode digit in Python), and `$` only at the very end (the Spark side turns
 * it into `\z`, because Java's `$` also matches before a final line break).
 */
import type { CsvColumn } from './purchase-event';

/** A decimal id: the store's ids are 19 digits, beyond 2^53, so they stay strings. */
export const ID_PATTERN = '^[0-9]{1,20}$';

/**
 * A non-negative decimal as uploaded. The stricter of the two rules the halves
 * used to have (TypeScript took any number of digits, `.5` and `+3`): Spark
 * keeps prices as DECIMAL(12,2), so more than 10 integer digits cannot be
 * stored, and a row ingest accepts must not be one clean has to refuse.
 * Fractions beyond cents are accepted and rounded by that cast.
 */
export const PRICE_PATTERN = '^[0-9]{1,10}([.][0-9]{1,6})?$';

/**
 * `2020-04-24 11:50:39 UTC` (the data set's form) or ISO-8601 UTC (`Z` or
 * `+00:00`), optionally with fractional seconds. Groups: year, month, day,
 * hour, minute, second, fraction, zone. A date that matches but does not exist
 * (2019-02-29, 24:00, :60) is an invalid time too, checked by each side's calendar.
 */
export const EVENT_TIME_PATTERN = '^([0-9]{4})-([0-9]{2})-([0-9]{2})[ T]([0-9]{2}):([0-9]{2}):([0-9]{2})([.][0-9]{1,9})?( UTC|Z|[+]00:00)$';

/** Fields a row cannot do without; the others may be empty (guests have no user id). */
export const REQUIRED_FIELDS = ['event_time', 'order_id', 'product_id', 'price'] as const satisfies readonly CsvColumn[];
export type RequiredField = (typeof REQUIRED_FIELDS)[number];

/** Fields held to {@link ID_PATTERN} when present. */
export const ID_FIELDS = ['order_id', 'product_id', 'category_id', 'user_id'] as const satisfies readonly CsvColumn[];

/** Fields of free-ish text, held to {@link CONTROL_CHARACTER_PATTERN} only. */
export const TEXT_FIELDS = ['category_code', 'brand'] as const satisfies readonly CsvColumn[];

/**
 * A C0 control character other than tab, or DEL: no store name or category
 * contains one, and a NUL or escape passed on would reach the site. Tested on
 * the trimmed value, so a line's own CR/LF or padding never trips it; a quoted
 * field spanning lines keeps its line break and is rejected by it.
 */
export const CONTROL_CHARACTER_PATTERN = '[\\x00-\\x08\\x0A-\\x1F\\x7F]';

/**
 * Problems with a whole record, before any field is read: CSV records in
 * ingest, JSON lines (`malformed_json`) in clean. `incomplete_line`: the
 * upload ended (a truncated gzip) inside this line. Blank lines are not
 * records: ingest counts them apart (`blankLines`), never as rejections.
 */
export const LINE_REJECT_REASONS = ['incomplete_line', 'line_too_long', 'invalid_utf8', 'broken_quoting', 'column_count', 'malformed_json'] as const;

/** The field checks in the order both sides apply them: the first failing one names the row's reason (ingest's quarantine lists every one). */
export const FIELD_REJECT_REASONS = [
  ...REQUIRED_FIELDS.map((field) => `missing_${field}` as const),
  ...ID_FIELDS.map((field) => `invalid_${field}` as const),
  'invalid_event_time',
  'invalid_price',
  ...TEXT_FIELDS.map((field) => `invalid_${field}` as const),
] as const;

export type RejectReason = (typeof LINE_REJECT_REASONS)[number] | (typeof FIELD_REJECT_REASONS)[number];

/**
 * Clean only: good rows it holds back because of their upload (contract
 * UploadCompleteV1): no completion record, or not all its rows landed yet
 * (`incomplete_upload`); replaced by a later complete upload of the same key
 * (`superseded_upload`).
 */
export const UPLOAD_REJECT_REASONS = ['incomplete_upload', 'superseded_upload'] as const;

/** Every code a quarantined row can carry, in ingest's `rejectedByReason` and clean's report alike. */
export const REJECT_REASONS: readonly (RejectReason | (typeof UPLOAD_REJECT_REASONS)[number])[] = [...LINE_REJECT_REASONS, ...FIELD_REJECT_REASONS, ...UPLOAD_REJECT_REASONS];

/** A valid row both sides accept, which {@link RULE_EXAMPLES} change one field of. */
export const EXAMPLE_ROW: Readonly<Record<CsvColumn, string>> = {
  event_time: '2020-04-24 11:50:39 UTC',
  order_id: '2294359932054536986',
  product_id: '1515966223509089906',
  category_id: '2268105426648170900',
  category_code: 'electronics.tablet',
  brand: 'samsung',
  price: '162.01',
  user_id: '1515915625441993984',
};

/**
 * One field of {@link EXAMPLE_ROW} set to `value`, and the reject code both
 * ingest and clean must give it (null: accepted). Tests on both sides run every
 * example through their real row checks, so the halves cannot drift apart.
 */
export interface RuleExample {
  field: CsvColumn;
  value: string;
  reason: RejectReason | null;
}

const example = (field: CsvColumn, reason: RejectReason | null, ...values: string[]): RuleExample[] => values.map((value) => ({ field, value, reason }));

export const RULE_EXAMPLES: readonly RuleExample[] = [
  ...example('order_id', null, '1', '12345678901234567890', ' 2294359932054536986 ', '\t7\r\n'),
  ...example('order_id', 'missing_order_id', '', '   '),
  ...example('order_id', 'invalid_order_id', '123456789012345678901', '12a', '-1', '1.0', '１２３', '٣', '1\n2'),
  ...example('product_id', 'missing_product_id', ''),
  ...example('product_id', 'invalid_product_id', 'not-a-number'),
  ...example('category_id', null, ''),
  ...example('category_id', 'invalid_category_id', 'x'),
  ...example('user_id', null, ''),
  ...example('user_id', 'invalid_user_id', '1515915625441993984x', '15159156254419939841515', '000000000000000000001515'),
  ...example('brand', null, 'müller', 'sam\tsung', ' samsung\r\n'),
  ...example('brand', 'invalid_brand', 'sam\u0000sung', 'sam\nsung', 'sam\u007fsung'),
  ...example('category_code', null, 'electronics.tablet'),
  ...example('category_code', 'invalid_category_code', 'electronics\u001b[31m.tablet', '\u0007'),
  ...example('price', null, '162.01', '0', '0.00', '0162.010', '1234567890', '1.123456'),
  ...example('price', 'missing_price', ''),
  ...example('price', 'invalid_price', 'abc', '-5', '1e3', '.5', '7.', '+3', '12345678901', '1.1234567', '1,5', 'NaN', '٣'),
  ...example('event_time', null, '2020-04-24T11:50:39Z', '2020-04-24T11:50:39.5+00:00', '2020-02-29 00:00:00 UTC', '1970-01-01 00:00:00 UTC'),
  ...example('event_time', 'missing_event_time', ''),
  ...example(
    'event_time',
    'invalid_event_time',
    'yesterday',
    '2020-04-24 11:50:39',
    '2020-04-24 11:50:39 +02:00',
    '2019-02-29 00:00:00 UTC',
    '2020-04-31 10:00:00 UTC',
    '2020-13-01 00:00:00 UTC',
    '2020-04-24 24:00:00 UTC',
    '2020-04-24 11:60:00 UTC',
  ),
];

/** Shown to a reader of a quarantined row. */
export const RULE_DESCRIPTIONS = {
  id: 'a decimal id of 1-20 digits',
  price: 'a non-negative decimal with at most 10 digits before the point and 6 after',
  eventTime: 'a UTC time like 2020-04-24 11:50:39 UTC',
  text: 'text without control characters (C0 other than tab, or DEL)',
} as const;
