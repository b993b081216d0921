/**
 * CSV lines -> the records `recstream replay` produces: purchases rows by the ingest's own rules
 * (lambdas/ingest/row.ts), behaviour rows by the behaviour clean step's (lambdas/collector/behaviour-rules.ts). Pure.
 */
import { BEHAVIOUR_CSV_COLUMNS, CSV_COLUMNS, EVENTS_TOPIC, TOPIC } from '../../contract';
import { toBehaviourEvent } from '../../lambdas/collector/behaviour-rules';
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

/** One REES46 behaviour line -> a BehaviourEventV1 record keyed by session (a session stays in one partition, in order). */
export const behaviourRow = (line: string, source: string, lineNumber: number): RowResult => {
  const fields = splitCsvLine(line);
  if (!Array.isArray(fields)) return { rejected: fields.message };
  if (fields.length !== BEHAVIOUR_CSV_COLUMNS.length) return { rejected: `expected ${BEHAVIOUR_CSV_COLUMNS.length} columns, got ${fields.length}` };
  const outcome = toBehaviourEvent(Object.fromEntries(BEHAVIOUR_CSV_COLUMNS.map((c, i) => [c, fields[i]])), source, lineNumber);
  if ('reason' in outcome) return { rejected: `${outcome.reason}: ${outcome.message}` };
  const { event, timeMs } = outcome;
  return { record: { timeMs, key: event.user_session ?? event.user_id, value: JSON.stringify(event) } };
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
