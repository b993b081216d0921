/**
 * Issue 27.10: what `npm run local` prints while it installs and builds is either silent or something a
 * newcomer can act on. Every package in the lock file runs on the Node.js the README asks for (npm's
 * EBADENGINE then has nothing to say); every install script in the tree has been reviewed in
 * package.json's allowScripts (npm's install-scripts notice); the site builds without Vite's
 * configLoader warning.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const ROOT = join(__dirname, '..', '..');
// npm's own range logic (in the tree through npm-installed tools; it ships no types).
const semver = require('semver') as { satisfies(version: string, range: string): boolean };

test('every locked package supports the Node.js version the README documents', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const documented = /Node\.js ≥ (\d+\.\d+)/.exec(readme)?.[1];
  assert.ok(documented, 'the README says which Node.js it needs ("Node.js ≥ X.Y")');
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { engines?: { node?: string }; version?: string }> };
  const unsupported = Object.entries(lock.packages)
    .filter(([, p]) => typeof p.engines?.node === 'string' && !semver.satisfies(`${documented}.0`, p.engines.node))
    .map(([name, p]) => `${name}@${p.version} wants node ${p.engines!.node}`);
  assert.deepEqual(unsupported, []);
});

test('every install script in the tree is reviewed in allowScripts', () => {
  const listed = execFileSync('npm', ['install-scripts', 'ls'], { cwd: ROOT, encoding: 'utf8' });
  assert.match(listed, /No packages with unreviewed install scripts/);
});

test('the site builds without a Vite warning', () => {
  const out = mkdtempSync(join(tmpdir(), 'recstream-web-build-'));
  try {
    const built = spawnSync('npx', ['vite', 'build', '--config', 'web/vite.config.mts', '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
    assert.doesNotMatch(`${built.stdout}${built.stderr}`, /configLoader|warning/i);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
