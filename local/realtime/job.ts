/**
 * The twin's streaming job: emr-jobs/realtime.py under `spark-submit --master local[2]` with Spark's
 * Kafka source jars (local/realtime/pom.xml), reading the twin's broker and keeping its checkpoint
 * and live view in a lake folder. `kill()` is a crash (SIGKILL), `stop()` a shutdown; an exit nobody asked
 * for (a crash, an OOM kill, a kill from outside) is restarted with backoff, and said so.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { constants } from 'node:os';
import { createInterface } from 'node:readline';
import { REALTIME, type LiveView } from '../../contract';
import { REPO_ROOT, SPARK_SUBMIT } from '../pipeline/spark';
import { readFile } from 'node:fs/promises';
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

export const SPARK_KAFKA_LIB = join(__dirname, 'target', 'lib');
const ENTRY = join(REPO_ROOT, 'emr-jobs', 'realtime.py');
const osSignals: Record<string, number> = constants.signals;

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
  // The checkpoint's offset and commit files through Hadoop's FileSystem API instead of FileContext: on a local
  // folder both end in rename(2) (atomic: a SIGKILL leaves a whole file or none), but FileContext's also resolves
  // links, which Hadoop without its native library does by starting `readlink` processes. Median walCommit +
  // commitOffsets of a trigger, 4 runs alternating at load ~10: 193 + 186 ms (FileContext) against 53 + 40 ms.
  'spark.sql.streaming.checkpointFileManagerClass=org.apache.spark.sql.execution.streaming.FileSystemBasedCheckpointFileManager',
];

export interface RealtimeJob {
  /** Resolves once the job says it is streaming; rejects when it never got there (every restart failed). */
  ready: Promise<void>;
  /** Like a crash of the whole job: SIGKILL, no shutdown hooks, no restart. */
  kill(): Promise<void>;
  /** SIGTERM, and wait for the exit; no restart. */
  stop(): Promise<void>;
  /** The job has ended for good: stopped, killed, or given up after its restarts. */
  exited: Promise<number | null>;
  /** The running spark-submit's process id (its process group's), undefined between restarts. */
  pid(): number | undefined;
}

/** Waits before each restart of a job that exited by itself; a job that streamed this long since its last start has its count reset. */
export const RESTART_DELAYS_MS: readonly number[] = [2_000, 4_000, 8_000, 16_000, 32_000];
const STABLE_MS = 5 * 60_000;

export interface RealtimeJobOptions {
  bootstrap: string;
  lake: string;
  logFile: string;
  /** The job's own progress lines (`[realtime HH:MM:SS] ...`). */
  note?: (line: string) => void;
  cores?: number;
  /** The restart backoff (default {@link RESTART_DELAYS_MS}); after its last delay's restart fails too, the job is left stopped. */
  restartDelaysMs?: readonly number[];
  /** What the twin says of the job's life (an exit, a restart, giving up): default the console. */
  say?: (line: string) => void;
  /**
   * Issue 24: the live-state table the job writes each changed customer's open-session activity to, on a
   * DynamoDB-protocol server (the twin's dynalite); without it the job writes none (no live recommendations).
   */
  liveState?: LiveStateTable;
}

export interface LiveStateTable {
  endpoint: string;
  table: string;
}

/** The twin's live-state table: the name CDK generates on AWS, a fixed one here. */
export const TWIN_LIVE_TABLE = 'recstream-live-state';

