/**
 * The twin's streaming job: emr-jobs/realtime.py under `spark-submit --master local[2]` with Spark's
 * Kafka source jars (local/realtime/pom.xml), reading the twin's broker and keeping its checkpoint
 * and live view in a lake folder. `kill()` is a crash (SIGKILL), `stop()` a shutdown.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { REALTIME, type LiveView } from '../../contract';
import { REPO_ROOT, SPARK_SUBMIT } from '../pipeline/spark';
import { readFile } from 'node:fs/promises';

export const SPARK_KAFKA_LIB = join(__dirname, 'target', 'lib');
const ENTRY = join(REPO_ROOT, 'emr-jobs', 'realtime.py');

const sparkKafkaJars = (): string => {
  if (!existsSync(join(SPARK_KAFKA_LIB, '.complete'))) throw new Error(`${SPARK_KAFKA_LIB} is missing: run bash local/setup.sh`);
  return readdirSync(SPARK_KAFKA_LIB)
    .filter((name) => name.endsWith('.jar'))
    .map((name) => join(SPARK_KAFKA_LIB, name))
    .join(',');
};

/** Loopback only, no UI; one task per stage: a micro-batch's fixed cost grows with its task count, and two shared cores gain nothing from more. */
const CONF = [
  'spark.ui.enabled=false',
  'spark.driver.host=127.0.0.1',
  'spark.driver.bindAddress=127.0.0.1',
  'spark.ui.showConsoleProgress=false',
  'spark.sql.shuffle.partitions=1',
];

export interface RealtimeJob {
  /** Resolves once the job says it is streaming. */
  ready: Promise<void>;
  /** Like a crash: SIGKILL, no shutdown hooks. */
  kill(): Promise<void>;
  /** SIGTERM, and wait for the exit. */
  stop(): Promise<void>;
  exited: Promise<number | null>;
}

export interface RealtimeJobOptions {
  bootstrap: string;
  lake: string;
  logFile: string;
  /** The job's own progress lines (`[realtime HH:MM:SS] ...`). */
  note?: (line: string) => void;
  cores?: number;
}

export const startRealtimeJob = (options: RealtimeJobOptions): RealtimeJob => {
  const args = [
    '--master',
    `local[${options.cores ?? 2}]`,
    '--driver-memory',
    '1g',
    '--jars',
    sparkKafkaJars(),
    ...CONF.flatMap((c) => ['--conf', c]),
    ENTRY,
    '--bootstrap',
    options.bootstrap,
    '--lake',
    options.lake,
    '--batch-partitions',
    '1',
  ];
  const log = createWriteStream(options.logFile, { flags: 'a' });
  log.write(`\n$ spark-submit ${args.join(' ')}\n`);
  const child: ChildProcess = spawn(SPARK_SUBMIT, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, PYSPARK_PYTHON: join(REPO_ROOT, '.venv', 'bin', 'python'), PYTHONPATH: join(REPO_ROOT, 'emr-jobs'), SPARK_LOCAL_IP: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: a kill reaches the JVM and the Python driver alike.
    detached: true,
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // already gone
    }
  };
  const onExit = () => killGroup('SIGKILL');
  process.once('exit', onExit);
  // A parent killed by a signal runs no exit handler: this shell ends the job's group when the parent is gone.
  const guard = spawn('sh', ['-c', `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${child.pid} 2>/dev/null; do sleep 1; done; kill -9 -${child.pid} 2>/dev/null`], {
    detached: true,
    stdio: 'ignore',
  });
  guard.unref();
  let started: () => void;
  let failed: (error: Error) => void;
  const ready = new Promise<void>((ok, fail) => {
    started = ok;
    failed = fail;
  });
  // The log's folder may be gone by the time anyone reads a failure: its last lines go into the error.
  const recent: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
      log.write(`${line}\n`);
      recent.push(line);
      if (recent.length > 20) recent.shift();
      if (line.startsWith('[realtime ')) {
        options.note?.(line);
        if (line.includes('] streaming ')) started();
      }
    });
  }
  void exited.then((code) => {
    process.removeListener('exit', onExit);
    log.end();
    failed(new Error(`the streaming job exited (${code}) before it was streaming; log ${options.logFile}:\n${recent.join('\n')}`));
  });
  const end = async (signal: NodeJS.Signals) => {
    killGroup(signal);
    await exited;
  };
  return { ready, kill: () => end('SIGKILL'), stop: () => end('SIGTERM'), exited };
};

/** The live view the job last wrote, or undefined before its first batch. */
export const readLiveView = async (lake: string): Promise<LiveView | undefined> => {
  try {
    return JSON.parse(await readFile(join(lake, REALTIME.lake.liveKey), 'utf8')) as LiveView;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
};
