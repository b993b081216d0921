/**
 * bench:spark's speed anchor is the seed repository's own ml-count.py "run unmodified but for local paths":
 * the prepared script differs from the original in its three S3 path lines only. Needs a local copy of the
 * seed repository (test/bench/seed-script.ts says where it looks); skips when there is none.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { seedScript, withLocalPaths } from '../bench/seed-script';

test('the prepared seed script differs from the original only where it named S3', (t) => {
  const scratch = mkdtempSync(join(tmpdir(), 'seed-anchor-'));
  const seed = seedScript(undefined, '/data/in', scratch);
  if ('missing' in seed) return t.skip(seed.missing);
  const original = seed.source.includes('@') ? undefined : readFileSync(seed.source, 'utf8');
  const prepared = readFileSync(seed.path, 'utf8').split('\n');
  const changed = prepared.filter((line) => line.includes('/data/in') || line.includes(join(scratch, 'output')));
  assert.equal(changed.length, 3, changed.join('\n'));
  assert.ok(!prepared.some((line) => line.includes('s3://')), 'no S3 path is left');
  if (original) assert.equal(original.split('\n').length, prepared.length);
});

test('a script that is not the seed is refused, not silently run', () => {
  assert.throws(() => withLocalPaths("PATH = 's3://elsewhere/'\n", '/in', '/out'), /expected .* once, found it 0 times/);
});
