/**
 * Issue 13.2: a gzip cut mid-stream is rejected as a file, but the rows
 * decoded before the damage were already produced. They must not reach the
 * recommendations, and when the fixed file is uploaded again under the same
 * key its rows must count once, not on top of the partial ones. Ingest's own
 * records (what it sends, completion record included) are landed as Firehose
 * objects and the real clean job reads them: before the fix is uploaded
 * nothing of the cut file counts; after, exactly the fixed file's rows do.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { test } from 'node:test';
import { CSV_COLUMNS } from '../../contract';
import { ingestStream, sourceId, type IngestReport } from '../../lambdas/ingest/ingest';
import type { KafkaRecord } from '../../lambdas/ingest/record-batch';

const ROOT = join(__dirname, '..', '..');
const TRUNCATED = join(ROOT, 'test', 'fixtures', 'malformed', 'truncated.csv.gz');
/** The corpus's truncated file is this pattern cut off after 1,308 whole rows; the fixed upload has it whole. */
const row = (i: number) => `2020-04-24 11:50:39 UTC,2294359932054536986,1515966223509089906,2268105426648170900,electronics.tablet,samsung,${i}.01,1515915625441993984`;
const FIXED_ROWS = 2000;
const KEY = 'uploads/purchases.csv.gz';

async function ingestToRecords(bytes: Buffer): Promise<{ report: IngestReport; records: KafkaRecord[] }> {
  const records: KafkaRecord[] = [];
  const noQuarantine = { write: async () => undefined, close: async () => undefined };
  const source = sourceId('landing', KEY, createHash('md5').update(bytes).digest('hex'));
  const report = await ingestStream(Readable.from([bytes]), source, async (batch) => void records.push(...batch), noQuarantine);
  return { report, records };
}

/** One Firehose object: the records' values, gzipped, under raw/purchases/yyyy/MM/dd/HH/. */
function land(lake: string, name: string, records: KafkaRecord[]): void {
  const folder = join(lake, 'raw', 'purchases', '2026', '11', '27', '10');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, name), gzipSync(records.map((r) => r.value).join('')));
}

/** The clean job's report for each lake, from one local Spark session. */
function cleanReports(lakes: string[]): Record<string, unknown>[] {
  const script = `
import json, os, sys
sys.path.insert(0, os.path.join(${JSON.stringify(ROOT)}, "emr-jobs"))
os.environ["PYSPARK_PYTHON"] = sys.executable
from pyspark.sql import SparkSession
from recstream_jobs import clean, io
spark = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
         .config("spark.sql.shuffle.partitions", "2").config("spark.driver.bindAddress", "127.0.0.1")
         .config("spark.driver.host", "127.0.0.1").getOrCreate())
io.configure(spark)
for lake in sys.argv[1:]:
    print(json.dumps(clean.clean(spark, clean.read_raw(spark, os.path.join(lake, "raw", "purchases")))[2]))
spark.stop()
`;
  const run = spawnSync(join(ROOT, '.venv', 'bin', 'python'), ['-c', script, ...lakes], { encoding: 'utf8', maxBuffer: 1 << 24 });
  assert.equal(run.status, 0, run.stderr.slice(-3000));
  return run.stdout.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
}

test('a truncated upload counts for nothing, and its fixed re-upload counts exactly once', async () => {
  const fixedCsv = [CSV_COLUMNS.join(','), ...Array.from({ length: FIXED_ROWS }, (_, i) => row(i))].join('\n') + '\n';
  const truncatedBytes = readFileSync(TRUNCATED);
  const decodable = gunzipSync(truncatedBytes, { finishFlush: constants.Z_SYNC_FLUSH }).toString('utf8');
  assert.ok(fixedCsv.startsWith(decodable), 'the fixed upload is the whole of the file that was cut');

  const cut = await ingestToRecords(truncatedBytes);
  assert.equal(cut.report.status, 'file_rejected');
  assert.equal(cut.report.produced, 1308, 'the rows before the damage were produced');
  assert.equal(cut.records.length, 1308, 'and no completion record');
  const fixed = await ingestToRecords(gzipSync(fixedCsv));
  assert.equal(fixed.report.status, 'ok');
  assert.equal(fixed.report.produced, FIXED_ROWS);
  assert.equal(fixed.records.length, FIXED_ROWS + 1, 'every row, then the completion record');

  const work = mkdtempSync(join(tmpdir(), 'reupload-'));
  const before = join(work, 'before-the-fix');
  land(before, 'cut.gz', cut.records);
  const after = join(work, 'after-the-fix');
  land(after, 'cut.gz', cut.records);
  land(after, 'fixed.gz', fixed.records);

  const [partial, whole] = cleanReports([before, after]) as { input_rows: number; quarantined: Record<string, number>; output: { line_items: number; units: number } }[];
  assert.deepEqual(partial.quarantined, { incomplete_upload: 1308 });
  assert.deepEqual(partial.output, { line_items: 0, units: 0 });
  assert.equal(whole.input_rows, 1308 + FIXED_ROWS);
  assert.deepEqual(whole.quarantined, { incomplete_upload: 1308 });
  assert.deepEqual(whole.output, { line_items: FIXED_ROWS, units: FIXED_ROWS }, "exactly the fixed file's rows, none of the cut file's twice");
});
