/**
 * Issue 26.5: the twin's lake is the store's, kept between runs as the deployed bucket is. A second
 * `recstream run --csv FILE --once` on it processes only that upload's raw objects, rewrites only the
 * month partitions its rows fall in, and says so in its summary; the curated data holds both uploads.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { LAKE } from '../../contract';
import { writeGenerated } from '../../local/generator/write';
import { runOnce } from './run-once';

test('a second upload on an existing lake is processed alone and the summary says what it rewrote', async () => {
  const workDir = mkdtempSync(join(tmpdir(), 'recstream-second-upload-'));
  const firstCsv = join(workDir, 'first.csv.gz');
  await writeGenerated({ rows: 2_000, seed: 'second-upload' }, firstCsv);
  const first = await runOnce(['--csv', firstCsv], workDir);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /clean: processed 1 new upload, 2,000 rows; \d+ month partitions rewritten.*\(full run: every raw object\)/);
  assert.match(first.stdout, /\n {2}judged: Judged tonight: the first run\.\n/);

  // Three January rows in another file: one new upload, one month.
  const lines = gunzipSync(readFileSync(firstCsv)).toString('utf8').split('\n');
  const csv = join(workDir, 'late-january.csv');
  writeFileSync(csv, [lines[0], ...lines.slice(1).filter((l) => l.startsWith('2020-01-')).slice(0, 3)].join('\n') + '\n');
  const second = await runOnce(['--csv', csv], workDir);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /lake kept from earlier runs \([\d,]+ raw objects? processed\): this run processes only new ones/);
  assert.match(second.stdout, /clean: processed 1 new upload, 3 rows; 1 month partition rewritten \(2020-01\); the lake holds [\d,]+ line items\n/);
  // Earlier rows, the same last purchase: the recommender keeps the first run's evaluation (recommend/cadence.py).
  assert.match(second.stdout, /\n {2}judged: Kept run [\w-]+'s evaluation, judged on purchases up to \d{4}-\d{2}-\d{2}: tonight's reach 0 days past them \(at most 7 before the models are judged again\)\.\n/);

  const lake = join(workDir, 'lake');
  const report = JSON.parse(readFileSync(join(lake, LAKE.cleanReportKey), 'utf8')) as { mode: string; months_rewritten: string[] };
  assert.deepEqual([report.mode, report.months_rewritten], ['incremental', ['2020-01']]);
  const manifest = JSON.parse(readFileSync(join(lake, LAKE.purchasesManifestKey), 'utf8')) as { completions: unknown[] };
  assert.equal(manifest.completions.length, 2, 'both uploads completed and count');
  assert.ok(readdirSync(join(lake, LAKE.curatedPrefix)).includes('month=2020-07'), 'the months of the first upload stay');
});
