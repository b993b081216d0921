/**
 * The twin starts the first Spark step's JVM while the broker starts and ingest lands the data
 * (runSparkJob's `when`, local/pipeline/spark_when_landed.py): the job must read nothing before the
 * lake is complete, and a run that ends before then must not leave Spark behind. (A small input's
 * quick-compiler setting rides along in the first case.)
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { LAKE } from '../../contract';
import { REPO_ROOT, runSparkJob, SPARK_SUBMIT } from '../../local/pipeline/spark';

const FIXTURE = join(REPO_ROOT, 'emr-jobs', 'tests', 'fixtures', 'raw', 'purchases');
const skip = existsSync(SPARK_SUBMIT) ? false : 'no .venv with Spark (bash local/setup.sh)';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a Spark step started early', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'recstream-early-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the raw data that landed while it was starting, and only once told the lake is complete', async () => {
    const lake = join(dir, 'lake');
    const raw = join(lake, LAKE.rawPrefix);
    let complete = () => {};
    const run = runSparkJob({
      job: 'clean',
      args: ['--input', raw, '--output', join(lake, LAKE.curatedPrefix)],
      logFile: join(dir, 'clean.log'),
      note: () => undefined,
      when: new Promise<void>((resolve) => (complete = resolve)),
      smallInput: true,
    });
    // Longer than Spark takes to start here: a job that did not wait would find no input and fail.
    await sleep(8_000);
    cpSync(FIXTURE, raw, { recursive: true });
    complete();
    await run;
    const report = JSON.parse(readFileSync(join(lake, LAKE.cleanReportKey), 'utf8')) as { input_rows: number };
    assert.ok(report.input_rows > 0, 'the report counts the rows that landed before the go');
    assert.match(readFileSync(join(dir, 'clean.log'), 'utf8'), /spark-submit .*-XX:TieredStopAtLevel=1/, 'a small input runs with the quick compiler');
  });

  it('stops the waiting Spark when the run ends before its lake is complete', async () => {
    let abandon = (_: Error) => {};
    const started = Date.now();
    const run = runSparkJob({
      job: 'clean',
      args: ['--input', join(dir, 'never'), '--output', join(dir, 'never-curated')],
      logFile: join(dir, 'abandoned.log'),
      note: () => undefined,
      when: new Promise<void>((_, reject) => (abandon = reject)),
    });
    // Long enough for spark-submit to have started the Python driver, which then waits.
    await sleep(6_000);
    abandon(new Error('ingest rejected the file'));
    await assert.rejects(run, /spark job 'clean' failed/);
    assert.ok(Date.now() - started < 30_000, 'stopped at once, not after a timeout');
    assert.ok(!existsSync(join(dir, 'never-curated')), 'nothing was written');
    await sleep(1_000);
    const left = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((p) => p.includes(join(dir, 'abandoned.log')));
    assert.deepEqual(left, [], 'no Spark driver is left waiting');
  });
});
