/**
 * How the Spark benches start a job: the project's own spark-submit on loopback, with the settings
 * every bench shares, so their anchors and jobs run under the same JVM and driver configuration.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

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
