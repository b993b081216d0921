/**
 * `recstream run --once` on a file ingest does not take ends right after
 * ingest with the report's reason in one line and its own exit code: no Spark
 * job starts (no Spark log), so no traceback and no recommendations from part
 * of a file. A header-only file ends cleanly with "nothing to process".
 * Each case runs the real CLI: S3 and DynamoDB servers, broker, the deployed
 * ingest handler behind the landing bucket's event.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { CSV_COLUMNS } from '../../contract';

const ROOT = join(__dirname, '..', '..');
const SLICE = join(ROOT, 'test', 'fixtures', 'purchases-slice.csv.gz');
const ROW = '2020-04-24 11:50:39 UTC,2294359932054536986,1515966223509089906,2268105426648170900,electronics.tablet,samsung,162.01,1515915625441993984';

const runOnce = (csv: string) =>
  new Promise<{ code: number | null; stdout: string; stderr: string; workDir: string }>((resolve) => {
    const workDir = mkdtempSync(join(tmpdir(), 'recstream-early-'));
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'local/bin/recstream.ts'), 'run', '--csv', csv, '--once', '--work-dir', workDir], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('close', (code) => resolve({ code, stdout, stderr, workDir }));
  });

const file = (name: string, content: string | Buffer) => {
  const path = join(mkdtempSync(join(tmpdir(), 'recstream-bad-')), name);
  writeFileSync(path, content);
  return path;
};

const lastLine = (text: string) => text.trim().split('\n').at(-1) ?? '';
const sparkStarted = (workDir: string) => ['clean', 'recommend', 'analyse', 'pipeline'].some((job) => existsSync(join(workDir, 'logs', `spark-${job}.log`)));

describe('a file ingest did not take ends the run before Spark', { concurrency: 3 }, () => {
  test('a wrong header: exit 3 and the header problem in one line', async () => {
    const header = CSV_COLUMNS.map((c) => (c === 'price' ? 'cost' : c)).join(',');
    const run = await runOnce(file('wrong-header.csv', `${header}\n${ROW}\n${ROW}\n`));
    assert.equal(run.code, 3, run.stdout + run.stderr);
    assert.match(lastLine(run.stderr), /^ingest: wrong-header\.csv rejected: .*header.*\(report s3:\/\/landing\/uploads\/wrong-header\.csv\.report\.json\)$/);
    assert.ok(!sparkStarted(run.workDir), 'no Spark job ran');
    assert.doesNotMatch(run.stdout + run.stderr, /Traceback|    at /);
  });

  test('a truncated gzip (a real file cut in the middle): exit 3, not a partial run', async () => {
    const whole = readFileSync(SLICE);
    const run = await runOnce(file('cut.csv.gz', whole.subarray(0, Math.floor(whole.length / 2))));
    assert.equal(run.code, 3, run.stdout + run.stderr);
    assert.match(lastLine(run.stderr), /^ingest: cut\.csv\.gz rejected: .*(gzip|end of file|unexpected end)/i);
    assert.ok(!sparkStarted(run.workDir), 'no Spark job ran');
    assert.doesNotMatch(run.stdout + run.stderr, /Traceback|    at /);
  });

  test('a header-only file: exit 0 and "nothing to process"', async () => {
    const run = await runOnce(file('header-only.csv.gz', gzipSync(`${CSV_COLUMNS.join(',')}\n`)));
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(lastLine(run.stdout), 'ingest: header-only.csv.gz: nothing to process (a header and no data rows)');
    assert.ok(!sparkStarted(run.workDir), 'no Spark job ran');
  });

  test('a file whose every row is rejected: exit 3 with the reasons and where the rows are', async () => {
    const bad = ROW.replace('162.01', 'free');
    const run = await runOnce(file('all-bad.csv', `${CSV_COLUMNS.join(',')}\n${bad}\n${bad}\n`));
    assert.equal(run.code, 3, run.stdout + run.stderr);
    assert.match(lastLine(run.stderr), /^ingest: all-bad\.csv rejected: all 2 rows were rejected \(\w+ 2; rows in s3:\/\/landing\/uploads\/all-bad\.csv\.rejected\.jsonl\)$/);
    assert.ok(!sparkStarted(run.workDir), 'no Spark job ran');
  });
});
