#!/usr/bin/env -S npx tsx
/**
 * recstream's local command line:
 *   run       the whole pipeline on this machine (`npm run local`; `local` is an alias)
 *   generate  a synthetic purchases CSV in the upload schema (`npm run generate`), or with --behaviour a REES46 behaviour CSV
 *   sink      the Firehose-equivalent sink as its own process
 *   replay    an events or purchases CSV produced to its topic in event-time order (local/realtime)
 *   sql       SQL over the twin's lake (local/sql)
 * Usage texts and argument checks live in ./usage.ts; exit codes in ../pipeline/exit-codes.ts.
 */
import { existsSync, statSync } from 'node:fs';
import { RECOMMENDER_MODELS, UPLOAD_SUFFIXES, type RecommenderModel } from '../../contract';
import { DEFAULT_BEHAVIOUR_SEED } from '../generator/behaviour';
import { writeBehaviourCsv, writeStoreBehaviourCsv } from '../generator/behaviour-write';
import { DEFAULT_SEED } from '../generator/generate';
import { writeGenerated } from '../generator/write';
import { EXIT } from '../pipeline/exit-codes';
import type * as Twin from '../pipeline/twin';
import type * as Sql from '../sql/command';
import { formatBytes, formatCount } from '../pipeline/progress';
import { replayCommand } from '../realtime/replay-command';
import { SINK_DEFAULTS, startSink } from '../sink/sink';
import {
  COMMANDS_USAGE,
  GENERATE_USAGE,
  parseCommand,
  positiveInteger,
  positiveNumber,
  reportUsageError,
  required,
  RUN_USAGE,
  SINK_USAGE,
  UsageError,
} from './usage';

