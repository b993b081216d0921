/**
 * `recstream sql`: free SQL or a named query over the twin's lake (local/sql/twin.ts), printed as a table,
 * CSV or JSON. Bad SQL is the user's to fix: its message and position on stderr, exit 2.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { NAMED_QUERIES, namedQuery } from '../../contract/named-queries';
import { SQL_USAGE, UsageError } from '../bin/usage';
import { EXIT } from '../pipeline/exit-codes';
import { REPO_ROOT } from '../pipeline/spark';
import { answerFooter, formatAnswer, SQL_FORMATS, type SqlFormat } from './format';
import { openLakeSql, SqlError, SqlInterrupted, type LakeSql } from './twin';

/** The lake `recstream run` leaves (local/pipeline/run.ts WORK_DIR + 'lake'; that module loads the whole twin, so a test ties the two). */
export const TWIN_LAKE = join(REPO_ROOT, '.work', 'local', 'lake');

/** A query still running after this long gets a progress line on stderr, then one every PROGRESS_EVERY_S. */
const PROGRESS_AFTER_S = 1;
const PROGRESS_EVERY_S = 2;

const parse = (args: string[]) => {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { named: { type: 'string' }, format: { type: 'string' }, list: { type: 'boolean' }, lake: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ''), SQL_USAGE);
  }
};

const listing = (sql: LakeSql): string => {
  const tables = sql.tables.map(({ table, present }) => `  ${table.name.padEnd(20)}${present ? '' : '(no files yet) '}${table.comment}`);
  const queries = NAMED_QUERIES.map((q) => `  ${q.name.padEnd(28)}${q.description}`);
  return `tables in ${sql.lake}:\n${tables.join('\n')}\n\nnamed queries (recstream sql --named NAME):\n${queries.join('\n')}\n`;
};

/** The query's line with a caret under the error's column. */
const pointer = (query: string, position: { line: number; column: number }): string => {
  const line = query.split('\n')[position.line - 1] ?? '';
  return `  line ${position.line}, column ${position.column}:\n  ${line}\n  ${' '.repeat(position.column - 1)}^`;
};

const progressPrinter = () => {
  let last = 0;
  return (percent: number, seconds: number) => {
    if (seconds < PROGRESS_AFTER_S || seconds - last < PROGRESS_EVERY_S) return;
    last = seconds;
    console.error(`sql: ${percent >= 0 ? `${Math.floor(percent)}% done` : 'running'} after ${Math.round(seconds)} s`);
  };
};

export const sqlCommand = async (args: string[]): Promise<number> => {
  const { values, positionals } = parse(args);
  if (values.help) {
    console.log(SQL_USAGE);
    return EXIT.ok;
  }
  const format = (values.format ?? 'table') as SqlFormat;
  if (!SQL_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${SQL_FORMATS.join(', ')}, got '${values.format}'`, SQL_USAGE);
  if (positionals.length > 1) throw new UsageError(`give the query as one argument (quote it), got ${positionals.length}`, SQL_USAGE);
  if (positionals.length === 1 && values.named !== undefined) throw new UsageError('give a query or --named NAME, not both', SQL_USAGE);
  if (values.named !== undefined && !namedQuery(values.named))
    throw new UsageError(`no named query '${values.named}'; there are: ${NAMED_QUERIES.map((q) => q.name).join(', ')}`, SQL_USAGE);
  if (positionals.length === 0 && values.named === undefined && !values.list) throw new UsageError('give a query, --named NAME or --list', SQL_USAGE);

  const lake = values.lake ?? TWIN_LAKE;
  if (!existsSync(lake)) {
    console.error(`recstream sql: no lake at ${lake}: run the twin first (npm run local -- --once), or name a lake with --lake DIR`);
    return EXIT.failed;
  }
  const sql = await openLakeSql(lake);
  try {
    if (values.list) {
      process.stdout.write(listing(sql));
      return EXIT.ok;
    }
    const query = values.named !== undefined ? namedQuery(values.named)!.sql : positionals[0];
    // Ctrl-C stops the query, not the process mid-answer: DuckDB returns, the lake is closed, exit 130.
    const stop = () => sql.interrupt();
    process.once('SIGINT', stop);
    try {
      const answer = await sql.query(query, progressPrinter());
      process.stdout.write(formatAnswer(answer, format));
      if (format === 'table') console.error(answerFooter(answer));
      return EXIT.ok;
    } catch (error) {
      if (error instanceof SqlInterrupted) {
        console.error('recstream sql: interrupted (Ctrl-C)');
        return EXIT.sigint;
      }
      if (!(error instanceof SqlError)) throw error;
      console.error(`recstream sql: ${error.message}${error.position ? `\n${pointer(query, error.position)}` : ''}`);
      return EXIT.usage;
    } finally {
      process.removeListener('SIGINT', stop);
    }
  } finally {
    sql.close();
  }
};
