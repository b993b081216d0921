/**
 * The twin starts the first Spark step's JVM while the broker starts and ingest lands the data
 * (runSparkJob's `when`, local/pipeline/spark_when_landed.py): the job must read nothing before the
 * lake is complete, and a run that ends before then must not leave Spark behind. (A small input's
 * quick-compiler setting rides along in the first case.) The data that lands while it starts is the
 * generator's purchases written as Firehose objects (writePurchasesFirehose, the cost-curve bench's input,
 * byte for byte its ingested upload: generated-purchases-land-as-the-firehose-objects-of-their-upload.test.ts), so
 * the same clean run proves that the real clean job counts every one of their rows.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { LAKE } from '../../contract';
import { writePurchasesFirehose } from '../../local/generator/purchases-firehose';
import { runSparkJob, SPARK_SUBMIT } from '../../local/pipeline/spark';

/** The generated purchases that land while Spark starts, cut into several objects (as in the Firehose objects test). */
const ROWS = 2_000;
const OBJECT_BYTES = 200_000;
const skip = existsSync(SPARK_SUBMIT) ? false : 'no .venv with Spark (bash local/setup.sh)';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a Spark step started early', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'recstream-early-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the raw data that landed while it was starting, and only once told the lake is complete: clean counts every generated row', async () => {
    const lake = join(dir, 'lake');
    let complete = () => {};
    const run = runSparkJob({
      job: 'clean',
      args: ['--input', join(lake, LAKE.rawPrefix), '--output', join(lake, LAKE.curatedPrefix)],
      logFile: join(dir, 'clean.log'),
      note: () => undefined,
      when: new Promise<void>((resolve) => (complete = resolve)),
      smallInput: true,
    });
    // Longer than Spark takes to start here: a job that did not wait would find no input and fail.
    await sleep(8_000);
    const written = await writePurchasesFirehose({ rows: ROWS, seed: 3 }, lake, OBJECT_BYTES);
    assert.deepEqual([written.rows, written.rejected, written.objects.length > 1], [ROWS, 0, true]);
    complete();
    await run;
    const clean = JSON.parse(readFileSync(join(lake, LAKE.cleanReportKey), 'utf8')) as {
      input_rows: number;
      quarantined: Record<string, number>;
      dropped: { redelivered_duplicate: number; merged_into_quantity: number };
      output: { line_items: number; units: number };
    };
    // Every row that landed before the go is read: nothing held back as incomplete_upload, every row a unit of a line item.
    assert.equal(clean.input_rows, ROWS, 'the report counts the rows that landed before the go');
    assert.deepEqual(clean.quarantined, {});
    assert.equal(clean.dropped.redelivered_duplicate, 0);
    assert.equal(clean.output.units, ROWS);
    assert.equal(clean.output.line_items + clean.dropped.merged_into_quantity, ROWS);
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
