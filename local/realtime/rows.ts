/**
 * CSV lines -> the records `recstream replay` produces: purchases rows by the ingest's own rules
 * (lambdas/ingest/row.ts), behaviour rows by the contract's BehaviourEventV1 patterns. Pure.
 */
import {
  BEHAVIOUR_CSV_COLUMNS,
  BEHAVIOUR_EVENT_JSON_SCHEMA,
  BEHAVIOUR_EVENT_TYPES,
  BEHAVIOUR_EVENT_VERSION,
  CSV_COLUMNS,
  EVENTS_TOPIC,
  TOPIC,
  type BehaviourEventV1,
} from '../../contract';
import { splitCsvLine, toPurchaseEvent } from '../../lambdas/ingest/row';

export interface ReplayRecord {
  /** Event time, epoch ms: the replay's clock. */
  timeMs: number;
  key: string | null;
  value: string;
}

export type RowResult = { record: ReplayRecord } | { rejected: string };

export interface CsvKind {
  topic: string;
  row: (line: string, source: string, lineNumber: number) => RowResult;
}

const P = BEHAVIOUR_EVENT_JSON_SCHEMA.properties;
const ID = new RegExp(P.product_id.pattern);
const TIME = new RegExp(P.event_time.pattern);
const PRICE = new RegExp(P.price.pattern);
const TYPES: ReadonlySet<string> = new Set(BEHAVIOUR_EVENT_TYPES);

const timeMs = (eventTime: string): number => Date.parse(eventTime.replace(' UTC', 'Z').replace(' ', 'T'));

/** One REES46 behaviour line -> a BehaviourEventV1 record keyed by session (a session stays in one partition, in order). */
export const behaviourRow = (line: string, source: string, lineNumber: number): RowResult => {
  const fields = splitCsvLine(line);
  if (!Array.isArray(fields)) return { rejected: fields.message };
  if (fields.length !== BEHAVIOUR_CSV_COLUMNS.length) return { rejected: `expected ${BEHAVIOUR_CSV_COLUMNS.length} columns, got ${fields.length}` };
  const [eventTime, type, product, category, code, brand, price, user, session] = fields.map((f) => f.trim());
  const orNull = (text: string) => (text === '' ? null : text);
  if (!TIME.test(eventTime) || Number.isNaN(timeMs(eventTime))) return { rejected: `event_time ${JSON.stringify(eventTime)}` };
  if (!TYPES.has(type)) return { rejected: `event_type ${JSON.stringify(type)}` };
  if (!ID.test(product)) return { rejected: `product_id ${JSON.stringify(product)}` };
  if (category !== '' && !ID.test(category)) return { rejected: `category_id ${JSON.stringify(category)}` };
  if (!PRICE.test(price)) return { rejected: `price ${JSON.stringify(price)}` };
  if (user !== '' && !ID.test(user)) return { rejected: `user_id ${JSON.stringify(user)}` };
  const event: BehaviourEventV1 = {
    v: BEHAVIOUR_EVENT_VERSION,
    event_time: eventTime,
    event_type: type as BehaviourEventV1['event_type'],
    product_id: product,
    category_id: orNull(category),
    category_code: orNull(code),
    brand: orNull(brand),
    price,
    user_id: orNull(user),
    user_session: orNull(session),
    source,
    line: lineNumber,
  };
  return { record: { timeMs: timeMs(eventTime), key: event.user_session ?? event.user_id, value: JSON.stringify(event) } };
};

/** One purchases line -> a PurchaseEventV1 record, keyed as ingest keys it (user, else order). */
export const purchaseRow = (line: string, source: string, lineNumber: number): RowResult => {
  const fields = splitCsvLine(line);
  if (!Array.isArray(fields)) return { rejected: fields.message };
  const outcome = toPurchaseEvent(fields, source, lineNumber);
  if ('rejection' in outcome) return { rejected: outcome.rejection.message };
  const { event } = outcome;
  return { record: { timeMs: Date.parse(event.event_time), key: event.user_id ?? event.order_id, value: JSON.stringify(event) } };
};

/** The file's kind by its header: behaviour events go to the events topic, purchases to the purchases topic. */
export const csvKind = (header: string): CsvKind | undefined => {
  const columns = header.replace(/^\uFEFF/, '').trim();
  if (columns === BEHAVIOUR_CSV_COLUMNS.join(',')) return { topic: EVENTS_TOPIC.name, row: behaviourRow };
  if (columns === CSV_COLUMNS.join(',')) return { topic: TOPIC.name, row: purchaseRow };
  return undefined;
};
