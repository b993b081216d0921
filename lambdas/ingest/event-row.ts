/**
 * One line of an events CSV (contract BEHAVIOUR_CSV_COLUMNS) → the `events` topic's record, or why
 * it was rejected. The fields are judged by the collector's rules (lambdas/collector/behaviour-rules.ts),
 * which are the behaviour clean step's, so ingest never produces an event clean would refuse and
 * rejects with the same codes; the line-level checks (length, UTF-8, quoting, column count) are the
 * purchases path's. Pure, like row.ts.
 */
import { isUtf8 } from 'node:buffer';
import { BEHAVIOUR_CSV_COLUMNS, behaviourEventKey, uploadKindOfHeader, type UploadKind } from '../../contract';
import { toBehaviourEvent } from '../collector/behaviour-rules';
import { splitCsvLine, type RowOutcome } from './row';

const COLUMNS = BEHAVIOUR_CSV_COLUMNS;

/** The header's kind (purchases or events), or null when it is neither; row.ts's headerProblem explains a null. */
export function uploadKindOf(header: Buffer): UploadKind | null {
  if (!isUtf8(header)) return null;
  const fields = splitCsvLine(header.toString('utf8').replace(/^\uFEFF/, ''));
  return Array.isArray(fields) ? uploadKindOfHeader(fields.map((f) => f.trim())) : null;
}

/** Byte-level checks, then CSV, then the behaviour rules; a good event becomes its keyed JSON-line record. */
export function parseEventLine(bytes: Buffer, tooLong: boolean, maxLineBytes: number, source: string, line: number): RowOutcome {
  if (tooLong) return { rejection: { reason: 'line_too_long', message: `line longer than ${maxLineBytes} bytes (an event row is ~150)` } };
  if (!isUtf8(bytes)) return { rejection: { reason: 'invalid_utf8', message: 'line is not valid UTF-8' } };
  const text = bytes.toString('utf8');
  if (text.trim() === '') return { blank: true };
  const fields = splitCsvLine(text);
  if (!Array.isArray(fields)) return { rejection: fields };
  if (fields.length !== COLUMNS.length)
    return { rejection: { reason: 'column_count', message: `expected ${COLUMNS.length} columns (${COLUMNS.join(',')}), got ${fields.length}` } };
  const outcome = toBehaviourEvent(Object.fromEntries(COLUMNS.map((column, i) => [column, fields[i]])), source, line);
  if ('reason' in outcome) return { rejection: { reason: outcome.reason, message: outcome.message } };
  return { record: { key: behaviourEventKey(outcome.event), value: JSON.stringify(outcome.event) + '\n' } };
}
