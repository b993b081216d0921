#!/usr/bin/env -S npx tsx
/**
 * recstream's local command line:
 *   run       the whole pipeline on this machine (`npm run local`; `local` is an alias)
 *   generate  a synthetic purchases CSV in the upload schema (`npm run generate`), or with --behaviour a REES46 behaviour CSV
 *   sink      the Firehose-equivalent sink as its own process
 */
import { parseArgs } from 'node:util';
import { DEFAULT_BEHAVIOUR_SEED } from '../generator/behaviour';
import { writeBehaviourCsv } from '../generator/behaviour-write';
import { DEFAULT_SEED } from '../generator/generate';
import { writeGenerated } from '../generator/write';
import { runTwin } from '../pipeline/twin';
import { formatBytes, formatCount } from '../pipeline/progress';
import { SINK_DEFAULTS, startSink } from '../sink/sink';

const USAGE = `usage:
  recstream run [--csv FILE] [--once] [--port N] [--rows N] [--seed S] [--keep] [--work-dir DIR]
  recstream generate --rows N [--seed S] [--out FILE.csv|FILE.csv.gz] [--behaviour]   (stdout without --out)
  recstream sink --brokers HOST:PORT --lake DIR [--buffer-mib N] [--interval-seconds S] [--until-drained]`;

const fail = (message: string): never => {
  console.error(`recstream: ${message}\n${USAGE}`);
  process.exit(2);
};

const positiveNumber = (name: string, value: string | undefined, fallback?: number): number => {
  if (value === undefined) return fallback ?? fail(`--${name} is required`);
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) fail(`--${name} must be a positive number, got '${value}'`);
  return n;
};

const generateCommand = async (args: string[]) => {
  const { values } = parseArgs({ args, options: { rows: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' }, behaviour: { type: 'boolean', default: false } } });
  const rows = Math.floor(positiveNumber('rows', values.rows));
  if (values.behaviour) {
    await writeBehaviourCsv({ events: rows, seed: values.seed ?? DEFAULT_BEHAVIOUR_SEED }, values.out ?? process.stdout);
    if (values.out) console.error(`generate: wrote ${formatCount(rows)} behaviour events to ${values.out}`);
    return;
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
};

const sinkCommand = async (args: string[]) => {
  const { values } = parseArgs({
    args,
    options: {
      brokers: { type: 'string' },
      lake: { type: 'string' },
      'buffer-mib': { type: 'string' },
      'interval-seconds': { type: 'string' },
      'until-drained': { type: 'boolean', default: false },
    },
  });
  const brokers = (values.brokers ?? fail('--brokers is required')).split(',');
  const lake = values.lake ?? fail('--lake is required');
  const sink = await startSink({
    brokers,
    lake,
    bufferBytes: positiveNumber('buffer-mib', values['buffer-mib'], SINK_DEFAULTS.bufferBytes / 2 ** 20) * 2 ** 20,
    intervalMs: positiveNumber('interval-seconds', values['interval-seconds'], SINK_DEFAULTS.intervalMs / 1000) * 1000,
    onObject: (object, totals) =>
      console.log(
        `sink: object ${totals.objects} ${object.key} (${formatCount(object.rows)} rows, ${formatBytes(object.bytes)} -> ${formatBytes(object.compressedBytes)} gz); total ${formatCount(totals.rows)} rows`,
      ),
  });
  console.log(`sink: consuming from ${brokers.join(',')} into ${lake}`);
  const stop = async (code: number) => {
    await sink.stop();
    process.exit(code);
  };
  if (values['until-drained']) {
    await sink.drain();
    await stop(0);
  }
  process.once('SIGINT', () => void stop(130));
  process.once('SIGTERM', () => void stop(143));
};

const runCommand = async (args: string[]) => {
  const { values } = parseArgs({
    args,
    options: {
      csv: { type: 'string' },
      once: { type: 'boolean', default: false },
      port: { type: 'string' },
      rows: { type: 'string' },
      seed: { type: 'string' },
      keep: { type: 'boolean', default: false },
      'work-dir': { type: 'string' },
    },
  });
  const code = await runTwin({
    workDir: values['work-dir'],
    csv: values.csv,
    once: values.once,
    port: values.port === undefined ? undefined : Math.floor(positiveNumber('port', values.port)),
    rows: values.rows === undefined ? undefined : Math.floor(positiveNumber('rows', values.rows)),
    seed: values.seed,
    keep: values.keep,
  });
  process.exit(code);
};

const COMMANDS: Record<string, (args: string[]) => Promise<void>> = { run: runCommand, local: runCommand, generate: generateCommand, sink: sinkCommand };

const [command, ...rest] = process.argv.slice(2);
const handler = COMMANDS[command ?? ''] ?? fail(command ? `unknown command '${command}'` : 'a command is required');
handler(rest).catch((error: Error) => {
  console.error(`recstream ${command}: ${error.stack ?? error.message}`);
  process.exit(1);
});
