/**
 * npm run bench:sql — the named queries in the twin's DuckDB beside the same aggregation as a Spark job, in
 * the same run (the ratio), with DuckDB's peak memory:
 * - purchases: the real REES46 Firehose objects (../shared/data/electronics; skipped when absent), one object
 *   (~22k rows) and all 45 (1M rows). Spark `main.py clean` makes the curated Parquet (setup, printed apart);
 *   the anchor is `main.py analyse` (the seven dashboard documents); DuckDB runs the seven named queries that
 *   answer the same (summary ... purchase_frequency) and its answers are compared with analyse's documents.
 * - behaviour events: generated (default 5M and 50k; figures on generated data measure the generator). Spark
 *   `main.py sessions` is setup; the anchor is `main.py funnel`; DuckDB runs the four session-funnel queries
 *   (by day, hour, category, brand), compared with funnel.json.
 * Spark times are spark-submit wall times (JVM start included: what an analyst waits for a Spark job); DuckDB
 * times are per query in one process (first run cold, second warm) plus opening the lake. Peak memory: the
 * DuckDB process's peak resident set (its ru_maxrss) beside what Node alone held before DuckDB opened.
 * Run it under `flock /tmp/recstream-bench.lock`; the load average is printed beside every figure.
 * Options: --events N (default 5000000), --small-events N (default 50000), --no-events (the real purchases only, ~5 min),
 * --seed S, --master M (default local[2]), --keep.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { BEHAVIOUR_LAKE, LAKE } from '../../contract';
import { writeBehaviourFirehose } from '../../local/generator/behaviour-write';
import {
  answerObjects,
  comparable,
  expectedFromAnalytics,
  expectedFromFunnel,
  FUNNEL_DOCUMENT_QUERIES,
  PURCHASE_DOCUMENT_QUERIES,
  readAnalytics,
  readFunnel,
  type Expected,
} from '../sql/documents';
import { EMR_JOBS, ROOT, spawnSparkSubmit, stderrErrors } from './spark-submit';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '5000000' },
    'small-events': { type: 'string', default: '50000' },
    seed: { type: 'string', default: '25' },
    master: { type: 'string', default: 'local[2]' },
    keep: { type: 'boolean', default: false },
    'no-events': { type: 'boolean', default: false },
  },
});
const MASTER = values.master!;
const FIREHOSE_OBJECTS = join(ROOT, '..', 'shared', 'data', 'electronics', 'firehose-objects');

const fmt = (n: number, digits = 1): string => n.toFixed(digits);
/** Bytes of the Parquet files under a folder: what Athena would scan for a query reading every column. */
const parquetMiB = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.parquet'))
    .reduce((sum, e) => sum + statSync(join(e.parentPath, e.name)).size, 0) / 2 ** 20;
const load = (): string => loadavg().map((l) => fmt(l, 2)).join(' ');

/** One spark-submit of main.py JOB; its wall seconds. */
const sparkJob = (label: string, args: string[]): Promise<number> =>
  new Promise((done, fail) => {
    const started = process.hrtime.bigint();
    const child = spawnSparkSubmit(MASTER, join(EMR_JOBS, 'main.py'), args);
    createInterface({ input: child.stdout }).on('line', () => undefined);
    const stderr = stderrErrors(child);
    child.on('error', fail);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) return fail(stderr.failure(label, code));
      console.log(`  ${label}: ${fmt(seconds)} s (load ${load()})`);
      done(seconds);
    });
  });

interface DuckRun {
  openSeconds: number;
  baseMiB: number;
  peakMiB: number;
  queries: { name: string; cold: number; warm: number; columns: string[]; rows: unknown[][] }[];
}

/** The named queries in a fresh Node process (test/bench/sql-queries.ts). */
const duckdb = (lake: string, names: readonly string[]): Promise<DuckRun> =>
  new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'bench', 'sql-queries.ts'), lake, names.join(',')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? done(JSON.parse(out.trim().split('\n').pop()!) as DuckRun) : fail(new Error(`sql-queries exited ${code}`))));
  });

interface Row {
  data: string;
  rows: string;
  spark: number;
  run: DuckRun;
  equal: string;
}
const results: Row[] = [];

/** One dataset's figures: Spark's wall time, DuckDB's (open + every query, first run) and warm total, their ratio, peak memory. */
const line = (r: Row): string => {
  const cold = r.run.openSeconds + r.run.queries.reduce((s, q) => s + q.cold, 0);
  const warm = r.run.queries.reduce((s, q) => s + q.warm, 0);
  return `${r.data.padEnd(34)} ${r.rows.padEnd(30)} ${fmt(r.spark).padStart(8)} ${fmt(cold, 2).padStart(9)} ${fmt(warm, 2).padStart(7)} ${`${fmt(r.spark / cold, 0)}x`.padStart(7)} ${fmt(r.run.peakMiB, 0).padStart(9)}  ${r.equal}`;
};

