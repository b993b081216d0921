/**
 * `recstream` (and so `npm run local -- …`) answers --help with the command's
 * usage on stdout and exit 0, and anything it cannot run with the reason, the
 * usage on stderr and exit 2 — never a stack trace, and before starting anything.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

const ROOT = join(__dirname, '..', '..');
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'local', 'bin', 'recstream.ts'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });

const noStack = (text: string) => assert.doesNotMatch(text, /^\s+at |Error:|TypeError|ERR_PARSE_ARGS/m);

test('--help prints the usage of every command and option, exit 0', () => {
  const top = cli('--help');
  assert.equal(top.status, 0, top.stderr);
  for (const command of ['run', 'generate', 'sink']) assert.match(top.stdout, new RegExp(`^  ${command} `, 'm'));
  const expected: Record<string, string[]> = {
    run: ['--csv', '--rows', '--seed', '--once', '--port', '--keep', '--full', '--no-realtime', '--work-dir', '--pin', '--help'],
    generate: ['--rows', '--seed', '--out', '--behaviour', '--help'],
    sink: ['--brokers', '--lake', '--buffer-mib', '--interval-seconds', '--until-drained', '--help'],
  };
  for (const [command, options] of Object.entries(expected)) {
    for (const flag of ['--help', '-h']) {
      const run = cli(command, flag);
      assert.equal(run.status, 0, `${command} ${flag}: ${run.stderr}`);
      assert.match(run.stdout, new RegExp(`^usage: recstream ${command}`));
      for (const option of options) assert.match(run.stdout, new RegExp(`^\\s+(-h, )?${option}\\b`, 'm'), `${command} documents ${option}`);
      assert.equal(run.stderr, '', 'nothing else printed');
    }
  }
  assert.match(cli('run', '--help').stdout, /^exit codes:\n  0 .*\n(.*\n)*  3 /m);
});

test('bad usage: the reason and the usage on stderr, exit 2, nothing on stdout', () => {
  const cases: [string[], RegExp][] = [
    [[], /^usage: recstream <command>/],
    [['frobnicate'], /^recstream: unknown command 'frobnicate'/],
    [['run', '--bogus'], /^recstream: Unknown option '--bogus'/],
    [['run', 'extra'], /^recstream: Unexpected argument 'extra'/],
    [['run', '--csv'], /^recstream: Option '--csv <value>' argument missing/],
    [['run', '--csv', 'no/such/file.csv'], /^recstream: --csv no\/such\/file\.csv: no such file/],
    [['run', '--csv', __filename], /^recstream: --csv .*\.test\.ts: the name must end in \.csv or \.csv\.gz, as uploads to the landing bucket must/],
    [['run', '--port', '70000'], /^recstream: --port must be a positive whole number up to 65535, got '70000'/],
    [['run', '--rows=-5'], /^recstream: --rows must be a positive whole number, got '-5'/],
    [['run', '--pin', 'als'], /^recstream: --pin must be one of ranker, repeat, repeat_then_als, repeat_then_category, popular, got 'als'/],
    [['run', '--rows', '-5'], /^recstream: Option '--rows' argument is ambiguous/],
    [['run', '--csv', join(ROOT, 'test', 'fixtures', 'purchases-slice.csv.gz'), '--rows', '10'], /^recstream: --rows and --seed shape the generated demo data; they cannot go with --csv/],
    [['generate'], /^recstream: --rows is required/],
    [['generate', '--rows', 'many'], /^recstream: --rows must be a positive whole number, got 'many'/],
    [['generate', '--rows', '10', '--out', 'rows.txt'], /^recstream: --out must name a \.csv or \.csv\.gz file, got 'rows\.txt'/],
    [['sink', '--lake', '/tmp/x'], /^recstream: --brokers is required/],
    [['sink', '--brokers', 'h:1', '--lake', '/tmp/x', '--buffer-mib', '0'], /^recstream: --buffer-mib must be a positive number, got '0'/],
  ];
  for (const [args, message] of cases) {
    const run = cli(...args);
    const what = `recstream ${args.join(' ')}`;
    assert.equal(run.status, 2, `${what}: ${run.stdout}${run.stderr}`);
    assert.match(run.stderr, message, what);
    assert.match(run.stderr, /^usage: recstream/m, `${what} shows the usage`);
    assert.equal(run.stdout, '', what);
    noStack(run.stderr);
  }
});