/** The live-state table with the contract's key, as lib/live-state.ts declares it (dynalite keeps no TTL: the API checks expires_at). */
export const createLiveStateTable = async (dynamodb: DynamoDBClient, table: string = TWIN_LIVE_TABLE): Promise<void> => {
  const key = REALTIME.liveRecommendations.partitionKey;
  await dynamodb.send(
    new CreateTableCommand({
      TableName: table,
      KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
};

interface Launched {
  child: ChildProcess;
  exited: Promise<number | null>;
  /** Resolves when the job says it is streaming. */
  streaming: Promise<void>;
  recent: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One spark-submit of the job, in its own process group, its output appended to the log. */
const launch = (options: RealtimeJobOptions, args: string[]): Launched => {
  const log = createWriteStream(options.logFile, { flags: 'a' });
  log.write(`\n$ spark-submit ${args.join(' ')}\n`);
  const child: ChildProcess = spawn(SPARK_SUBMIT, args, {
    cwd: REPO_ROOT,
    // dynalite ignores signatures, but boto3 signs only with some credentials at hand.
    env: { AWS_ACCESS_KEY_ID: 'twin', AWS_SECRET_ACCESS_KEY: 'twin', ...process.env, PYSPARK_PYTHON: join(REPO_ROOT, '.venv', 'bin', 'python'), PYTHONPATH: join(REPO_ROOT, 'emr-jobs'), SPARK_LOCAL_IP: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: a kill reaches the JVM and the Python driver alike.
    detached: true,
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 + osSignals[signal] : null))));
  void exited.then(() => log.end());
  // A parent killed by a signal runs no exit handler: this shell ends the job's group when the parent is gone.
  const guard = spawn('sh', ['-c', `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${child.pid} 2>/dev/null; do sleep 1; done; kill -9 -${child.pid} 2>/dev/null`], {
    detached: true,
    stdio: 'ignore',
  });
  guard.unref();
  let started: () => void;
  const streaming = new Promise<void>((ok) => (started = ok));
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
  return { child, exited, streaming, recent };
};

const seconds = (ms: number) => `${ms / 1000} s`;

/**
 * Starts the streaming job and keeps it running: a job that exits by itself (a crash, a kill from
 * outside) is started again on its checkpoint after a growing wait, saying so; after the last wait's
 * restart exits too, it says the job has stopped and why (the exit and the log's last lines).
 */
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
    ...(options.liveState ? ['--live-table', options.liveState.table, '--dynamodb-endpoint', options.liveState.endpoint] : []),
  ];
  const delays = options.restartDelaysMs ?? RESTART_DELAYS_MS;
  const say = options.say ?? ((line: string) => console.log(`realtime: ${line}`));
  let current: Launched | undefined;
  let ending = false;
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      if (current) process.kill(-current.child.pid!, signal);
    } catch {
      // already gone
    }
  };
  const onExit = () => killGroup('SIGKILL');
  process.once('exit', onExit);
  let everStreamed = false;
  let resolveReady: () => void;
  let rejectReady: (error: Error) => void;
  const ready = new Promise<void>((ok, fail) => {
    resolveReady = ok;
    rejectReady = fail;
  });
  // Handled where it is awaited; a job stopped before it streamed must not be an unhandled rejection.
  ready.catch(() => {});

  const supervise = async (): Promise<number | null> => {
    let failures = 0;
    for (;;) {
      const run = launch(options, args);
      current = run;
      const startedAt = Date.now();
      void run.streaming.then(() => {
        if (failures > 0) say(`the streaming job is streaming again after restart ${failures} (log ${options.logFile})`);
        everStreamed = true;
        resolveReady();
      });
      const code = await run.exited;
      current = undefined;
      if (ending) return code;
      if (Date.now() - startedAt >= STABLE_MS) failures = 0;
      const why = `exited with code ${code}`;
      if (failures >= delays.length) {
        const stopped = `the streaming job has stopped: it ${why} ${failures + 1} times in a row, ${failures === 0 ? 'with no restart configured' : `the last ${failures} of them after restarts`}; the Live page shows its last view. Last lines of ${options.logFile}:\n${run.recent.join('\n')}`;
        say(stopped);
        rejectReady(new Error(everStreamed ? stopped : `the streaming job never started streaming: ${stopped}`));
        return code;
      }
      const wait = delays[failures];
      failures++;
      say(`the streaming job ${why}; restarting it in ${seconds(wait)} on its checkpoint (restart ${failures} of at most ${delays.length}; log ${options.logFile})`);
      await sleep(wait);
      if (ending) return code;
    }
  };
  const exited = supervise().finally(() => process.removeListener('exit', onExit));
  const end = async (signal: NodeJS.Signals) => {
    ending = true;
    killGroup(signal);
    rejectReady(new Error(`the streaming job was ended (${signal}) before it was streaming; log ${options.logFile}`));
    await exited;
  };
  return { ready, kill: () => end('SIGKILL'), stop: () => end('SIGTERM'), exited, pid: () => current?.child.pid };
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
