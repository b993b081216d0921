/** How `recstream sql` prints an answer: an aligned table for people, CSV or JSON for other programs. */
import { csvDocument, type CsvCell } from '../../web/src/csv';
import type { SqlAnswer } from './twin';

export const SQL_FORMATS = ['table', 'csv', 'json'] as const;
export type SqlFormat = (typeof SQL_FORMATS)[number];

/** A value as one line of text: nested values (lists, structs) as JSON, null as empty in CSV and NULL in the table. */
const text = (value: unknown): CsvCell => (value !== null && typeof value === 'object' ? JSON.stringify(value) : (value as CsvCell));

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)/;

/**
 * JSON values: DuckDB hands big integers and decimals over as strings so nothing is rounded; they become JSON
 * numbers when the number prints back to the same digits (every count, every money figure to the cent), and
 * stay strings otherwise (a 19-digit id never reaches a float).
 */
const jsonValue = (value: unknown, type: string): unknown => {
  if (typeof value !== 'string' || !NUMERIC.test(type)) return value;
  const n = Number(value);
  const canonical = value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value;
  return Number.isFinite(n) && String(n) === canonical ? n : value;
};

const table = (answer: SqlAnswer): string => {
  const cells = answer.rows.map((row) => row.map((v) => (v === null ? 'NULL' : String(text(v)))));
  const widths = answer.columns.map((name, i) => Math.max(name.length, ...cells.map((row) => row[i].length)));
  const right = answer.types.map((t) => NUMERIC.test(t));
  const line = (row: string[]) => row.map((v, i) => (right[i] ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(answer.columns), rule, ...cells.map(line)].join('\n') + '\n';
};

export const formatAnswer = (answer: SqlAnswer, format: SqlFormat): string => {
  if (format === 'csv') return csvDocument(answer.columns, answer.rows.map((row) => row.map(text)));
  if (format === 'json')
    return `${JSON.stringify(answer.rows.map((row) => Object.fromEntries(answer.columns.map((c, i) => [c, jsonValue(row[i], answer.types[i])]))), null, 2)}\n`;
  return table(answer);
};

/** What the table format prints under the rows (on stderr, so piped output stays data). */
export const answerFooter = (answer: SqlAnswer): string =>
  `(${answer.rows.length} row${answer.rows.length === 1 ? '' : 's'} in ${answer.seconds.toFixed(2)} s)`;
