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
 * A non-negative decimal below ten million, for purchases and behaviour events alike, in ingest, the
 * collector, both clean steps and the streaming job. The bound is in the pattern (at most 7 digits
 * before the point): no store sells one item for more, so a longer price is a defect, rejected with
 * `invalid_price`, not a number to add to revenue. It also keeps the batch's DECIMAL(12,2) cast
 * exact: 9999999.999999 rounds to 10000000.00, which fits, where 10 digits could round past it
 * (9999999999.999999 became null in clean while the live view added it in full). Fractions beyond
 * cents are accepted and rounded by that cast.
 */
export const PRICE_PATTERN = '^[0-9]{1,7}([.][0-9]{1,6})?$';

/**
 * `2020-04-24 11:50:39 UTC` (the data set's form) or ISO-8601 UTC (`Z` or
 * `+00:00`), optionally with fractional seconds. Groups: year, month, day,
 * hour, minute, second, fraction, zone. A date that matches but does not exist
 * (2019-02-29, 24:00, :60) is an invalid time too, checked by each side's calendar.
 */
export const EVENT_TIME_PATTERN = '^([0-9]{4})-([0-9]{2})-([0-9]{2})[ T]([0-9]{2}):([0-9]{2}):([0-9]{2})([.][0-9]{1,9})?( UTC|Z|[+]00:00)$';

/**
 * The instants an event may carry, for every product and every side (ingest, collector, both clean
 * steps, the streaming job); a well-formed time outside it is `out_of_range_event_time`. Before 1970
 * is no store's traffic (and Parquet refuses to write years before 1900 as they are); the purchases
 * export's own "no time" is 1970-01-01, which stays valid (clean reads it as undated). Ahead of the
 * checking side's clock by more than a day is a wrong clock or a forged event: one such event (9999)
 * moved the live view's clock past all real traffic.
 */
export const EVENT_TIME_RANGE = { earliest: '1970-01-01T00:00:00Z', maxAheadSeconds: 24 * 60 * 60 } as const;
const EARLIEST_EVENT_MS = Date.parse(EVENT_TIME_RANGE.earliest);

const TIME_RE = new RegExp(EVENT_TIME_PATTERN);
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeapYear = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** A parsed event time: ISO-8601 UTC (`2020-04-24T11:50:39Z`, the fraction kept as sent) and epoch ms (fraction cut to the ms). */
export interface EventTime {
  iso: string;
  ms: number;
}

/**
 * The one event-time parser of the TypeScript side (ingest's purchases and events rows, the
 * collector, replay); the Spark side's is `parse_event_time` in emr-jobs/recstream_jobs/rules.py,
 * and both run {@link EVENT_TIME_EXAMPLES}. `invalid`: not the pattern, or a date that does not exist
 * (2019-02-29, 24:00, :60; calendar arithmetic, not a Date round trip: this runs once per row);
 * `out_of_range`: outside {@link EVENT_TIME_RANGE} for a clock reading `nowMs`.
 */
export function parseEventTime(value: string, nowMs: number): EventTime | 'invalid' | 'out_of_range' {
  const m = TIME_RE.exec(value);
  if (m === null) return 'invalid';
  const [year, month, day, hour, minute, second] = [+m[1], +m[2], +m[3], +m[4], +m[5], +m[6]];
  // Before the calendar check, as the Spark side does: its parser has no year 0 to judge a date of.
  if (year < 1970) return 'out_of_range';
  const daysInMonth = month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1];
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour < 24 && minute < 60 && second < 60)) return 'invalid';
  const fraction = m[7] ?? '';
  const ms = Date.UTC(year, month - 1, day, hour, minute, second) + (fraction ? Math.trunc(Number(`0${fraction}`) * 1000) : 0);
  if (ms < EARLIEST_EVENT_MS || ms > nowMs + EVENT_TIME_RANGE.maxAheadSeconds * 1000) return 'out_of_range';
  return { iso: `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${fraction}Z`, ms };
}

/**
 * Times and what every side's parser makes of them, for a clock at {@link EXAMPLES_NOW}: the ISO
 * form with the fraction cut to whole seconds (what the batch keeps), or the reject. Run by ingest's
 * and the collector's tests, both clean steps' and the streaming job's.
 */
