/**
 * One CSV line → a {@link PurchaseEventV1} or the reason it was rejected.
 * Pure functions: no I/O, so every rule is testable on strings.
 */
import { isUtf8 } from 'node:buffer';
import {
  CONTROL_CHARACTER_PATTERN,
  CSV_COLUMNS,
  UPLOAD_KINDS,
  uploadKindOfHeader,
  type UploadKind,
  ID_FIELDS,
  ID_PATTERN,
  PRICE_PATTERN,
  PURCHASE_EVENT_VERSION,
  REQUIRED_FIELDS,
  RULE_DESCRIPTIONS,
  TEXT_FIELDS,
  parseEventTime,
  type BehaviourRejectReason,
  type CsvColumn,
  type PurchaseEventV1,
  type RejectReason,
  type RequiredField,
} from '../../contract';
import type { KafkaRecord } from './record-batch';

/** Why a row went to quarantine: contract/rules.ts's codes, the clean job's too. */
export type { RejectReason };

/** One bad field of a row. */
export interface FieldError {
  field: CsvColumn;
  code: RejectReason;
}

export interface Rejection {
  /** The first failing check in the contract's order (what `rejectedByReason` counts). */
  reason: RejectReason | BehaviourRejectReason;
  /** Human-readable, names every bad field and its value. */
  message: string;
  /** Field-level rejections: every bad field of the row, not only the first. */
  errors?: FieldError[];
  /** broken_quoting of a quote still open at the end of the line: the record may continue on the next (RFC 4180). */
  unclosed?: true;
}

/** `realigned`: the row had the export defect {@link realignShiftedRow} repairs. */
export type FieldsOutcome = { event: PurchaseEventV1; realigned: boolean } | { rejection: Rejection };
/** `blank`: an empty or all-blank line, which is not a record; `record`: a good row of an events upload, already its Kafka record (event-row.ts). */
export type RowOutcome = FieldsOutcome | { blank: true } | { record: KafkaRecord };

/** Module-local copies: under tsx's CommonJS interop every read of an imported binding is a getter call, and these are read ~20 times per row. */
const COLUMNS: readonly CsvColumn[] = CSV_COLUMNS;
const VERSION = PURCHASE_EVENT_VERSION;
const ID_COLUMNS = ID_FIELDS;

const reject = (reason: RejectReason, message: string): { rejection: Rejection } => ({ rejection: { reason, message } });

/** Shows a bad value in a message without letting a huge one flood the quarantine. */
const quote = (value: string): string => JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);

/**
 * RFC 4180 fields of one record's text. A quote left open at the end is
 * flagged `unclosed`: ingest then tries the record with the following lines
 * (a quoted field may hold a line break), within a bound (ingest.ts).
 */
export function splitCsvLine(text: string): string[] | Rejection {
  if (!text.includes('"')) return text.split(',');
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        const close = text.indexOf('"', j);
        if (close === -1) return { reason: 'broken_quoting', message: `field ${fields.length + 1}: quote opened at column ${i + 1} is never closed`, unclosed: true };
        value += text.slice(j, close);
        if (text[close + 1] === '"') {
          value += '"';
          j = close + 2;
          continue;
        }
        i = close + 1;
        break;
      }
      if (i < text.length && text[i] !== ',')
        return { reason: 'broken_quoting', message: `field ${fields.length + 1}: unexpected ${quote(text[i])} after closing quote at column ${i}` };
      fields.push(value);
    } else {
      const comma = text.indexOf(',', i);
      const value = text.slice(i, comma === -1 ? text.length : comma);
      if (value.includes('"')) return { reason: 'broken_quoting', message: `field ${fields.length + 1}: stray quote in unquoted value ${quote(value)}` };
      fields.push(value);
      i = comma === -1 ? text.length : comma;
    }
    if (i >= text.length) return fields;
    i += 1; // the comma
    if (i === text.length) {
      fields.push('');
      return fields;
    }
  }
}

const DIGITS = new RegExp(ID_PATTERN);
const CONTROL = new RegExp(CONTROL_CHARACTER_PATTERN);
const PRICE = new RegExp(PRICE_PATTERN);

/**
 * `2020-04-24 11:50:39 UTC` (the data set's form) or ISO-8601 UTC → `2020-04-24T11:50:39Z`, by the
 * contract's one event-time parser; `invalid` (not a real UTC instant: 2019-02-29, 24:00, :60) or
 * `out_of_range` (contract EVENT_TIME_RANGE, judged by the clock `nowMs`).
 */
