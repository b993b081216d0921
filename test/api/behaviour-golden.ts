/**
 * The behaviour golden: what the real behaviour jobs (emr-jobs/main.py sessions, funnel, intent, categories)
 * write for a small seeded event set, kept in test/fixtures/behaviour-golden/ as a lake folder of exactly the
 * objects the loader and the API read. The API and site tests serve it; they fail when the jobs' code changed
 * since it was made (the intent run's code_version is the hash of emr-jobs/behaviour_jobs/*.py).
 *
 *   npx tsx test/api/behaviour-golden.ts     # regenerate (4 spark-submits, a few minutes on 2 cores)
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { BEHAVIOUR_LAKE } from '../../contract';
import { writeBehaviourFirehose } from '../../local/generator/behaviour-write';

const ROOT = join(__dirname, '..', '..');
export const BEHAVIOUR_GOLDEN = join(ROOT, 'test', 'fixtures', 'behaviour-golden');
export const GOLDEN_EVENTS = 6000;
export const GOLDEN_SEED = '15';
const JOBS_DIR = join(ROOT, 'emr-jobs', 'behaviour_jobs');

/** The same hash as emr-jobs/behaviour_jobs/intent_registry.py code_version() (sorted *.py, name then bytes). */
export const behaviourJobsVersion = (): string => {
  const digest = createHash('sha256');
  for (const name of readdirSync(JOBS_DIR).filter((n) => n.endsWith('.py')).sort()) digest.update(Buffer.concat([Buffer.from(name), readFileSync(join(JOBS_DIR, name))]));
  return `sha256:${digest.digest('hex').slice(0, 16)}`;
};

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

type History = { served_run: string | null; runs: { run_id: string }[] };

/** The golden's served intent run (null: none has skill), its latest run, and the code version they were made with. */
export const goldenIntent = (): { servedRun: string | null; latestRun: string; codeVersion: string } => {
  const history = readJson<History>(join(BEHAVIOUR_GOLDEN, BEHAVIOUR_LAKE.intentHistoryKey));
  const latestRun = history.runs[history.runs.length - 1].run_id;
  const run = readJson<{ code_version: string }>(join(BEHAVIOUR_GOLDEN, BEHAVIOUR_LAKE.intentModelsPrefix, latestRun, 'run.json'));
  return { servedRun: history.served_run, latestRun, codeVersion: run.code_version };
};

/** Why the golden cannot be used as it is, or undefined. */
export const goldenStaleness = (): string | undefined => {
  if (!existsSync(join(BEHAVIOUR_GOLDEN, BEHAVIOUR_LAKE.intentHistoryKey))) return `${relative(ROOT, BEHAVIOUR_GOLDEN)} is missing`;
  const { codeVersion } = goldenIntent();
  const now = behaviourJobsVersion();
  return codeVersion === now ? undefined : `made by behaviour jobs ${codeVersion}, the code is now ${now}`;
};
export const REGENERATE = 'npx tsx test/api/behaviour-golden.ts';

/** Every file under a folder, as paths relative to it. */
const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)).map((f) => join(e.name, f)) : [e.name]));

/** The objects the loader and API read: documents, the served and latest run records, part files (no checksums, no models). */
const kept = (key: string, runs: (string | null)[]): boolean =>
  ([BEHAVIOUR_LAKE.funnelKey, BEHAVIOUR_LAKE.sessionsReportKey, BEHAVIOUR_LAKE.intentHistoryKey, BEHAVIOUR_LAKE.topCategoriesMetricsKey] as string[]).includes(key) ||
  runs.some((run) => run !== null && key === `${BEHAVIOUR_LAKE.intentModelsPrefix}${run}/run.json`) ||
  ([BEHAVIOUR_LAKE.topCategoriesPrefix, BEHAVIOUR_LAKE.sessionsPrefix].some((p) => key.startsWith(p)) && /\/part-[^/]*$/.test(key) && !key.endsWith('.crc'));

const regenerate = async (): Promise<void> => {
  const lake = mkdtempSync(join(tmpdir(), 'recstream-behaviour-golden-'));
  try {
    await writeBehaviourFirehose({ events: GOLDEN_EVENTS, seed: GOLDEN_SEED }, lake);
    const venv = join(ROOT, '.venv', 'bin');
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${venv}:${process.env.PATH}`, PYSPARK_PYTHON: join(venv, 'python') };
    delete env.RECSTREAM_CODE_VERSION; // the run records the hash of the jobs' code, which the staleness check compares
    for (const job of ['sessions', 'funnel', 'intent', 'categories']) {
      console.log(`spark-submit main.py ${job}`);
      const run = spawnSync(
        join(venv, 'spark-submit'),
        ['--master', 'local[2]', '--conf', 'spark.ui.enabled=false', '--conf', 'spark.driver.bindAddress=127.0.0.1', '--conf', 'spark.driver.host=127.0.0.1', join(ROOT, 'emr-jobs', 'main.py'), job, '--lake', lake],
        { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' },
      );
      if (run.status !== 0) throw new Error(`${job} failed (${run.status}):\n${run.stderr.split('\n').slice(-30).join('\n')}`);
    }
    const history = readJson<History>(join(lake, BEHAVIOUR_LAKE.intentHistoryKey));
    const runs = [history.served_run, history.runs[history.runs.length - 1].run_id];
    rmSync(BEHAVIOUR_GOLDEN, { recursive: true, force: true });
    for (const key of filesUnder(lake).filter((k) => kept(k, runs))) {
      mkdirSync(dirname(join(BEHAVIOUR_GOLDEN, key)), { recursive: true });
      cpSync(join(lake, key), join(BEHAVIOUR_GOLDEN, key));
    }
    writeFileSync(join(BEHAVIOUR_GOLDEN, 'README.md'), `Written by \`${REGENERATE}\`: the behaviour jobs on ${GOLDEN_EVENTS} generated events (seed ${GOLDEN_SEED}). Do not edit.\n`);
    console.log(`wrote ${relative(ROOT, BEHAVIOUR_GOLDEN)} (${filesUnder(BEHAVIOUR_GOLDEN).length} files)`);
  } finally {
    rmSync(lake, { recursive: true, force: true });
  }
};

if (require.main === module) {
  regenerate().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
