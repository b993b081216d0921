/**
 * writePurchasesFirehose (the cost-curve bench's input): the generated rows written straight as
 * Firehose objects are byte for byte what ingest produces for the same CSV (completion record
 * included), cut into objects no larger than the buffer. That the real clean job counts every row of
 * these objects (nothing held back as incomplete_upload, every row a unit of a line item) is proved on
 * the same objects by the clean run of spark-started-early-runs-only-once-the-lake-is-complete.test.ts,
 * which lands them while its Spark starts: one Spark application for both.
 */
import assert from 'node:assert/strict';
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

const ROWS = 2_000;
const OBJECT_BYTES = 200_000;

test('generated purchases land as the Firehose objects of their ingested upload', async () => {
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
  } finally {
    rmSync(lake, { recursive: true, force: true });
  }
});
