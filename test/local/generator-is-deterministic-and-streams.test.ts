import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { generate } from '../../local/generator/generate';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'local', 'bin', 'recstream.ts');
const digest = (lines: Iterable<string>) => {
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line);
  return hash.digest('hex');
};
const cli = (args: string[], nodeOptions = '') =>
  spawnSync(process.execPath, [...(nodeOptions ? [nodeOptions] : []), '--import', 'tsx', CLI, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });

test('the same seed gives the same rows; another seed gives other rows', () => {
  assert.equal(digest(generate({ rows: 30_000, seed: 11 })), digest(generate({ rows: 30_000, seed: 11 })));
  assert.notEqual(digest(generate({ rows: 30_000, seed: 11 })), digest(generate({ rows: 30_000, seed: 12 })));
});

test('exactly the requested number of data rows follow the header', () => {
  for (const rows of [1, 7, 2_500]) assert.equal([...generate({ rows, seed: 3 })].length, rows + 1);
});

test('generate --out FILE.csv.gz is byte-identical across runs and holds the rows', () => {
  const dir = mkdtempSync(join(tmpdir(), 'recstream-gen-'));
  const [a, b] = ['a.csv.gz', 'b.csv.gz'].map((name) => join(dir, name));
  for (const out of [a, b]) assert.equal(cli(['generate', '--rows', '5000', '--seed', '9', '--out', out]).status, 0);
  assert.deepEqual(readFileSync(a), readFileSync(b));
  assert.equal(gunzipSync(readFileSync(a)).toString('utf8'), [...generate({ rows: 5000, seed: '9' })].join(''));
});

test('a million rows stream through a 48 MB heap (memory does not grow with rows)', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'recstream-gen-')), 'big.csv.gz');
  const run = cli(['generate', '--rows', '1000000', '--seed', '5', '--out', out], '--max-old-space-size=48');
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, /1,000,000\/1,000,000 rows/);
  assert.equal(gunzipSync(readFileSync(out)).toString('utf8').split('\n').length, 1_000_002); // header + rows + final newline
  rmSync(out);
});

test('bad arguments fail with a clear message', () => {
  const run = cli(['generate', '--rows', 'many']);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /--rows must be a positive whole number, got 'many'/);
});
