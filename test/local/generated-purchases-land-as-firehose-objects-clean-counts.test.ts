/**
 * writePurchasesFirehose (the cost-curve bench's input): the generated rows written straight as
 * Firehose objects are byte for byte what ingest produces for the same CSV (completion record
 * included), cut into objects no larger than the buffer, and the real clean job counts every row:
 * nothing held back as incomplete_upload, every row a unit of a line item.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { LAKE } from '../../contract';
import { ingestStream } from '../../lambdas/ingest/ingest';
import { generate } from '../../local/generator/generate';
import { writePurchasesFirehose } from '../../local/generator/purchases-firehose';
import { EMR_JOBS, spawnSparkSubmit } from '../bench/spark-submit';

const ROWS = 2_000;
const OBJECT_BYTES = 200_000;

test('generated purchases land as the Firehose objects of their ingested upload, and clean counts every row', async () => {
  const lake = mkdtempSync(join(tmpdir(), 'purchases-firehose-'));
  try {
    const written = await writePurchasesFirehose({ rows: ROWS, seed: 3 }, lake, OBJECT_BYTES);
    assert.deepEqual([written.rows, written.rejected], [ROWS, 0]);
    const objects = written.objects.map((path) => gunzipSync(readFileSync(path)).toString('utf8'));
    assert.ok(objects.length > 1 && objects.every((o) => Buffer.byteLength(o) <= OBJECT_BYTES), 'cut at the buffer size');
    assert.ok(written.objects.every((path) => path.startsWith(join(lake, LAKE.rawPrefix, '2020', '08', '01', '00'))));

    const ingested: string[] = [];
    const last = JSON.parse(objects.at(-1)!.trimEnd().split('\n').at(-1)!) as { uploaded_at: string };
    const report = await ingestStream(
      Readable.from([Buffer.from([...generate({ rows: ROWS, seed: 3 })].join(''))]),
      written.source,
      async (batch) => void ingested.push(...batch.map((r) => r.value)),
      { write: async () => undefined, close: async () => undefined },
      { uploadedAt: new Date(last.uploaded_at) },
    );
    assert.equal(report.status, 'ok');
    assert.equal(objects.join(''), ingested.join(''), 'the same records, completion record last');

    const child = spawnSparkSubmit('local[2]', join(EMR_JOBS, 'main.py'), ['clean', '--input', join(lake, LAKE.rawPrefix), '--output', join(lake, LAKE.curatedPrefix)]);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.stdout.resume();
    const [code] = await once(child, 'close');
    assert.equal(code, 0, stderr);
    const clean = JSON.parse(readFileSync(join(lake, LAKE.cleanReportKey), 'utf8')) as {
      input_rows: number;
      quarantined: Record<string, number>;
      dropped: { redelivered_duplicate: number; merged_into_quantity: number };
      output: { line_items: number; units: number };
    };
    assert.deepEqual(clean.quarantined, {});
    assert.equal(clean.input_rows, ROWS);
    assert.equal(clean.dropped.redelivered_duplicate, 0);
    assert.equal(clean.output.units, ROWS);
    assert.equal(clean.output.line_items + clean.dropped.merged_into_quantity, ROWS);
  } finally {
    rmSync(lake, { recursive: true, force: true });
  }
});
