// cdk-nag's AwsSolutions pack finds nothing unacknowledged, every acknowledgement says why, and cfn-lint finds no error and no unexplained warning.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { synthesize } from './synth';

const s = synthesize({ nag: true });
// Validation plugins run in synth and throw on any finding; the report lists the acknowledged ones too.
const assembly = s.app.synth();
const report = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8'));
const [nag] = report.pluginReports as Array<{ pluginName: string; conclusion: string; violations: unknown[]; suppressedViolations: any[] }>;

test('cdk-nag AwsSolutions: zero unacknowledged errors and warnings', () => {
  assert.equal(nag.pluginName, 'AwsSolutions');
  assert.deepEqual(nag.violations, []);
  assert.equal(nag.conclusion, 'success');
});

test('every acknowledgement names a specific reason and sits on the construct it concerns', () => {
  assert.ok(nag.suppressedViolations.length > 0);
  for (const v of nag.suppressedViolations) {
    assert.ok(v.reason.length >= 40, `${v.acknowledgedId} at ${v.acknowledgedAt}: reason too thin`);
    assert.notEqual(v.acknowledgedAt, 'Recstream', `${v.acknowledgedId} is acknowledged stack-wide`);
    for (const c of v.violatingConstructs) assert.ok(`${c.constructPath}/`.startsWith(`${v.acknowledgedAt}/`), `${v.acknowledgedId} is acknowledged away from ${c.constructPath}`);
  }
});

test('cfn-lint finds no error and no unexplained warning in any synthesized template', () => {
  const templates = fs.readdirSync(assembly.directory).filter((f) => f.endsWith('.template.json'));
  assert.ok(templates.length >= 1);
  const cfnLint = path.join(__dirname, '..', '..', '.venv', 'bin', 'cfn-lint');
  // cfn-lint ships its resource schemas in the wheel: no download, so it runs offline.
  // Exit code: bit 2 = errors, 4 = warnings, 8 = informational; only errors fail this test.
  let output = '';
  let code = 0;
  try {
    output = execFileSync(cfnLint, ['--format', 'parseable', ...templates.map((t) => path.join(assembly.directory, t))], { encoding: 'utf8' });
  } catch (error) {
    const e = error as { status: number; stdout: string };
    code = e.status;
    output = e.stdout;
  }
  const errors = output.split('\n').filter((line) => /:E\d{4}:/.test(line));
  assert.deepEqual(errors, [], output);
  // Warnings only where explained here. W3005: CDK lists a role in DependsOn next to the role's default policy
  // (the policy is what must exist before first use); the role is also referenced by GetAtt, so cfn-lint calls
  // that entry redundant. Harmless.
  const EXPLAINED = ['W3005'];
  const unexplained = output.split('\n').filter((line) => /:W\d{4}:/.test(line) && !EXPLAINED.some((code) => line.includes(`:${code}:`)));
  assert.deepEqual(unexplained, [], output);
  assert.equal(code & 2, 0, output);
  assert.equal(code & 1, 0, `cfn-lint itself failed: ${output}`);
});
