/**
 * npm run bench:ingest — the real 1M-row upload through ingest, side by side
 * with Kafka's own ProducerPerformance on the same broker in the same run
 * (same record count, the real messages as its payload, acks=all, idempotence,
 * same compression), then peak memory of one ingest run at 1M vs 4M rows.
 *
 *   npm run bench:ingest                     the comparison and the memory runs
 *   npm run bench:ingest -- --clients [rows]  ingest's producer vs @platformatic/kafka's send() vs kafkajs (vs @confluentinc/kafka-javascript)
 *                                            (CONFLUENT_KAFKA_JS=<its dir>, see lambdas/ingest/README.md)
 *
 * Skips cleanly when ../shared/data/electronics is absent.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { createGunzip, createGzip } from 'node:zlib';
import { compatibilityPartitioner, Producer, stringSerializers } from '@platformatic/kafka';
import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { ensureTopic, KAFKA_CLASSPATH, startBroker } from '../../local/kafka/broker';
import { ingestStream, type IngestReport } from '../../lambdas/ingest/ingest';
import { ingestFile } from '../../local/ingest/ingest-file';
import { PipelinedSender } from '../../lambdas/ingest/pipelined-sender';
import { batchSender } from '../../lambdas/ingest/producer';
import type { KafkaRecord } from '../../lambdas/ingest/record-batch';
import { disconnectAll, sharedProducer } from '../../lambdas/ingest/shared-producers';
import { DEFAULT_TUNING, type Compression } from '../../lambdas/ingest/tuning';
import { realCsvPath } from '../ingest/real-data';

const WORK = resolve(__dirname, '..', '..', '.work', 'ingest-bench');
const PARTITIONS = 6;
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const noQuarantine = { write: async () => undefined, close: async () => undefined };
const say = (line: string) => console.error(line);
const machine = () => `load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`;

/** Every message ingest would produce, without Kafka: count, average size, and a payload sample for the perf tool. */
async function measureMessages(csv: string, payloadFile: string): Promise<{ rows: number; avgValueBytes: number; parseOnly: IngestReport }> {
  const sample = createWriteStream(payloadFile);
  let rows = 0;
  let bytes = 0;
  const capture = async (records: KafkaRecord[]) => {
    for (const { value } of records) {
      if (rows++ % 20 === 0) sample.write(value); // values end with '\n': the perf tool's default delimiter
      bytes += value.length;
    }
  };
  const parseOnly = await ingestStream(createReadStream(csv, { highWaterMark: 1 << 20 }), 'bench/parse-only@0', capture, noQuarantine);
  sample.end();
  await once(sample, 'finish');
  return { rows, avgValueBytes: bytes / rows, parseOnly };
}

