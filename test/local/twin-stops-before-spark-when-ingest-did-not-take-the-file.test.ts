/**
 * `recstream run --once` on a file ingest does not take ends right after
 * ingest with the report's reason in one line and its own exit code: no Spark
 * job runs (the twin starts Spark's JVM early, but it reads and writes nothing
 * before the lake is complete, and is stopped), so no traceback and no
 * recommendations from part of a file. A header-only file ends cleanly with "nothing to process".
 * Each case runs the real CLI: S3 and DynamoDB servers, broker, the deployed
 * ingest handler behind the landing bucket's event.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { CSV_COLUMNS } from '../../contract';
import { ROOT, runOnce } from './run-once';

const SLICE = join(ROOT, 'test', 'fixtures', 'purchases-slice.csv.gz');
const ROW = '2020-04-24 11:50:39 UTC,2294359932054536986,1515966223509089906,2268105426648170900,electronics.tablet,samsung,162.01,1515915625441993984';

const runCsv = (csv: string) => runOnce(['--csv', csv]);

const file = (name: string, content: string | Buffer) => {
  const path = join(mkdtempSync(join(tmpdir(), 'recstream-bad-')), name);
  writeFileSync(path, content);
  return path;
};

const lastLine = (text: string) => text.trim().split('\n').at(-1) ?? '';
/** Anything a Spark job writes lands under the lake beside raw/ (curated/, reports/, serving/ ...). */
const sparkRan = (workDir: string) => existsSync(join(workDir, 'lake')) && readdirSync(join(workDir, 'lake')).some((entry) => entry !== 'raw');
/** Processes still running with the run's work dir in their command line (the early-started Spark's). */
const leftRunning = async (workDir: string) => {
  for (let tries = 0; ; tries++) {
    const left = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((p) => p.includes(workDir));
    if (left.length === 0 || tries === 20) return left;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
};
const noSpark = async (workDir: string) => {
  assert.ok(!sparkRan(workDir), 'no Spark job ran');
  assert.deepEqual(await leftRunning(workDir), [], 'nothing of the run is left running');
};

describe('a file ingest did not take ends the run before Spark', { concurrency: 3 }, () => {
  test('a wrong header: exit 3 and the header problem in one line', async () => {
    const header = CSV_COLUMNS.map((c) => (c === 'price' ? 'cost' : c)).join(',');
    const run = await runCsv(file('wrong-header.csv', `${header}\n${ROW}\n${ROW}\n`));
    assert.equal(run.code, 3, run.stdout + run.stderr);
    assert.match(lastLine(run.stderr), /^ingest: wrong-header\.csv rejected: .*header.*\(report s3:\/\/landing\/uploads\/wrong-header\.csv\.report\.json\)$/);
    await noSpark(run.workDir);
    assert.doesNotMatch(run.stdout + run.stderr, /Traceback|    at /);
  });

  test('a truncated gzip (a real file cut in the middle): exit 3, not a partial run', async () => {
    const whole = readFileSync(SLICE);
    const run = await runCsv(file('cut.csv.gz', whole.subarray(0, Math.floor(whole.length / 2))));
    assert.equal(run.code, 3, run.stdout + run.stderr);
    assert.match(lastLine(run.stderr), /^ingest: cut\.csv\.gz rejected: .*(gzip|end of file|unexpected end)/i);
    await noSpark(run.workDir);
    assert.doesNotMatch(run.stdout + run.stderr, /Traceback|    at /);
  });

  test('a header-only file: exit 0 and "nothing to process"', async () => {
    const run = await runCsv(file('header-only.csv.gz', gzipSync(`${CSV_COLUMNS.join(',')}\n`)));
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(lastLine(run.stdout), 'ingest: header-only.csv.gz: nothing to process (a header and no data rows)');
    await noSpark(run.workDir);
  });

  test('a file whose every row is rejected: exit 3 with the reasons and where the rows are', async () => {
    const bad = ROW.replace('162.01', 'free');
    const run = await runCsv(file('all-bad.csv', `${CSV_COLUMNS.join(',')}\n${bad}\n${bad}\n`));
    assert.equal(run.code, 3, run.stdout + run.stderr);
    assert.match(lastLine(run.stderr), /^ingest: all-bad\.csv rejected: all 2 rows were rejected \(\w+ 2; rows in s3:\/\/landing\/uploads\/all-bad\.csv\.rejected\.jsonl\)$/);
    await noSpark(run.workDir);
  });
});