const generateCommand = async (args: string[]): Promise<number> => {
  const values = parseCommand(
    args,
    { rows: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' }, behaviour: { type: 'boolean' }, 'purchases-rows': { type: 'string' } },
    GENERATE_USAGE,
  );
  if (!values) return EXIT.ok;
  const rows = required('rows', positiveInteger('rows', values.rows, GENERATE_USAGE), GENERATE_USAGE);
  if (values.out !== undefined && !/\.csv(\.gz)?$/.test(values.out) && !(existsSync(values.out) && !statSync(values.out).isFile()))
    throw new UsageError(`--out must name a .csv or .csv.gz file, got '${values.out}'`, GENERATE_USAGE);
  const purchasesRows = positiveInteger('purchases-rows', values['purchases-rows'], GENERATE_USAGE);
  if (purchasesRows !== undefined && !values.behaviour) throw new UsageError('--purchases-rows goes with --behaviour: it names the purchases the events belong with', GENERATE_USAGE);
  if (values.behaviour) {
    const out = values.out ?? process.stdout;
    await (purchasesRows === undefined
      ? writeBehaviourCsv({ events: rows, seed: values.seed ?? DEFAULT_BEHAVIOUR_SEED }, out)
      : writeStoreBehaviourCsv({ events: rows, seed: values.seed, purchases: { rows: purchasesRows } }, out));
    if (values.out) console.error(`generate: wrote ${formatCount(rows)} behaviour events to ${values.out}`);
    return EXIT.ok;
  }
  const started = Date.now();
  let last = 0;
  await writeGenerated({ rows, seed: values.seed ?? DEFAULT_SEED }, values.out ?? process.stdout, (done) => {
    if (done - last >= 500_000 || done === rows) {
      last = done;
      const seconds = (Date.now() - started) / 1000;
      console.error(`generate: ${formatCount(done)}/${formatCount(rows)} rows, ${formatCount(done / Math.max(seconds, 0.001))} rows/s`);
    }
  });
  if (values.out) console.error(`generate: wrote ${values.out}`);
  return EXIT.ok;
};

const sinkCommand = async (args: string[]): Promise<number> => {
  const values = parseCommand(
    args,
    {
      brokers: { type: 'string' },
      lake: { type: 'string' },
      'buffer-mib': { type: 'string' },
      'interval-seconds': { type: 'string' },
      'until-drained': { type: 'boolean' },
    },
    SINK_USAGE,
  );
  if (!values) return EXIT.ok;
  const brokers = required('brokers', values.brokers, SINK_USAGE).split(',');
  const lake = required('lake', values.lake, SINK_USAGE);
  const bufferMib = positiveNumber('buffer-mib', values['buffer-mib'], SINK_USAGE) ?? SINK_DEFAULTS.bufferBytes / 2 ** 20;
  const intervalSeconds = positiveNumber('interval-seconds', values['interval-seconds'], SINK_USAGE) ?? SINK_DEFAULTS.intervalMs / 1000;
  const sink = await startSink({
    brokers,
    lake,
    bufferBytes: bufferMib * 2 ** 20,
    intervalMs: intervalSeconds * 1000,
    onObject: (object, totals) =>
      console.log(
        `sink: object ${totals.objects} ${object.key} (${formatCount(object.rows)} rows, ${formatBytes(object.bytes)} -> ${formatBytes(object.compressedBytes)} gz); total ${formatCount(totals.rows)} rows`,
      ),
  });
  console.log(`sink: consuming from ${brokers.join(',')} into ${lake}`);
  if (values['until-drained']) {
    await sink.drain();
    await sink.stop();
    return EXIT.ok;
  }
  return new Promise<number>((resolve) => {
    const stop = (code: number) => void sink.stop().then(() => resolve(code));
    process.once('SIGINT', () => stop(EXIT.sigint));
    process.once('SIGTERM', () => stop(EXIT.sigterm));
  });
};

/** A file `run` uploads must exist and be named as uploads the landing bucket's trigger fires for. */
const checkUploadFile = (flag: 'csv' | 'events', file: string): void => {
  if (!existsSync(file) || !statSync(file).isFile()) throw new UsageError(`--${flag} ${file}: no such file`, RUN_USAGE);
  // The landing bucket's trigger fires only for these names (as on AWS): any other upload would wait for an ingest that never comes.
  if (!UPLOAD_SUFFIXES.some((suffix) => file.endsWith(suffix)))
    throw new UsageError(`--${flag} ${file}: the name must end in ${UPLOAD_SUFFIXES.join(' or ')}, as uploads to the landing bucket must`, RUN_USAGE);
};

const runCommand = async (args: string[]): Promise<number> => {
  const values = parseCommand(
    args,
    {
      csv: { type: 'string' },
      events: { type: 'string' },
      once: { type: 'boolean' },
      port: { type: 'string' },
      rows: { type: 'string' },
      seed: { type: 'string' },
      keep: { type: 'boolean' },
      full: { type: 'boolean' },
      evaluate: { type: 'boolean' },
      'no-realtime': { type: 'boolean' },
      'work-dir': { type: 'string' },
      pin: { type: 'string' },
    },
    RUN_USAGE,
  );
  if (!values) return EXIT.ok;
  if (values.csv !== undefined) {
    checkUploadFile('csv', values.csv);
    if (values.rows !== undefined || values.seed !== undefined)
      throw new UsageError('--rows and --seed shape the generated demo data; they cannot go with --csv', RUN_USAGE);
  }
  if (values.events !== undefined) checkUploadFile('events', values.events);
  if (values.pin !== undefined && !RECOMMENDER_MODELS.includes(values.pin as RecommenderModel))
    throw new UsageError(`--pin must be one of ${RECOMMENDER_MODELS.join(', ')}, got '${values.pin}'`, RUN_USAGE);
  const options = {
    workDir: values['work-dir'],
    csv: values.csv,
    events: values.events,
    once: values.once ?? false,
    port: positiveInteger('port', values.port, RUN_USAGE, { max: 65_535 }),
    rows: positiveInteger('rows', values.rows, RUN_USAGE),
    seed: values.seed,
    keep: values.keep ?? false,
    full: values.full ?? false,
    evaluate: values.evaluate ?? false,
    realtime: !values['no-realtime'],
    pin: (values.pin as RecommenderModel | undefined) ?? null,
  };
  // The SDK's notice that its releases after January 2027 need Node 22 (this project runs on Node 20) would
  // fill eight console lines of every run; it is documented in local/README.md instead.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // Loaded only to run: the pipeline's modules take seconds to load and print their own start-up warnings.
  const { runTwin } = require('../pipeline/twin') as typeof Twin;
  return runTwin(options);
};

// Loaded only for `sql`: DuckDB is a native module no other command needs.
const sqlCommand = (args: string[]): Promise<number> => (require('../sql/command') as typeof Sql).sqlCommand(args);

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = { run: runCommand, local: runCommand, generate: generateCommand, sink: sinkCommand, replay: replayCommand, sql: sqlCommand };

const main = async (argv: string[]): Promise<number> => {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    (command === undefined ? console.error : console.log)(COMMANDS_USAGE);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  const handler = COMMANDS[command];
  if (!handler) throw new UsageError(`unknown command '${command}'`, COMMANDS_USAGE);
  return handler(rest);
};

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    if (error instanceof UsageError) process.exit(reportUsageError(error));
    // Not the user's doing: the stack helps whoever reads the bug report.
    console.error(`recstream: ${error.stack ?? error.message}`);
    process.exit(EXIT.failed);
  },
);
