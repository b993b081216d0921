// `npx cdk synth` on a clean environment: no AWS credentials, config or region, no Docker; every Lambda bundles with local esbuild.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';

const ROOT = path.join(__dirname, '..', '..');

// One CLI run (bundling is slow) serves every test below; the site is not built beforehand, as on a fresh clone.
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'recstream-home-'));
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'recstream-cli-out-'));
const webDist = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'recstream-unbuilt-')), 'dist');
const result = spawnSync(
  path.join(ROOT, 'node_modules', '.bin', 'cdk'),
  ['synth', '--quiet', '--no-notices', '--output', out, '-c', `recstream=${JSON.stringify({ webDist })}`],
  {
    cwd: ROOT,
    encoding: 'utf8',
    // Only what a fresh shell has: node on PATH and a home without ~/.aws.
    env: { PATH: `${path.join(ROOT, 'node_modules', '.bin')}:${path.dirname(process.execPath)}:/usr/bin:/bin`, HOME: home, CDK_DISABLE_CLI_TELEMETRY: 'true' },
    timeout: 300_000,
  },
);

test('cdk synth builds the site when it is not built (issue 12.9)', () => {
  assert.equal(result.status, 0, `cdk synth failed:\n${result.stdout}\n${result.stderr}`);
  assert.ok(fs.existsSync(path.join(webDist, 'index.html')));
});

test('cdk synth runs cdk-nag, not only the tests (issue 12.8)', () => {
  const report = JSON.parse(fs.readFileSync(path.join(out, 'validation-report.json'), 'utf8'));
  assert.deepEqual(report.pluginReports.map((p: { pluginName: string; conclusion: string }) => [p.pluginName, p.conclusion]), [['AwsSolutions', 'success']]);
});

test('cdk synth succeeds with an empty environment and bundles the four Lambdas into modules that load', () => {
  assert.equal(result.status, 0, `cdk synth failed:\n${result.stdout}\n${result.stderr}`);
  const template = JSON.parse(fs.readFileSync(path.join(out, 'Recstream.template.json'), 'utf8'));
  const assets = JSON.parse(fs.readFileSync(path.join(out, 'Recstream.assets.json'), 'utf8')).files as Record<string, { source: { path: string } }>;
  const functions = Object.entries(template.Resources as Record<string, any>).filter(
    ([id, r]) => r.Type === 'AWS::Lambda::Function' && /^(IngestProducer|ServingApi|ServingLoader|StreamingTopicCreator)Fn/.test(id),
  );
  assert.equal(functions.length, 4);
  for (const [id, fn] of functions) {
    const hash = String(fn.Properties.Code.S3Key).replace(/\.zip$/, '');
    const bundle = path.join(out, assets[hash].source.path, 'index.mjs');
    assert.ok(fs.statSync(bundle).size > 10_000, `${id}: no esbuild bundle at ${bundle}`);
    // Loading is where a bundle breaks (a module reading import.meta.url or a file beside it): load it as Lambda
    // does, with the function's environment (deploy-time references replaced by stand-ins).
    const variables = Object.entries((fn.Properties.Environment?.Variables ?? {}) as Record<string, unknown>);
    const load = spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(bundle)}); if (typeof m.handler !== 'function') process.exit(3);`], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, AWS_REGION: 'eu-west-1', ...Object.fromEntries(variables.map(([k, v]) => [k, typeof v === 'string' ? v : `stand-in-${k}`])) },
    });
    assert.equal(load.status, 0, `${id}: the bundle does not load:\n${load.stderr.slice(-1500)}`);
  }
});