/** ProducerPerformance's summary line → records/s. */
function producerPerformance(bootstrap: string, topic: string, records: number, payloadFile: string, compression: Compression): { rate: number; line: string } {
  const run = spawnSync(
    'java',
    ['-Xmx512m', '-cp', KAFKA_CLASSPATH, 'org.apache.kafka.tools.ProducerPerformance', '--topic', topic, '--num-records', String(records), '--throughput', '-1', '--payload-file', payloadFile,
      '--producer-props', `bootstrap.servers=${bootstrap}`, 'acks=all', 'enable.idempotence=true', `compression.type=${compression}`],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  const line = run.stdout.trim().split('\n').filter((l) => l.includes('records sent')).pop() ?? '';
  const match = /records sent, ([\d.]+) records\/sec/.exec(line);
  if (run.status !== 0 || !match) throw new Error(`ProducerPerformance failed:\n${run.stdout}\n${run.stderr}`);
  return { rate: Number(match[1]), line };
}

/** A CSV of `copies` times the real rows (new line numbers, so new row identities), gzipped as uploads are. */
async function multipliedUpload(csv: string, copies: number, out: string): Promise<string> {
  if (existsSync(out)) return out;
  const lines = createReadStream(csv).pipe(createGunzip());
  let body = '';
  for await (const chunk of lines) body += chunk; // ~110 MB of text: fine for a benchmark's generator
  const [header, ...rest] = body.trimEnd().split('\n');
  const gzip = createGzip({ level: 1 });
  const file = createWriteStream(out);
  gzip.pipe(file);
  gzip.write(header + '\n');
  const rows = rest.join('\n') + '\n';
  for (let i = 0; i < copies; i++) if (!gzip.write(rows)) await once(gzip, 'drain');
  gzip.end();
  await once(file, 'finish');
  return out;
}

/**
 * One ingest run in a fresh process, so its peak RSS (VmHWM) is its own,
 * pinned to one CPU: a 1,769 MB Lambda has one vCPU, and the largest file one
 * invocation handles follows from this rate.
 */
function ingestInChild(file: string, bootstrap: string, topic: string): { report: IngestReport; peakRssMB: number } {
  const run = spawnSync('taskset', ['-c', '0', process.execPath, '--import', 'tsx', __filename, '--child', file, bootstrap, topic], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (run.status !== 0) throw new Error(`child ingest failed:\n${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!);
}

async function child([file, bootstrap, topic]: string[]) {
  const report = await ingestFile(file, { brokers: [bootstrap], auth: 'plaintext' }, { topic });
  await disconnectAll();
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  console.log(JSON.stringify({ report, peakRssMB: Math.round(Number(hwm![1]) / 1024) }));
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function compareWithPerfTool(csv: string) {
  mkdirSync(WORK, { recursive: true });
  const payloadFile = join(WORK, 'payload.jsonl');
  say('measuring the messages (parse only, no Kafka)...');
  const { rows, avgValueBytes, parseOnly } = await measureMessages(csv, payloadFile);
  const compression = DEFAULT_TUNING.compression;
  const upload = join(WORK, 'purchases-2020H1.csv.gz');
  copyFileSync(csv, upload);
  const broker = await startBroker({ log: say });
  const ingestRates: number[] = [];
  const perfRates: number[] = [];
  const perfLines: string[] = [];
  let memory: { rows: number; peakRssMB: number; seconds: number }[] = [];
  try {
    for (const topic of ['bench-perf', 'bench-ingest', 'bench-memory']) await ensureTopic(broker.bootstrap, { name: topic, partitions: PARTITIONS });
    say('warming up broker and JIT...');
    producerPerformance(broker.bootstrap, 'bench-perf', 100_000, payloadFile, compression);
    const warmUp = join(WORK, 'warm-up.csv.gz');
    copyFileSync(resolve(__dirname, '..', 'fixtures', 'purchases-slice.csv.gz'), warmUp); // its report lands beside it, not in the repo
    await ingestFile(warmUp, { brokers: [broker.bootstrap], auth: 'plaintext' }, { topic: 'bench-ingest' });
    for (let round = 1; round <= ROUNDS; round++) {
      const perf = producerPerformance(broker.bootstrap, 'bench-perf', rows, payloadFile, compression);
      perfRates.push(perf.rate);
      perfLines.push(perf.line);
      say(`round ${round}: ProducerPerformance ${fmt(perf.rate)} records/s`);
      const report = await ingestFile(upload, { brokers: [broker.bootstrap], auth: 'plaintext' }, { topic: 'bench-ingest' });
      ingestRates.push(report.produced / report.seconds);
      say(`round ${round}: ingest ${fmt(report.produced / report.seconds)} rows/s (${report.seconds}s)`);
    }
    await disconnectAll();
    say('peak memory and one-CPU rate: one ingest process at 1M and at 4M rows...');
    const fourX = await multipliedUpload(csv, 4, join(WORK, 'purchases-4x.csv.gz'));
    memory = [upload, fourX].map((file) => {
      const { report, peakRssMB } = ingestInChild(file, broker.bootstrap, 'bench-memory');
      say(`  ${fmt(report.produced)} rows: peak RSS ${peakRssMB} MB, ${report.seconds}s`);
      return { rows: report.produced, peakRssMB, seconds: report.seconds };
    });
  } finally {
    await broker.stop();
  }

  const mb = (rate: number) => (rate * avgValueBytes) / 1e6;
  const bestIngest = Math.max(...ingestRates);
  const bestPerf = Math.max(...perfRates);
  console.log(`\n## Ingest vs Kafka's ProducerPerformance — one broker, one run, ${machine()}`);
  console.log(`${fmt(rows)} real rows, ${fmt(avgValueBytes, 1)} B average message; acks=all, idempotent, compression=${compression}; best of ${ROUNDS} alternating rounds`);
  console.log('| producer | rows/s | MB/s | each round (rows/s) |\n|---|---|---|---|');
  console.log(`| ProducerPerformance (Java client, payload = sample of the real messages) | ${fmt(bestPerf)} | ${fmt(mb(bestPerf), 1)} | ${perfRates.map((r) => fmt(r)).join(', ')} |`);
  console.log(`| recstream ingest (gunzip + parse + validate + JSON + own record batches, sent on @platformatic/kafka connections) | ${fmt(bestIngest)} | ${fmt(mb(bestIngest), 1)} | ${ingestRates.map((r) => fmt(r)).join(', ')} |`);
  console.log(`| ingest parse + validate only (no Kafka) | ${fmt(parseOnly.read / parseOnly.seconds)} | ${fmt(mb(parseOnly.read / parseOnly.seconds), 1)} | |`);
  console.log(`\nratio ingest / ProducerPerformance: ${(bestIngest / bestPerf).toFixed(2)} (target >= 0.8); per round: ${ingestRates.map((r, i) => (r / perfRates[i]).toFixed(2)).join(', ')}`);
  console.log(`ProducerPerformance said: ${perfLines.join(' | ')}`);
  console.log('\n| rows in one upload | peak RSS of the ingest process (pinned to one CPU) | seconds | rows/s |\n|---|---|---|---|');
  for (const m of memory) console.log(`| ${fmt(m.rows)} | ${m.peakRssMB} MB | ${m.seconds} | ${fmt(m.rows / m.seconds)} |`);
}

// --- --clients: how the Kafka client was chosen -----------------------------------------

type ClientRun = (batches: KafkaRecord[][], bootstrap: string, topic: string) => Promise<void>;

/** Every batch through the sender, then until the last is acknowledged. */
async function pump(sender: PipelinedSender, batches: KafkaRecord[][]): Promise<void> {
  for (const batch of batches) await sender.submit(batch);
  await sender.drain();
}

/** What ingest runs: its own record batches on @platformatic/kafka's connections, the next batch compressed while one is on the wire. */
const recstreamRun =
  (compression: Compression): ClientRun =>
  async (batches, bootstrap, topic) => {
    const sender = new PipelinedSender(batchSender(sharedProducer({ brokers: [bootstrap], auth: 'plaintext' }), topic, compression), DEFAULT_TUNING.batchesInFlight);
    await pump(sender, batches);
    await disconnectAll();
  };

/** The client's own send(): its encoder, synchronous compression, one batch in flight (what ingest ran before its own encoder). */
const platformaticRun =
  (compression: Compression): ClientRun =>
  async (batches, bootstrap, topic) => {
    const producer = new Producer({ clientId: 'bench', bootstrapBrokers: [bootstrap], idempotent: true, acks: -1, compression, partitioner: compatibilityPartitioner, serializers: stringSerializers });
    const sender = new PipelinedSender(async (records) => void (await producer.send({ messages: records.map(({ key, value }) => ({ topic, key, value })) })));
    await pump(sender, batches);
    await producer.close();
  };

/** The previous choice: kafkajs, idempotent (which limits it to one request in flight), one batch in flight. */
const kafkajsRun =
  (compression: Compression): ClientRun =>
  async (batches, bootstrap, topic) => {
    const producer = new Kafka({ clientId: 'bench', brokers: [bootstrap], logLevel: logLevel.ERROR }).producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const codec = compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
    const sender = new PipelinedSender(async (messages) => void (await producer.send({ topic, messages, acks: -1, compression: codec })));
    await pump(sender, batches);
    await producer.disconnect();
  };

/** The Confluent client's KafkaJS-compatible API, several sends in flight (librdkafka keeps order up to 5 with idempotence). */
const confluentRun =
  (dir: string, compression: 'none' | 'gzip' | 'lz4'): ClientRun =>
  async (batches, bootstrap, topic) => {
    const { KafkaJS } = require(dir); // optional and untyped: not a project dependency
    const producer = new KafkaJS.Kafka({ kafkaJS: { brokers: [bootstrap], logLevel: KafkaJS.logLevel.ERROR } }).producer({ kafkaJS: { idempotent: true, acks: -1, compression } });
    await producer.connect();
    const inFlight = new Set<Promise<unknown>>();
    for (const messages of batches) {
      if (inFlight.size >= 5) await Promise.race(inFlight);
      const sent: Promise<unknown> = producer.send({ topic, messages }).finally(() => inFlight.delete(sent));
      inFlight.add(sent);
    }
    await Promise.all(inFlight);
    await producer.disconnect();
  };

/** The same client's native librdkafka API: produce() per row, delivery reports counted. */
const rdkafkaRun =
  (dir: string, compression: 'none' | 'lz4'): ClientRun =>
  (batches, bootstrap, topic) =>
    new Promise((done, fail) => {
      const { Producer } = require(dir);
      const total = batches.reduce((n, b) => n + b.length, 0);
      const producer = new Producer({
        'metadata.broker.list': bootstrap,
        'enable.idempotence': true,
        acks: 'all',
        dr_cb: true,
        'linger.ms': 10,
        'compression.codec': compression,
        'queue.buffering.max.messages': 500_000,
      });
      let delivered = 0;
      producer.setPollInterval(20);
      producer.on('delivery-report', (error: Error | null) => {
        if (error) fail(error);
        else if (++delivered === total) producer.disconnect(() => done());
      });
      producer.on('event.error', fail);
      producer.on('ready', () => {
        for (const batch of batches) for (const { key, value } of batch) producer.produce(topic, null, Buffer.from(value), key);
      });
      producer.connect();
    });

async function compareClients(csv: string, rows: number) {
  const batches: KafkaRecord[][] = [];
  let kept = 0;
  await ingestStream(createReadStream(csv), 'bench/clients@0', async (records) => {
    if (kept < rows) batches.push(records.slice(0, rows - kept));
    kept += records.length;
  }, noQuarantine);
  const count = batches.reduce((n, b) => n + b.length, 0);
  const bytes = batches.reduce((n, b) => n + b.reduce((m, r) => m + r.value.length, 0), 0);
  const variants: [string, ClientRun][] = [
    ['recstream-batches none', recstreamRun('none')],
    ['recstream-batches gzip', recstreamRun('gzip')],
    ['platformatic-send() none', platformaticRun('none')],
    ['platformatic-send() gzip', platformaticRun('gzip')],
    ['kafkajs none', kafkajsRun('none')],
    ['kafkajs gzip', kafkajsRun('gzip')],
  ];
  const dir = process.env.CONFLUENT_KAFKA_JS && resolve(process.env.CONFLUENT_KAFKA_JS);
  if (dir && existsSync(join(dir, 'package.json')))
    variants.push(
      ['confluent(kafkajs-api) none', confluentRun(dir, 'none')],
      ['confluent(kafkajs-api) gzip', confluentRun(dir, 'gzip')],
      ['confluent(kafkajs-api) lz4', confluentRun(dir, 'lz4')],
      ['confluent(rdkafka-api) none', rdkafkaRun(dir, 'none')],
      ['confluent(rdkafka-api) lz4', rdkafkaRun(dir, 'lz4')],
    );
  else say('(@confluentinc/kafka-javascript not measured: set CONFLUENT_KAFKA_JS to its directory)');
  const rounds = Number(process.env.ROUNDS ?? 3);
  const seconds = new Map<string, number[]>();
  const broker = await startBroker({ log: say });
  try {
    for (let round = 1; round <= rounds; round++)
      for (const [name, run] of variants) {
        const topic = `clients-${round}-${name.replace(/\W/g, '-')}`;
        await ensureTopic(broker.bootstrap, { name: topic, partitions: PARTITIONS });
        const started = process.hrtime.bigint();
        await run(batches, broker.bootstrap, topic);
        const s = Number(process.hrtime.bigint() - started) / 1e9;
        seconds.set(name, [...(seconds.get(name) ?? []), s]);
        say(`round ${round} ${name}: ${fmt(count / s)} rows/s`);
      }
  } finally {
    await broker.stop();
  }
  const best = Math.max(...[...seconds.values()].map((s) => count / Math.min(...s)));
  console.log(`\n${fmt(count)} real rows (${fmt(bytes / count)} B average), idempotent, acks=all, best of ${rounds} alternating rounds, one broker; ${machine()}`);
  console.log('| client (API) | compression | rows/s | MB/s | vs best |\n|---|---|---|---|---|');
  for (const [name, s] of seconds) {
    const rate = count / Math.min(...s);
    const [client, compression] = name.split(' ');
    console.log(`| ${client} | ${compression} | ${fmt(rate)} | ${fmt((rate * bytes) / count / 1e6, 1)} | ${(rate / best).toFixed(2)} |`);
  }
}

async function main() {
  const [mode, ...args] = process.argv.slice(2);
  if (mode === '--child') return child(args);
  const csv = realCsvPath();
  if (!csv) {
    console.log('bench:ingest skipped: ../shared/data/electronics/purchases-2020H1.csv.gz is absent');
    return;
  }
  if (mode === '--clients') return compareClients(csv, Number(args[0] ?? 300_000));
  return compareWithPerfTool(csv);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
