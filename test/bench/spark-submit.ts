/**
 * How the Spark benches start a job: the project's own spark-submit on loopback, with the settings
 * every bench shares, so their anchors and jobs run under the same JVM and driver configuration.
 */
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = resolve(__dirname, '..', '..');
const VENV_BIN = join(ROOT, '.venv', 'bin');
export const EMR_JOBS = join(ROOT, 'emr-jobs');

/** `conf`: extra `key=value` settings on top of the shared ones. */
export const spawnSparkSubmit = (master: string, script: string, args: string[], conf: string[] = []): ChildProcessWithoutNullStreams =>
  spawn(
    join(VENV_BIN, 'spark-submit'),
    ['--master', master, '--driver-memory', '3g', ...['spark.ui.enabled=false', 'spark.driver.bindAddress=127.0.0.1', 'spark.driver.host=127.0.0.1', ...conf].flatMap((c) => ['--conf', c]), script, ...args],
    { cwd: ROOT, env: { ...process.env, PATH: `${VENV_BIN}:${process.env.PATH}`, PYSPARK_PYTHON: join(VENV_BIN, 'python'), PYTHONPATH: EMR_JOBS } },
  );

/** Resident set sizes, in KiB, of a process and all its descendants (a JVM and its Python workers); empty when `ps` fails. */
export const treeRssKiB = (root: number): number[] => {
  try {
    const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,rss='], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/).map(Number));
    const tree = new Set([root]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const [pid, ppid] of rows) if (tree.has(ppid) && !tree.has(pid)) (tree.add(pid), (grew = true));
    }
    return rows.filter(([pid]) => tree.has(pid)).map(([, , rss]) => rss);
  } catch {
    return [];
  }
};

/** A titled plain-text table: the first column left-aligned, the others right-aligned. */
export const printTable = (title: string, header: string[], rows: string[][]) => {
  const cells = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  console.log(`\n${title}`);
  for (const [i, r] of cells.entries()) {
    console.log('  ' + r.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  '));
    if (i === 0) console.log('  ' + widths.map((w) => '-'.repeat(w)).join('  '));
  }
};

/** Keeps a spark-submit's stderr lines that are neither log noise nor stack frames; `failure` turns the last 30 into the error a failed run raises. */
export const stderrErrors = (child: ChildProcessWithoutNullStreams) => {
  const errors: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => {
    if (!/^\s+at |WARN|INFO/.test(line)) errors.push(line);
  });
  return { failure: (label: string, code: number | null) => new Error(`${label} failed with exit code ${code}:\n${errors.slice(-30).join('\n')}`) };
};
