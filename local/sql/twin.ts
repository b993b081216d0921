/**
 * The twin's SQL over its lake folder (issue 25): DuckDB in this process, a view per table of
 * contract/catalog.ts with the catalog's names and types over the files the Spark jobs wrote, so the SQL an
 * analyst runs on Athena runs here unchanged.
 *
 * Read-only, in two layers:
 * 1. Only a single SELECT statement runs: every statement is prepared first and anything else (COPY, CREATE,
 *    INSERT, ATTACH, SET, PRAGMA, INSTALL ...) is refused before it executes.
 * 2. DuckDB itself reads files only under the lake folder: `allowed_directories` is the lake,
 *    `enable_external_access` is off (no other file, no URL, no extension download or load), and
 *    `lock_configuration` stops a query from changing either back.
 * test/sql/twin-sql-reads-only-the-lake.test.ts tries the ways around both.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { DuckDBInstance, StatementType, type DuckDBConnection, type DuckDBResultReader } from '@duckdb/node-api';
import { LAKE_TABLES, type LakeTable } from '../../contract/catalog';
import { duckdbType } from './types';

/**
 * Trino functions the named queries use that DuckDB names otherwise: the one explicit dialect difference
 * (contract/named-queries.ts). Athena's `day_of_week` is ISO, 1 = Monday ... 7 = Sunday, as DuckDB's isodow.
 */
export const DUCKDB_MACROS = ['CREATE MACRO day_of_week(ts) AS isodow(ts)'];

/** A mistake in the SQL (or a request the twin refuses): the CLI prints it and exits 2. */
export class SqlError extends Error {
  constructor(
    message: string,
    /** 1-based line and column of the error in the query text, when DuckDB names one. */
    readonly position?: { line: number; column: number },
  ) {
    super(message);
  }
}

/** The query was stopped by interrupt(). */
export class SqlInterrupted extends Error {}

export interface TableState {
  table: LakeTable;
  /** False when the lake has no file of it yet (its job has not run, or wrote no such rows): the table is then empty. */
  present: boolean;
}

export interface SqlAnswer {
  columns: string[];
  types: string[];
  /** Values as DuckDB gives them in JSON: big integers and decimals as strings, exact. */
  rows: unknown[][];
  seconds: number;
}

export interface LakeSql {
  readonly lake: string;
  readonly tables: TableState[];
  query(sql: string, onProgress?: (percent: number, seconds: number) => void): Promise<SqlAnswer>;
  /** Stops the running query (Ctrl-C): its promise rejects with SqlInterrupted. */
  interrupt(): void;
  close(): void;
}

const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;
const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

const filesUnder = (dir: string, suffix: string): boolean => {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return false;
  return readdirSync(dir, { withFileTypes: true }).some((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name), suffix) : e.name.endsWith(suffix) && !/^[._]/.test(e.name),
  );
};

/** The files Athena reads for a table: every file under its prefix except Spark's `_SUCCESS` and `.crc` (hidden) ones. */
const suffixOf = (table: LakeTable) => (table.format === 'parquet' ? '.parquet' : '.json');

const viewSql = (lake: string, table: LakeTable): string => {
  const folder = join(lake, table.prefix);
  const columns = table.columns.map((c) => `CAST(${ident(c.name)} AS ${duckdbType(c.type)}) AS ${ident(c.name)}`);
  if (table.format === 'json') {
    const declared = table.columns.map((c) => `${quote(c.name)}: ${quote(duckdbType(c.type))}`).join(', ');
    return `CREATE VIEW ${ident(table.name)} AS SELECT ${columns.join(', ')} FROM read_json(${quote(join(folder, '*.json'))}, format = 'newline_delimited', columns = {${declared}})`;
  }
  const partition = table.partition;
  if (!partition) return `CREATE VIEW ${ident(table.name)} AS SELECT ${columns.join(', ')} FROM read_parquet(${quote(join(folder, '*.parquet'))})`;
  // Athena projects `yyyy-MM` months from firstMonth only: the undated folder is the purchases_undated table, not
  // this one, and an earlier month would be absent there too. (Its last month, one after now, is past any month
  // clean writes: it keeps times at most 24 h ahead.)
  const source = `read_parquet(${quote(join(folder, `${partition.column}=*`, '*.parquet'))}, hive_partitioning = true, hive_types = {${quote(partition.column)}: 'VARCHAR'})`;
  const month = ident(partition.column);
  return `CREATE VIEW ${ident(table.name)} AS SELECT ${columns.join(', ')}, ${month} FROM ${source} WHERE regexp_full_match(${month}, '[0-9]{4}-[0-9]{2}') AND ${month} >= ${quote(partition.firstMonth)}`;
};