export function normaliseEventTime(value: string, nowMs: number = Date.now()): string | 'invalid' | 'out_of_range' {
  const time = parseEventTime(value, nowMs);
  return typeof time === 'string' ? time : time.iso;
}

/** A price that keeps the contract's rule, in canonical form (`0162.010` → `162.01`, `0.00` → `0`); null if it breaks the rule. */
export function normalisePrice(value: string): string | null {
  if (!PRICE.test(value)) return null;
  const point = value.indexOf('.');
  const whole = (point === -1 ? value : value.slice(0, point)).replace(/^0+(?=\d)/, '');
  const fraction = point === -1 ? '' : value.slice(point + 1).replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole;
}

/**
 * The electronics export drops category_code and brand of rows that have no
 * category: `t,order,product,,PRICE,USER,,` (19% of the real file, every one
 * of them this exact shape). Read literally, the price is missing and the
 * price sits in category_code; moved back, the row is whole. Only that exact
 * shape is moved, so a genuinely missing price is still rejected.
 */
export function realignShiftedRow(fields: readonly string[]): string[] | null {
  const [time, order, product, categoryId, maybePrice, maybeUser, price, user] = fields;
  const shifted =
    fields.length === COLUMNS.length &&
    categoryId.trim() === '' &&
    price.trim() === '' &&
    user.trim() === '' &&
    normalisePrice(maybePrice.trim()) !== null &&
    (maybeUser.trim() === '' || DIGITS.test(maybeUser.trim()));
  return shifted ? [time, order, product, '', '', '', maybePrice, maybeUser] : null;
}

const REQUIRED: ReadonlySet<CsvColumn> = new Set(REQUIRED_FIELDS);
const isRequired = (column: CsvColumn): column is RequiredField => REQUIRED.has(column);
const TEXT_COLUMNS = TEXT_FIELDS;

/** What a field must be, for the message. */
const RULE_OF: Partial<Record<CsvColumn, string>> = {
  order_id: RULE_DESCRIPTIONS.id,
  product_id: RULE_DESCRIPTIONS.id,
  category_id: RULE_DESCRIPTIONS.id,
  user_id: RULE_DESCRIPTIONS.id,
  event_time: RULE_DESCRIPTIONS.eventTime,
  price: RULE_DESCRIPTIONS.price,
  category_code: RULE_DESCRIPTIONS.text,
  brand: RULE_DESCRIPTIONS.text,
};

/**
 * Every failing field check of a row, in the contract's order
 * (FIELD_REJECT_REASONS: missing, ids, time, price, text). Runs only once a
 * row is known to be bad, so the good rows' path stops at the first check.
 */
function fieldRejection(value: Readonly<Record<CsvColumn, string | null>>): { rejection: Rejection } {
  const errors: FieldError[] = [];
  for (const column of REQUIRED_FIELDS) if (value[column] === null) errors.push({ field: column, code: `missing_${column}` });
  for (const column of ID_COLUMNS) if (value[column] !== null && !DIGITS.test(value[column]!)) errors.push({ field: column, code: `invalid_${column}` });
  const time = value.event_time === null ? null : normaliseEventTime(value.event_time);
  if (time === 'invalid') errors.push({ field: 'event_time', code: 'invalid_event_time' });
  if (time === 'out_of_range') errors.push({ field: 'event_time', code: 'out_of_range_event_time' });
  if (value.price !== null && normalisePrice(value.price) === null) errors.push({ field: 'price', code: 'invalid_price' });
  for (const column of TEXT_COLUMNS) if (value[column] !== null && CONTROL.test(value[column]!)) errors.push({ field: column, code: `invalid_${column}` });
  const message = errors
    .map(({ field, code }) =>
      code.startsWith('missing_')
        ? `${field}: required but empty`
        : `${field}: ${quote(value[field]!)} is not ${code === 'out_of_range_event_time' ? RULE_DESCRIPTIONS.eventTimeRange : RULE_OF[field]}`,
    )
    .join('; ');
  return { rejection: { reason: errors[0].code, message, errors } };
}

/**
 * Validates and normalises the fields of one data row. Fields are trimmed;
 * an empty optional field becomes null, an empty required one rejects the row.
 * A bad row is rejected naming every bad field ({@link fieldRejection}).
 */
