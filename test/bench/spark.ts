/**
 * npm run bench:spark — the three EMR steps on the real data (1M rows in 45 Firehose
 * objects under ../shared/data/electronics/firehose-objects), each a real spark-submit
 * on local[2] as the local twin runs them, beside an anchor measured in the same run:
 * a plain Spark read + count of the same input (emr-jobs/bench/raw_scan.py).
 * Then the recommendation quality from the run's metrics.json: the served list against
 * every baseline on the time-split holdout, as ratios.
 * Skips cleanly when the real data is absent. Options: --master (default local[2]).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { LAKE } from '../../contract';

const ROOT = resolve(__dirname, '..', '..');
const RAW = resolve(ROOT, '..', 'shared', 'data', 'electronics', 'firehose-objects');
const VENV_BIN = join(ROOT, '.venv', 'bin');
const EMR_JOBS = join(ROOT, 'emr-jobs');
const masterArg = process.argv.indexOf('--master');
const MASTER = masterArg > 0 ? process.argv[masterArg + 1] : 'local[2]';

type Metrics = { users: number; precision: number; recall: number; ndcg: number; hit_rate: number };
type MetricsJson = {
  split: { validation_start: string; holdout_start: string; end: string };
  chosen: { rank: number; reg_param: number; alpha: number; max_iter: number; policy: string };
  holdout: { holdout_users: number; metrics: Record<string, Metrics> };
  serving: { users: number; by_source: Record<string, number> };
};

const fmt = (n: number, digits = 1): string => n.toFixed(digits);

/** Runs one spark-submit, echoing the jobs' own progress lines as they come; resolves to wall seconds. */
const sparkSubmit = (label: string, script: string, args: string[]): Promise<number> =>
  new Promise((done, fail) => {
    console.log(`\n== ${label}`);
    const started = process.hrtime.bigint();
    const child = spawn(
      join(VENV_BIN, 'spark-submit'),
      ['--master', MASTER, '--driver-memory', '3g', '--conf', 'spark.ui.enabled=false', '--conf', 'spark.driver.bindAddress=127.0.0.1', '--conf', 'spark.driver.host=127.0.0.1', script, ...args],
      { cwd: ROOT, env: { ...process.env, PATH: `${VENV_BIN}:${process.env.PATH}`, PYSPARK_PYTHON: join(VENV_BIN, 'python'), PYTHONPATH: EMR_JOBS } },
    );
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (/^\[(clean|recommend|analyse) |^raw rows/.test(line)) console.log(`  ${line.trim().slice(0, 220)}`);
    });
    const errors: string[] = [];
    createInterface({ input: child.stderr }).on('line', (line) => {
      if (!/^\s+at |WARN|INFO/.test(line)) errors.push(line);
    });
    child.on('error', fail);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) return fail(new Error(`${label} failed with exit code ${code}:\n${errors.slice(-30).join('\n')}`));
      console.log(`  ${fmt(seconds)} s`);
      done(seconds);
    });
  });

const table = (title: string, header: string[], rows: string[][]) => {
  const cells = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  console.log(`\n${title}`);
  for (const [i, r] of cells.entries()) {
    console.log('  ' + r.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  '));
    if (i === 0) console.log('  ' + widths.map((w) => '-'.repeat(w)).join('  '));
  }
};

const main = async () => {
  if (!existsSync(RAW)) {
    console.log(`bench:spark skipped: ${RAW} is absent (the real data lives outside the repository)`);
    return;
  }
  const objects = readdirSync(RAW).filter((f) => f.endsWith('.gz')).length;
  mkdirSync(join(ROOT, '.work'), { recursive: true });
  const lake = mkdtempSync(join(ROOT, '.work', 'spark-bench-'));
  const at = (key: string) => join(lake, key);
  console.log(`bench:spark on ${objects} Firehose objects, master ${MASTER}, lake ${lake}`);
  console.log(`load average at start: ${loadavg().map((l) => fmt(l, 2)).join(' ')} (other work on this machine slows every number, the ratios less)`);

  const scan = await sparkSubmit('anchor: raw read + count', join(EMR_JOBS, 'bench', 'raw_scan.py'), [RAW]);
  const entry = join(EMR_JOBS, 'main.py');
  const stages: [string, number][] = [];
  stages.push(['clean', await sparkSubmit('clean', entry, ['clean', '--input', RAW, '--output', at(LAKE.curatedPrefix)])]);
  stages.push(['recommend', await sparkSubmit('recommend', entry, ['recommend', '--input', at(LAKE.curatedPrefix), '--output', at(LAKE.servingPrefix)])]);
  stages.push(['analyse', await sparkSubmit('analyse', entry, ['analyse', '--input', at(LAKE.curatedPrefix), '--output', at(LAKE.analyticsPrefix)])]);
  const total = stages.reduce((sum, [, s]) => sum + s, 0);
  table(
    `Wall time (${MASTER}, each a fresh spark-submit incl. JVM start)`,
    ['stage', 'seconds', 'x raw scan'],
    [['raw read + count (anchor)', fmt(scan), '1.0'], ...stages.map(([name, s]) => [name, fmt(s), fmt(s / scan)]), ['total clean+recommend+analyse', fmt(total), fmt(total / scan)]],
  );

  const metrics = JSON.parse(readFileSync(at(LAKE.metricsKey), 'utf8')) as MetricsJson;
  const holdout = metrics.holdout.metrics;
  const served = holdout.served;
  const baselines = Object.keys(holdout).filter((name) => name !== 'served');
  const ratio = (a: number, b: number) => (b > 0 ? `${fmt(a / b, 2)}x` : a > 0 ? 'inf' : '-');
  table(
    `Holdout ${metrics.split.holdout_start} .. ${metrics.split.end}: ${metrics.holdout.holdout_users} users active before and during; served = ${metrics.chosen.policy} ` +
      `(ALS rank ${metrics.chosen.rank}, regParam ${metrics.chosen.reg_param}, alpha ${metrics.chosen.alpha}, maxIter ${metrics.chosen.max_iter})`,
    ['list', 'precision@3', 'recall@3', 'ndcg@3', 'hit-rate@3', 'served recall x', 'served ndcg x'],
    ['served', ...baselines].map((name) => {
      const m = holdout[name];
      return [name, fmt(m.precision, 4), fmt(m.recall, 4), fmt(m.ndcg, 4), fmt(m.hit_rate, 4), ratio(served.recall, m.recall), ratio(served.ndcg, m.ndcg)];
    }),
  );
  const singles = ['popular', 'repeat', 'als_with_seen', 'als_unseen'];
  const beats = singles.every((b) => served.recall > holdout[b].recall && served.ndcg > holdout[b].ndcg);
  console.log(`\nserving: ${metrics.serving.users} users, by source ${JSON.stringify(metrics.serving.by_source)}`);
  console.log(`target: served beats every single baseline (${singles.join(', ')}) on recall@3 and NDCG@3: ${beats ? 'yes' : 'NO'}`);
  console.log(`target: clean+recommend+analyse under 300 s on ${MASTER}: ${total < 300 ? 'yes' : 'NO'} (${fmt(total)} s)`);
  console.log(`load average at end: ${loadavg().map((l) => fmt(l, 2)).join(' ')}`);
};

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