export const EXAMPLES_NOW = '2026-01-01T00:00:00Z';
export const EVENT_TIME_EXAMPLES: readonly { value: string; expected: string | 'invalid' | 'out_of_range' }[] = [
  { value: '2020-04-24 11:50:39 UTC', expected: '2020-04-24T11:50:39Z' },
  { value: '2020-04-24T11:50:39Z', expected: '2020-04-24T11:50:39Z' },
  { value: '2020-04-24T11:50:39+00:00', expected: '2020-04-24T11:50:39Z' },
  { value: '2020-04-24T11:50:39.5Z', expected: '2020-04-24T11:50:39Z' },
  { value: '2020-04-24T11:50:39.1234567Z', expected: '2020-04-24T11:50:39Z' },
  { value: '2020-04-24 11:50:39.123456789 UTC', expected: '2020-04-24T11:50:39Z' },
  { value: '2020-02-29 00:00:00 UTC', expected: '2020-02-29T00:00:00Z' },
  { value: '1970-01-01 00:00:00 UTC', expected: '1970-01-01T00:00:00Z' },
  { value: '2026-01-01 23:59:59 UTC', expected: '2026-01-01T23:59:59Z' },
  { value: '2026-01-02 00:00:00 UTC', expected: '2026-01-02T00:00:00Z' },
  { value: '2026-01-02 00:00:01 UTC', expected: 'out_of_range' },
  { value: '9999-12-31 23:59:59 UTC', expected: 'out_of_range' },
  { value: '1969-12-31 23:59:59 UTC', expected: 'out_of_range' },
  { value: '1899-12-31 23:59:59 UTC', expected: 'out_of_range' },
  { value: '0000-01-01 00:00:00 UTC', expected: 'out_of_range' },
  { value: '0099-06-01T00:00:00Z', expected: 'out_of_range' },
  { value: 'yesterday', expected: 'invalid' },
  { value: '2020-04-24 11:50:39', expected: 'invalid' },
  { value: '2020-04-24 11:50:39 +02:00', expected: 'invalid' },
  { value: '2020-04-24T11:50:39.Z', expected: 'invalid' },
  { value: '2020-04-24T11:50:39.1234567890Z', expected: 'invalid' },
  { value: '2019-02-29 00:00:00 UTC', expected: 'invalid' },
  { value: '2020-04-31 10:00:00 UTC', expected: 'invalid' },
  { value: '2020-13-01 00:00:00 UTC', expected: 'invalid' },
  { value: '2020-00-10 00:00:00 UTC', expected: 'invalid' },
  { value: '2020-04-24 24:00:00 UTC', expected: 'invalid' },
  { value: '2020-04-24 11:60:00 UTC', expected: 'invalid' },
  { value: '2020-04-24 11:50:60 UTC', expected: 'invalid' },
  { value: '２０２０-04-24 11:50:39 UTC', expected: 'invalid' },
];

/**
 * The one naming of field reject codes, for purchases and behaviour events alike: `missing_<field>`
 * (required but empty), `invalid_<field>` (breaks the field's rule), `out_of_range_<field>` (well
 * formed, outside the allowed range). Line-level codes ({@link LINE_REJECT_REASONS}) name the problem.
 */
export const missing = <F extends string>(field: F) => `missing_${field}` as const;
export const invalid = <F extends string>(field: F) => `invalid_${field}` as const;
export const outOfRange = <F extends string>(field: F) => `out_of_range_${field}` as const;

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
  ...REQUIRED_FIELDS.map(missing),
  ...ID_FIELDS.map(invalid),
  invalid('event_time'),
  outOfRange('event_time'),
  invalid('price'),
  ...TEXT_FIELDS.map(invalid),
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
  ...example('price', null, '162.01', '0', '0.00', '0162.010', '1234567', '9999999.999999', '1.123456'),
  ...example('price', 'missing_price', ''),
  ...example('price', 'invalid_price', 'abc', '-5', '1e3', '.5', '7.', '+3', '12345678', '9999999999.999999', '1.1234567', '1,5', 'NaN', '٣'),
  ...example('event_time', null, '2020-04-24T11:50:39Z', '2020-04-24T11:50:39.5+00:00', '2020-02-29 00:00:00 UTC', '1970-01-01 00:00:00 UTC'),
  ...example('event_time', 'out_of_range_event_time', '1969-12-31 23:59:59 UTC', '0000-01-01 00:00:00 UTC', '9999-12-31 23:59:59 UTC'),
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
  price: 'a non-negative decimal with at most 7 digits before the point and 6 after',
  eventTime: 'a UTC time like 2020-04-24 11:50:39 UTC',
  eventTimeRange: `a time from ${EVENT_TIME_RANGE.earliest} to ${EVENT_TIME_RANGE.maxAheadSeconds / 3600} hours after now`,
  text: 'text without control characters (C0 other than tab, or DEL)',
} as const;