export function toPurchaseEvent(csvFields: readonly string[], source: string, line: number): FieldsOutcome {
  const realigned = realignShiftedRow(csvFields);
  const fields = realigned ?? csvFields;
  if (fields.length !== COLUMNS.length)
    return reject('column_count', `expected ${COLUMNS.length} columns (${COLUMNS.join(',')}), got ${fields.length}`);
  const value = {} as Record<CsvColumn, string | null>;
  let bad = false;
  for (let i = 0; i < COLUMNS.length; i++) {
    const column = COLUMNS[i];
    const text = fields[i].trim();
    if (text === '' && isRequired(column)) bad = true;
    value[column] = text === '' ? null : text;
  }
  if (bad) return fieldRejection(value);
  for (const column of ID_COLUMNS) {
    const id = value[column];
    if (id !== null && !DIGITS.test(id)) return fieldRejection(value);
  }
  const eventTime = normaliseEventTime(value.event_time!);
  const price = normalisePrice(value.price!);
  if (eventTime === 'invalid' || eventTime === 'out_of_range' || price === null) return fieldRejection(value);
  const { category_code: categoryCode, brand } = value;
  if ((categoryCode !== null && CONTROL.test(categoryCode)) || (brand !== null && CONTROL.test(brand))) return fieldRejection(value);
  return {
    event: {
      v: VERSION,
      event_time: eventTime,
      order_id: value.order_id!,
      product_id: value.product_id!,
      category_id: value.category_id,
      category_code: categoryCode,
      brand,
      price,
      user_id: value.user_id,
      source,
      line,
    },
    realigned: realigned !== null,
  };
}

const BLANK = { blank: true } as const;

/** Byte-level checks first (they decide whether there is text at all), then CSV, then fields. */
export function parseLine(bytes: Buffer, tooLong: boolean, maxLineBytes: number, source: string, line: number): RowOutcome {
  if (tooLong) return reject('line_too_long', `line longer than ${maxLineBytes} bytes (a data row is ~110)`);
  if (!isUtf8(bytes)) return reject('invalid_utf8', 'line is not valid UTF-8');
  const text = bytes.toString('utf8');
  if (text.trim() === '') return BLANK;
  const fields = splitCsvLine(text);
  return Array.isArray(fields) ? toPurchaseEvent(fields, source, line) : { rejection: fields };
}

const ACCEPTED_HEADERS = (Object.keys(UPLOAD_KINDS) as UploadKind[]).map((kind) => `${kind} ${UPLOAD_KINDS[kind].columns.join(',')}`).join(' or ');

/**
 * The kind whose header the text is closest to: the larger share of its column names found in it as
 * words (a header split by semicolons still names them), then the nearer column count.
 */
const resembledKind = (text: string, columnCount: number): UploadKind => {
  const words = new Set(text.split(/[^A-Za-z0-9_]+/));
  const score = (kind: UploadKind) => {
    const columns: readonly string[] = UPLOAD_KINDS[kind].columns;
    return [columns.filter((name) => words.has(name)).length / columns.length, -Math.abs(columns.length - columnCount)];
  };
  const [a, b] = Object.keys(UPLOAD_KINDS) as UploadKind[];
  const [sa, sb] = [score(a), score(b)];
  return sb[0] > sa[0] || (sb[0] === sa[0] && sb[1] > sa[1]) ? b : a;
};

/**
 * Null when the header is exactly one accepted upload kind's columns (contract UPLOAD_KINDS; BOM and
 * surrounding spaces tolerated), else why not: both accepted headers, and which one the file resembles
 * and how it differs from it.
 */
export function headerProblem(bytes: Buffer | undefined): string | null {
  const expected = `expected the header of ${ACCEPTED_HEADERS}`;
  if (bytes === undefined || bytes.length === 0) return `file is empty: ${expected}`;
  if (!isUtf8(bytes)) return `header is not valid UTF-8: ${expected}`;
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  const fields = splitCsvLine(text);
  if (!Array.isArray(fields)) return `header is not valid CSV (${fields.message}): ${expected}`;
  const names = fields.map((f) => f.trim());
  if (uploadKindOfHeader(names) !== null) return null;
  const looksLikeData = /^\d{4}-\d{2}-\d{2}/.test(names[0] ?? '');
  // A data row shares no names with a header: its column count says which kind it looks like.
  const kind = resembledKind(looksLikeData ? '' : text, names.length);
  const columns: readonly string[] = UPLOAD_KINDS[kind].columns;
  if (looksLikeData) return `header missing: line 1 is a data row (${names.length} columns, like ${kind} rows); ${expected}`;
  const wrong = columns.findIndex((column, i) => names[i] !== column);
  const detail =
    names.length !== columns.length ? `${names.length} column${names.length === 1 ? '' : 's'} instead of ${columns.length}` : `column ${wrong + 1} is ${quote(names[wrong])}, expected "${columns[wrong]}"`;
  return `wrong header: it resembles the ${kind} header (${detail}); ${expected}; got ${quote(text)}`;
}
