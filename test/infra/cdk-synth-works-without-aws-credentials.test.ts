// `npx cdk synth` on a clean environment: no AWS credentials, config or region, no Docker; every Lambda bundles with local esbuild.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { stubWebDist } from './synth';

const ROOT = path.join(__dirname, '..', '..');

test('cdk synth succeeds with an empty environment and bundles the four Lambdas', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'recstream-home-'));
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'recstream-cli-out-'));
  const result = spawnSync(
    path.join(ROOT, 'node_modules', '.bin', 'cdk'),
    ['synth', '--quiet', '--no-notices', '--output', out, '-c', `recstream=${JSON.stringify({ webDist: stubWebDist() })}`],
    {
      cwd: ROOT,
      encoding: 'utf8',
      // Only what a fresh shell has: node on PATH and a home without ~/.aws.
      env: { PATH: `${path.join(ROOT, 'node_modules', '.bin')}:${path.dirname(process.execPath)}:/usr/bin:/bin`, HOME: home, CDK_DISABLE_CLI_TELEMETRY: 'true' },
      timeout: 300_000,
    },
  );
  assert.equal(result.status, 0, `cdk synth failed:\n${result.stdout}\n${result.stderr}`);
  const template = JSON.parse(fs.readFileSync(path.join(out, 'Recstream.template.json'), 'utf8'));
  const assets = JSON.parse(fs.readFileSync(path.join(out, 'Recstream.assets.json'), 'utf8')).files as Record<string, { source: { path: string } }>;
  const functions = Object.entries(template.Resources as Record<string, any>).filter(
    ([id, r]) => r.Type === 'AWS::Lambda::Function' && /^(IngestProducer|ServingApi|ServingLoader|StreamingTopicCreator)Fn/.test(id),
  );
  assert.equal(functions.length, 4);
  for (const [id, fn] of functions) {
    const hash = String(fn.Properties.Code.S3Key).replace(/\.zip$/, '');
    const bundle = path.join(out, assets[hash].source.path, 'index.js');
    assert.ok(fs.statSync(bundle).size > 10_000, `${id}: no esbuild bundle at ${bundle}`);
  }
});
