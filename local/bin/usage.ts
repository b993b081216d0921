/**
 * What `recstream` accepts, and how it answers a person who typed something
 * else: usage on stdout and exit 0 for --help, the reason and usage on stderr
 * and exit 2 for anything it cannot run. Never a stack trace for a typo.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ALS_DEFAULTS, RECOMMENDER_MODELS } from '../../contract';
import { EXIT } from '../pipeline/exit-codes';

export const COMMANDS_USAGE = `usage: recstream <command> [options]      (npm run local -- [run options], npm run generate -- [options])

commands:
  run        the whole pipeline on this machine, then serve the site (alias: local)
  generate   a synthetic purchases CSV in the upload schema
  sink       the Firehose-equivalent sink as its own process
  replay     an events or purchases CSV produced to its topic in event-time order, N times faster
  sql        SQL over the twin's lake: the tables and named queries analysts have on Athena

recstream <command> --help describes a command's options.`;

export const RUN_USAGE = `usage: recstream run [options]            (npm run local -- [options])

Uploads a purchases CSV and a behaviour events CSV to the twin's landing bucket, ingests them into
Kafka, lands them in the lake, runs the Spark jobs, loads the serving table and serves the site on
127.0.0.1 until Ctrl-C, with the streaming job keeping the Live page current and POST /events
taking a storefront's events (its write key is printed). With --csv or --events alone, only that
data product runs.

options:
  --csv FILE        the purchases CSV to upload (.csv or .csv.gz); default: the demo data
                    (generated once from a fixed seed into WORK-DIR/data/ and reused)
  --events FILE     a behaviour events CSV (REES46 header, .csv or .csv.gz); default: generated
                    events (50,000, fixed seed); the summary prints sessions and the session funnel
  --rows N          rows of the generated demo data (default 200000)
  --seed S          seed of the generated demo data (default 20200424)
  --once            run, print the summary and exit instead of serving (for scripts and CI)
  --port N          port of the site and API (default: a free one)
  --keep            keep the previous run's buckets and broker data (the lake is always kept:
                    a run processes only the raw objects no earlier run processed)
  --full            process every raw object in the lake again and rebuild everything from them
                    (and judge every recommender model, as --evaluate)
  --evaluate        judge every recommender model on this run; without it a run whose purchases
                    reach at most ${ALS_DEFAULTS.evaluateEveryDays} days past the last evaluation keeps it (its choice and ranker)
  --no-realtime     serve without the streaming job (the Live page then says it has not
                    started); without this flag the job starts after the batch jobs while
                    serving (never with --once) and reads both topics from their start
  --work-dir DIR    where the run keeps its data and logs (default .work/local/)
  --pin MODEL       serve this recommender model whatever the promotion rule chooses, one of
                    ${RECOMMENDER_MODELS.join(', ')}
                    (passed to the recommend step as --pin; the Model page then says it is pinned)
  -h, --help        this text

exit codes:
  0    done; or "nothing to process": the file has a header and no data rows
  1    the twin failed (a service or a Spark job; the message names its log)
  2    bad usage (this text)
  3    ingest did not take the file: wrong header, unreadable or truncated gzip, every row
       rejected, or ingest failed; "ingest: FILE rejected: REASON" says why (on stderr),
       and nothing after ingest ran
  130  stopped by Ctrl-C (SIGINT); 143 by SIGTERM`;

export const GENERATE_USAGE = `usage: recstream generate --rows N [options]      (npm run generate -- --rows N [options])

Writes a synthetic purchases CSV in the upload schema (or, with --behaviour, a REES46 behaviour CSV).

options:
  --rows N          data rows to write (required)
  --seed S          seed; the same seed gives the same bytes (default 20200424)
  --out FILE        FILE.csv or FILE.csv.gz (gzip); default: stdout
  --behaviour       a behaviour CSV (view/cart/purchase events) instead of purchases
  --purchases-rows M  with --behaviour: the events of the demo store whose purchases are
                    \`generate --rows M\` (default seed): its customers, products and dates, every
                    purchase event an order line of that CSV (what \`recstream run\` uploads)
  -h, --help        this text

exit codes: 0 written, 1 failed (e.g. the file cannot be written), 2 bad usage`;

export const SINK_USAGE = `usage: recstream sink --brokers HOST:PORT --lake DIR [options]

Consumes the purchases topic and writes Firehose-style gzip objects under DIR/raw/purchases/.

options:
  --brokers LIST          bootstrap brokers, HOST:PORT[,HOST:PORT] (required)
  --lake DIR              the lake folder (required)
  --buffer-mib N          close an object at N MiB of records (default 5)
  --interval-seconds S    or after S seconds (default 300)
  --until-drained         stop once the topic is consumed instead of on Ctrl-C
  -h, --help              this text

exit codes: 0 drained, 1 failed, 2 bad usage, 130/143 stopped by SIGINT/SIGTERM`;

export const SQL_USAGE = `usage: recstream sql "SELECT ..." [options]      recstream sql --named NAME [options]      recstream sql --list

Runs one SELECT over the twin's lake (DuckDB) with the table names, columns and named queries of the
Athena workgroup on AWS (docs/user-guide.md "Ask your own questions in SQL"). Read-only: only a SELECT
runs, and it reads no file outside the lake folder.

options:
  --named NAME      run a named query instead (--list shows them)
  --format F        table (default), csv or json, on stdout
  --list            the tables (and whether the lake has them yet) and the named queries
  --lake DIR        the lake folder (default: the one \`recstream run\` leaves, .work/local/lake)
  -h, --help        this text

A query still running after a second prints a progress line on stderr every 2 s; Ctrl-C stops it.

exit codes: 0 answered, 1 failed (e.g. no lake folder yet), 2 bad usage or bad SQL (the error and its
line and column on stderr), 130 stopped by Ctrl-C`;

/** A mistake in what was typed: reported with the command's usage, exit 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;
type Values<O extends Options> = { [K in keyof O]?: O[K] extends { type: 'boolean' } ? boolean : string };

/**
 * The command's options, or null when --help was asked for (usage printed).
 * parseArgs' own errors (unknown option, missing value, stray argument) become UsageErrors.
 */
export const parseCommand = <O extends Options>(args: string[], options: O, usage: string): Values<O> | null => {
  const withHelp: Options = { ...options, help: { type: 'boolean', short: 'h' } };
  let parsed;
  try {
    parsed = parseArgs({ args, options: withHelp, strict: true, allowPositionals: false });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ''), usage);
  }
  if (parsed.values.help) {
    console.log(usage);
    return null;
  }
  return parsed.values as Values<O>;
};

/** A whole number ≥ 1 (≤ max), or the fallback when the option is absent. */
export const positiveInteger = (name: string, value: string | undefined, usage: string, limits: { max?: number } = {}): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  const max = limits.max ?? Number.MAX_SAFE_INTEGER;
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1 || n > max)
    throw new UsageError(`--${name} must be a positive whole number${limits.max ? ` up to ${limits.max}` : ''}, got '${value}'`, usage);
  return n;
};

/** A number > 0 (fractions allowed, e.g. --buffer-mib 0.5). */
export const positiveNumber = (name: string, value: string | undefined, usage: string): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number, got '${value}'`, usage);
  return n;
};

export const required = <T>(name: string, value: T | undefined, usage: string): T => {
  if (value === undefined) throw new UsageError(`--${name} is required`, usage);
  return value;
};

/** Prints a user error the way every command does, and gives its exit code. */
export const reportUsageError = (error: UsageError): number => {
  console.error(`recstream: ${error.message}\n\n${error.usage}`);
  return EXIT.usage;
};
