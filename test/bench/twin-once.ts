/**
 * The twin end to end as a user starts it, for bench:spark --small: `recstream run --csv FILE --once`
 * (S3 and DynamoDB servers, Kafka broker, the ingest Lambda, the Firehose-equivalent sink, the Spark
 * pipeline, publish, load), timed from process start to exit, beside the run's own summary time.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CSV_COLUMNS } from '../../contract';
import { csvField } from '../../lambdas/api/behaviour';
import { ROOT } from './spark-submit';

export type TwinRun = { seconds: number; summary: string };

/** Firehose JSON lines of the real data (every CSV column a field) as the gzip CSV upload they came from. */
export const csvOfJsonLines = (lines: string[], folder: string): string => {
  const rows = lines.filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);
  const path = join(folder, 'small.csv.gz');
  writeFileSync(path, gzipSync([CSV_COLUMNS.join(','), ...rows.map((r) => CSV_COLUMNS.map((c) => csvField(r[c])).join(','))].join('\n') + '\n'));
  return path;
};

export const twinOnce = (csv: string, workRoot: string): Promise<TwinRun> =>
  new Promise((done, fail) => {
    console.log('\n== the twin end to end: recstream run --csv <the same rows> --once');
    const started = process.hrtime.bigint();
    const workDir = mkdtempSync(join(workRoot, 'twin-'));
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'local', 'bin', 'recstream.ts'), 'run', '--csv', csv, '--once', '--work-dir', workDir], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', fail);
    child.once('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const summary = /^\s*time: (.*)$/m.exec(output)?.[1] ?? '';
      if (code !== 0) return fail(new Error(`the twin run failed (exit ${code}):\n${output.slice(-3000)}`));
      console.log(`  ${seconds.toFixed(1)} s from process start to exit; the run's own summary: ${summary}`);
      done({ seconds, summary });
    });
  });