const report = (data: string, rows: string, spark: number, run: DuckRun, expected: (name: string) => Expected) => {
  const differing = run.queries.filter((q) => {
    const want = expected(q.name);
    return !isDeepStrictEqual(comparable(answerObjects(q.columns, q.rows), want), want.rows);
  });
  const equal = differing.length === 0 ? 'all equal' : `differ: ${differing.map((q) => q.name).join(', ')}`;
  for (const q of run.queries) console.log(`  duckdb ${q.name.padEnd(28)} cold ${fmt(q.cold, 3)} s  warm ${fmt(q.warm, 3)} s`);
  console.log(`  duckdb opened the lake in ${fmt(run.openSeconds, 3)} s; peak RSS ${fmt(run.peakMiB, 0)} MiB (Node alone ${fmt(run.baseMiB, 0)} MiB); answers vs the Spark job's documents: ${equal} (load ${load()})`);
  const row = { data, rows, spark, run, equal };
  console.log(`  => ${line(row)}`);
  results.push(row);
};

const purchases = async (objects: string[], label: string) => {
  const lake = mkdtempSync(join(ROOT, '.work', 'sql-bench-'));
  try {
    console.log(`\n== ${label}: ${objects.length} real Firehose object(s)`);
    for (const name of objects) cpSync(join(FIREHOSE_OBJECTS, name), join(lake, LAKE.rawPrefix, 'real', name));
    await sparkJob('setup: clean (spark-submit main.py clean)', ['clean', '--input', join(lake, LAKE.rawPrefix), '--output', join(lake, LAKE.curatedPrefix)]);
    const spark = await sparkJob('anchor: analyse, the seven dashboard documents (spark-submit main.py analyse)', ['analyse', '--input', join(lake, LAKE.curatedPrefix), '--output', join(lake, LAKE.analyticsPrefix)]);
    console.log(`  curated purchases: ${fmt(parquetMiB(join(lake, LAKE.curatedPrefix)), 2)} MiB of Parquet`);
    const run = await duckdb(lake, PURCHASE_DOCUMENT_QUERIES);
    const docs = readAnalytics(lake);
    const units = docs.summary.units.toLocaleString('en');
    report(label, `${units} units in ${docs.summary.orders.toLocaleString('en')} orders`, spark, run, (name) => expectedFromAnalytics(name as (typeof PURCHASE_DOCUMENT_QUERIES)[number], docs));
  } finally {
    if (!values.keep) rmSync(lake, { recursive: true, force: true });
  }
};

const events = async (count: number) => {
  const lake = mkdtempSync(join(ROOT, '.work', 'sql-bench-'));
  try {
    const label = `${count.toLocaleString('en')} generated events`;
    console.log(`\n== ${label} (seed ${values.seed}; figures on generated data measure the generator)`);
    const generating = Date.now();
    await writeBehaviourFirehose({ events: count, seed: values.seed }, lake);
    console.log(`  setup: generated in ${fmt((Date.now() - generating) / 1000)} s`);
    await sparkJob('setup: sessions (spark-submit main.py sessions)', ['sessions', '--lake', lake]);
    const spark = await sparkJob('anchor: funnel, the session and user funnels (spark-submit main.py funnel)', ['funnel', '--lake', lake]);
    console.log(`  curated events: ${fmt(parquetMiB(join(lake, BEHAVIOUR_LAKE.eventsPrefix)), 2)} MiB of Parquet`);
    const run = await duckdb(lake, FUNNEL_DOCUMENT_QUERIES);
    const funnel = readFunnel(lake);
    report(label, `${funnel.session.overall.units.toLocaleString('en')} sessions`, spark, run, (name) => expectedFromFunnel(name as (typeof FUNNEL_DOCUMENT_QUERIES)[number], funnel));
  } finally {
    if (!values.keep) rmSync(lake, { recursive: true, force: true });
  }
};

const main = async () => {
  mkdirSync(join(ROOT, '.work'), { recursive: true });
  console.log(`bench:sql, master ${MASTER}; load average at start: ${load()} (other work on this machine slows every number, the ratios less)`);
  if (existsSync(FIREHOSE_OBJECTS)) {
    const objects = readdirSync(FIREHOSE_OBJECTS).filter((f) => f.endsWith('.gz')).sort();
    await purchases(objects.slice(0, 1), 'real purchases, 1 object');
    await purchases(objects, 'real purchases, all');
  } else console.log(`\n(skipped the real purchases: ${FIREHOSE_OBJECTS} is absent)`);
  if (values['no-events']) console.log('\n(left out the generated events: --no-events)');
  else {
    await events(Number(values['small-events']));
    await events(Number(values.events));
  }

  console.log('\nSpark job (spark-submit wall, JVM start included) beside DuckDB (open + every query, first run; then the warm total):');
  console.log(`  ${'data'.padEnd(34)} ${'rows'.padEnd(30)} ${'Spark s'.padStart(8)} ${'DuckDB s'.padStart(9)} ${'warm s'.padStart(7)} ${'ratio'.padStart(7)} ${'peak MiB'.padStart(9)}  answers`);
  for (const r of results) console.log(`  ${line(r)}`);
  console.log(`load average at end: ${load()}`);
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
