/**
 * Runs one of the EMR Spark jobs under `spark-submit --master local[*]`, its
 * output going to a log file, while the console gets the job's own progress
 * lines as they come and, when it is quiet, a heartbeat with the elapsed time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { BehaviourJob, SparkJob } from '../../contract';
import { QUICK_COMPILER } from '../jvm';
import { formatSeconds } from './progress';

export const REPO_ROOT = join(__dirname, '..', '..');
export const SPARK_SUBMIT = join(REPO_ROOT, '.venv', 'bin', 'spark-submit');
const MAIN_PY = join(REPO_ROOT, 'emr-jobs', 'main.py');
const WHEN_LANDED_PY = join(REPO_ROOT, 'local', 'pipeline', 'spark_when_landed.py');
/** A quiet job gets a line this often: enough to show it lives, few enough to read (60 lines in 10 min at 10 s were not). */
const HEARTBEAT_MS = 30_000;

export interface SparkJobOptions {
  job: SparkJob | BehaviourJob;
  args: string[];
  logFile: string;
  note: (line: string) => void;
  /** Called with the child as soon as it runs, so Ctrl-C can stop it. */
  onChild?: (child: ChildProcess | null) => void;
  /**
   * Start Spark now but the job only once this resolves (the twin: once its lake is complete), so the
   * JVM and session start-up overlap the work before; a rejection stops the waiting Spark.
   */
  when?: Promise<void>;
  /** A small upload: the JVM compiles with its quick compiler only (SMALL_INPUT_CONF). */
  smallInput?: boolean;
}

/**
 * Uploads up to this size run Spark with the JVM's quick (C1) compiler only: a short run is over before
 * the optimizing compiler pays for its CPU. Measured with the pipeline on the first N real Firehose
 * objects (~22,000 rows each), local[2], quick compiler vs default: 5 rows 8.9-9.5 vs 11.9-12.3 s, 1 object
 * 15.8 vs 20.5 s, 5 objects 24.5 vs 28.2 s, 15 objects 38.0 vs 37.7 s, all 45 (1M rows) 74.8 vs 58.9 s.
 * 2 MiB is ~100,000 rows of gzip CSV (~15,000 plain), well before the crossover.
 */
export const SMALL_INPUT_BYTES = 2 * 1024 * 1024;
export const SMALL_INPUT_CONF = [`spark.driver.extraJavaOptions=${QUICK_COMPILER}`];

/** Settings that keep a local run on loopback and quiet: no UI port, driver bound to 127.0.0.1. */
const LOCAL_CONF = [
  'spark.ui.enabled=false',
  'spark.driver.host=127.0.0.1',
  'spark.driver.bindAddress=127.0.0.1',
  'spark.ui.showConsoleProgress=false',
  // Two cores: a few shuffle partitions beat Spark's default 200 tiny tasks.
  'spark.sql.shuffle.partitions=8',
];

const PROGRESS = /^\[(pipeline|clean|recommend|analyse|behaviour|sessions|funnel|intent|categories) [0-9:]+\]\s*(.*)$/;
/** Jobs that run several jobs in one application: every job's lines are theirs, each prefixed with its job's name. */
const COMBINED: readonly string[] = ['pipeline', 'behaviour'];

const tailOf = (lines: string[]) => lines.slice(-15).join('\n');

/** A job that does not exit this long after SIGTERM (its JVM's shutdown hooks hang) is killed. */
const STOP_GRACE_MS = 10_000;

/** Signals a job's process group: spark-submit's JVM and the Python driver it started (spawned detached, so it leads its group). */
const signalJob = (child: ChildProcess, signal: NodeJS.Signals) => {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // The group is gone already.
  }
};

/** Whether any process of the job's group is left (the JVM, or a Python driver it started). */
const jobAlive = (child: ChildProcess): boolean => {
  try {
    process.kill(-child.pid!, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Stops a running job, resolved once no process of its group is left. The whole group is signalled: a
 * Python driver in the middle of its own work (a recommender's candidate tables) would otherwise run on
 * until its next call into the gone JVM, seconds or minutes after the twin said it stopped.
 */
export const stopSparkJob = async (child: ChildProcess): Promise<void> => {
  const closed = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once('close', () => resolve()));
  signalJob(child, 'SIGTERM');
  const deadline = Date.now() + STOP_GRACE_MS;
  while (jobAlive(child) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  if (jobAlive(child)) signalJob(child, 'SIGKILL');
  await closed;
};

export const runSparkJob = (options: SparkJobOptions): Promise<void> => {
  if (!existsSync(SPARK_SUBMIT)) throw new Error(`${SPARK_SUBMIT} is missing: run bash local/setup.sh`);
  // Waiting on a marker file: spark-submit does not pass its stdin on to the Python driver.
  const marker = `${options.logFile}.start`;
  rmSync(marker, { force: true });
  const script = options.when ? [WHEN_LANDED_PY, marker, String(process.pid)] : [MAIN_PY];
  const args = ['--master', 'local[*]', '--driver-memory', '3g', ...[...LOCAL_CONF, ...(options.smallInput ? SMALL_INPUT_CONF : [])].flatMap((c) => ['--conf', c]), ...script, options.job, ...options.args];
  const log = createWriteStream(options.logFile, { flags: 'a' });
  log.write(`\n$ spark-submit ${args.join(' ')}\n`);
  const child = spawn(SPARK_SUBMIT, args, {
    cwd: REPO_ROOT,
    // Its own process group, so stopSparkJob reaches the Python driver too.
    detached: true,
    env: {
      ...process.env,
      PYSPARK_PYTHON: join(REPO_ROOT, '.venv', 'bin', 'python'),
      // Python workers (UDFs) import the jobs' package too, not only the driver.
      PYTHONPATH: join(REPO_ROOT, 'emr-jobs'),
      SPARK_LOCAL_IP: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  options.onChild?.(child);
  let started = Date.now();
  let waiting = options.when !== undefined;
  options.when?.then(
    () => {
      writeFileSync(marker, '');
      started = Date.now();
      waiting = false;
    },
    () => void stopSparkJob(child),
  );
  const recent: string[] = [];
  let lastNote = Date.now();
  const note = (line: string) => {
    lastNote = Date.now();
    options.note(`${formatSeconds(lastNote - started)} ${line}`);
  };
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
      log.write(`${line}\n`);
      recent.push(line);
      if (recent.length > 200) recent.shift();
      // The jobs print `[<job> HH:MM:SS] message` progress lines (the pipeline job: each of its jobs');
      // Spark's own output stays in the log.
      const progress = PROGRESS.exec(line);
      const combined = COMBINED.includes(options.job);
      if (progress && (progress[1] === options.job || combined)) note(combined ? `${progress[1]}: ${progress[2]}` : progress[2]);
    });
  }
  const heartbeat = setInterval(() => {
    if (!waiting && Date.now() - lastNote >= HEARTBEAT_MS) note('still running');
  }, 1000);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearInterval(heartbeat);
      // A JVM that died (a signal, a crash) may leave its Python driver behind.
      if (code !== 0) signalJob(child, 'SIGTERM');
      options.onChild?.(null);
      log.end();
      if (code === 0) resolve();
      else reject(new Error(`spark job '${options.job}' failed (${signal ?? `exit ${code}`}); log ${options.logFile}:\n${tailOf(recent)}`));
    });
  });
};
