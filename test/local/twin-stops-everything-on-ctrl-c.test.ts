/**
 * Ctrl-C in the middle of `recstream run` stops what the run started: the
 * Spark child of the running job, the S3 and DynamoDB servers, and earlier the
 * sink and the broker JVM.
 * Every process the run starts names its work folder on its command line
 * (broker data dir, lake paths), so none may be left once the run has exited.
 * The run is given a small purchases CSV (`--csv`), so it runs that data product alone: without a file
 * it would also generate and ingest the bundled 50,000 behaviour events before its first Spark job, which
 * these stops do not need (the processes of an events run are the same kinds: servers, broker, sink, Spark).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { before, test } from 'node:test';
import { writeGenerated } from '../../local/generator/write';

const ROOT = join(__dirname, '..', '..');
const csv = join(mkdtempSync(join(tmpdir(), 'recstream-sigint-data-')), 'purchases.csv.gz');
before(() => writeGenerated({ rows: 3000, seed: 'ctrl-c' }, csv));

const processesMentioning = (text: string): string[] =>
  execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(text) && !line.includes('ps -eo'));

const interruptWhen = async (stage: RegExp, signal: NodeJS.Signals, settleMs: number) => {
  const workDir = mkdtempSync(join(tmpdir(), 'recstream-sigint-'));
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'local/bin/recstream.ts'), 'run', '--once', '--csv', csv, '--work-dir', workDir], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const output: string[] = [];
  const reached = new Promise<void>((resolve) =>
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      if (stage.test(line)) resolve();
    }),
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await Promise.race([reached, exited]);
  // Let the stage's processes come up before pulling the plug.
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  const running = processesMentioning(workDir);
  child.kill(signal);
  const code = await exited;
  await new Promise((resolve) => setTimeout(resolve, 1000));
  return { code, running, left: processesMentioning(workDir), output };
};

test('SIGINT while Spark runs: exit 130 and no Spark process left', async () => {
  const { code, running, left, output } = await interruptWhen(/\] (clean|pipeline) \.\.\./, 'SIGINT', 3000);
  assert.ok(running.some((p) => p.includes('spark')), `a Spark job was running: ${running.join('\n')}\n${output.join('\n')}`);
  assert.equal(code, 130, output.join('\n'));
  assert.deepEqual(left, []);
});

test('SIGTERM once the broker is up: exit 143 and the broker JVM is gone', async () => {
  const { code, running, left, output } = await interruptWhen(/\] broker start +\d/, 'SIGTERM', 0);
  assert.ok(running.some((p) => p.includes('kafka.Kafka')), `the broker was running: ${running.join('\n')}\n${output.join('\n')}`);
  for (const server of ['s3-server.ts', 'dynamodb-server.ts']) assert.ok(running.some((p) => p.includes(server)), `${server} was running: ${running.join('\n')}`);
  assert.equal(code, 143, output.join('\n'));
  assert.deepEqual(left, []);
});
