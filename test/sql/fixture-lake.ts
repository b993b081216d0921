/**
 * A lake folder as the real Spark jobs leave it, made once per test process: the committed purchases
 * Firehose fixture (real REES46 rows) plus an object of refused rows and one of a line item at the earliest time clean
 * dates, and 4,000 generated behaviour events over 8 days
 * plus an object of refused events, through clean, analyse, recommend, sessions, funnel and categories in
 * one Spark application (test/sql/jobs_in_one_application.py). About a minute on 2 cores.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BEHAVIOUR_LAKE, LAKE } from '../../contract';
import { writeBehaviourFirehose } from '../../local/generator/behaviour-write';
import { REPO_ROOT, SPARK_SUBMIT } from '../../local/pipeline/spark';

const PURCHASES_FIXTURE = join(REPO_ROOT, 'emr-jobs', 'tests', 'fixtures', 'raw', 'purchases');
const DRIVER = join(REPO_ROOT, 'test', 'sql', 'jobs_in_one_application.py');
export const FIXTURE_EVENTS = 4_000;

/** Rows clean refuses (real-data shape: every field a string), so the quarantine tables have rows to read. */
const BAD_PURCHASES = [
  'not json at all',
  JSON.stringify({ event_time: '2020-04-24 11:50:39 UTC', order_id: '2294359932054536986', product_id: '1515966223509089906', category_id: '2268105426648170900', category_code: 'electronics.tablet', brand: 'samsung', price: 'abc', user_id: '1515915625441993984' }),
];
/**
 * A line item one second after 1970 (clean files 1970 times as undated): the earliest month clean can date, 1971-01,
 * which Athena's projection must reach (contract/catalog.ts PURCHASES_PARTITION) or its rows would silently vanish.
 */
export const EARLIEST_DATED_PURCHASE = { event_time: '1971-01-01 00:00:01 UTC', order_id: '1971000000000000001', product_id: '1515966223509089906', category_id: '2268105426648170900', category_code: 'electronics.tablet', brand: 'samsung', price: '199.99', user_id: '1515915625400000001' };

const BAD_EVENTS = [
  JSON.stringify({ v: 1, event_time: '2019-11-01 10:00:00 UTC', event_type: 'zoom', product_id: '1004856', category_id: null, category_code: null, brand: null, price: '10.00', user_id: '512000001', user_session: 'bad-1', source: 'test/bad.csv', line: 2 }),
  JSON.stringify({ v: 1, event_time: '2019-11-01 10:00:01 UTC', event_type: 'view', product_id: '1004856', category_id: null, category_code: null, brand: null, price: 'ten', user_id: '512000001', user_session: 'bad-1', source: 'test/bad.csv', line: 3 }),
];

const gzLines = (path: string, lines: string[]): void => {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, gzipSync(lines.map((l) => `${l}\n`).join('')));
};

const sparkSubmit = (lake: string, log: string[]): Promise<void> =>
  new Promise((resolve, reject) => {
    const venv = join(REPO_ROOT, '.venv', 'bin');
    const child = spawn(
      SPARK_SUBMIT,
      ['--master', 'local[2]', '--driver-memory', '2g', ...['spark.ui.enabled=false', 'spark.driver.host=127.0.0.1', 'spark.driver.bindAddress=127.0.0.1', 'spark.sql.shuffle.partitions=4'].flatMap((c) => ['--conf', c]), DRIVER, lake],
      { cwd: REPO_ROOT, env: { ...process.env, PYSPARK_PYTHON: join(venv, 'python'), PYTHONPATH: join(REPO_ROOT, 'emr-jobs'), SPARK_LOCAL_IP: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk: Buffer) => log.push(chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`the jobs failed (exit ${code}):\n${log.join('').split('\n').slice(-30).join('\n')}`))));
  });

/** Builds the lake in a new temporary folder and returns its path. */
export const buildFixtureLake = async (): Promise<string> => {
  const lake = mkdtempSync(join(tmpdir(), 'recstream-sql-lake-'));
  cpSync(PURCHASES_FIXTURE, join(lake, LAKE.rawPrefix), { recursive: true });
  gzLines(join(lake, LAKE.rawPrefix, '2026', '11', '22', '13', 'purchases-refused.gz'), BAD_PURCHASES);
  gzLines(join(lake, LAKE.rawPrefix, '2026', '11', '22', '13', 'purchases-earliest.gz'), [JSON.stringify(EARLIEST_DATED_PURCHASE)]);
  // 500 a day: the events span 8 days and every hour, so the by-day and by-hour funnels have many rows.
  await writeBehaviourFirehose({ events: FIXTURE_EVENTS, seed: 25, eventsPerDay: 500 }, lake);
  gzLines(join(lake, BEHAVIOUR_LAKE.rawPrefix, '2019', '11', '01', '10', 'events-refused.gz'), BAD_EVENTS);
  await sparkSubmit(lake, []);
  return lake;
};

let shared: Promise<string> | undefined;
/** One lake per test process, however many tests ask. */
export const fixtureLake = (): Promise<string> => (shared ??= buildFixtureLake());