const emptyViewSql = (table: LakeTable): string => {
  const columns = [...table.columns.map((c) => `CAST(NULL AS ${duckdbType(c.type)}) AS ${ident(c.name)}`), ...(table.partition ? [`CAST(NULL AS VARCHAR) AS ${ident(table.partition.column)}`] : [])];
  return `CREATE VIEW ${ident(table.name)} AS SELECT ${columns.join(', ')} WHERE false`;
};

/** `LINE 3: ...` and the caret under it, as DuckDB prints them, to a line and column of the query. */
export const errorPosition = (message: string, sql: string): { line: number; column: number } | undefined => {
  const match = /\nLINE (\d+): (.*)\n(\s*)\^/.exec(message);
  if (!match) {
    if (!/at end of input/.test(message)) return undefined;
    const lines = sql.trimEnd().split('\n');
    return { line: lines.length, column: lines[lines.length - 1].length + 1 };
  }
  const line = Number(match[1]);
  const shown = match[2];
  const caret = match[3].length - `LINE ${match[1]}: `.length;
  // DuckDB shows a window of a long line, starting with '...': find the window in the real line.
  const text = sql.split('\n')[line - 1] ?? '';
  const window = shown.startsWith('...') ? shown.slice(3).replace(/\.\.\.$/, '') : shown.replace(/\.\.\.$/, '');
  const offset = shown.startsWith('...') ? text.indexOf(window) - 3 : 0;
  return { line, column: Math.max(0, caret + Math.max(offset, 0)) + 1 };
};

/** DuckDB's message without its LINE/caret lines (the CLI prints its own pointer), and with the twin's reason for refused files. */
const userMessage = (message: string, lake: string): string => {
  const first = message.split('\nLINE ')[0].trim();
  if (/Permission Error/.test(first)) return `${first}\nThe twin's SQL reads only the lake folder ${lake} and its tables; it writes nothing.`;
  return first;
};

const isUserError = (message: string) => /^(Parser|Binder|Catalog|Conversion|Invalid Input|Permission|Not implemented|Out of Range) Error/.test(message);

export const openLakeSql = async (lakeFolder: string): Promise<LakeSql> => {
  const lake = resolve(lakeFolder);
  const instance = await DuckDBInstance.create(':memory:');
  const connection: DuckDBConnection = await instance.connect();
  const tables = LAKE_TABLES.map((table) => ({ table, present: filesUnder(join(lake, table.prefix), suffixOf(table)) }));
  const setup = [
    "SET TimeZone = 'UTC'",
    'SET autoinstall_known_extensions = false',
    'SET autoload_known_extensions = false',
    // Progress is tracked only while the progress bar is on; it is read, never printed by DuckDB.
    'SET enable_progress_bar = true',
    'SET enable_progress_bar_print = false',
    ...DUCKDB_MACROS,
    // A table whose files the jobs have not written (no undated line items, no rejects) is empty, as on Athena.
    ...tables.map((t) => (t.present ? viewSql(lake, t.table) : emptyViewSql(t.table))),
    `SET allowed_directories = [${quote(lake + sep)}]`,
    'SET enable_external_access = false',
    'SET lock_configuration = true',
  ];
  for (const statement of setup) await connection.run(statement);

  const query = async (sql: string, onProgress?: (percent: number, seconds: number) => void): Promise<SqlAnswer> => {
    const started = Date.now();
    let result: DuckDBResultReader;
    try {
      const extracted = await connection.extractStatements(sql);
      if (extracted.count !== 1) throw new SqlError(`give one SELECT statement, not ${extracted.count}`);
      const prepared = await extracted.prepare(0);
      if (prepared.statementType !== StatementType.SELECT)
        throw new SqlError(`only SELECT runs here (this is ${StatementType[prepared.statementType]}): the twin's SQL reads the lake and writes nothing`);
      const ticker = onProgress && setInterval(() => onProgress(connection.progress.percentage, (Date.now() - started) / 1000), 500);
      try {
        result = await prepared.runAndReadAll();
      } finally {
        if (ticker) clearInterval(ticker);
      }
    } catch (error) {
      if (error instanceof SqlError) throw error;
      if (/^INTERRUPT Error/.test((error as Error).message)) throw new SqlInterrupted('interrupted');
      // A parse error comes from extractStatements with this prefix on DuckDB's own message.
      const message = (error as Error).message.replace(/^Failed to extract statements: /, '');
      if (isUserError(message)) throw new SqlError(userMessage(message, lake), errorPosition(message, sql));
      throw error;
    }
    return {
      columns: result.columnNames(),
      types: result.columnTypes().map((t) => t.toString()),
      rows: result.getRowsJson() as unknown[][],
      seconds: (Date.now() - started) / 1000,
    };
  };

  return {
    lake,
    tables,
    query,
    interrupt: () => connection.interrupt(),
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
};
