/**
 * The local twin end to end: Kafka broker and topic, the Firehose-equivalent
 * sink, the real ingest code on a CSV, the three EMR Spark jobs on the lake,
 * the loader into a local serving store, and the API + site on loopback.
 */
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readdirSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { LAKE, sparkSteps, type RecommendationSource, type UserRecommendations } from '../../contract';
import { ingestFile, type IngestReport } from '../../lambdas/ingest/ingest';
import { disconnectAll } from '../../lambdas/ingest/shared-producers';
import { ensureTopic, KAFKA_LIB_DIR, startBroker } from '../kafka/broker';
import { apiAuthorizer, type OidcProvider, siteSignIn, startOidcProvider } from '../auth/provider';
import { startLocalServer } from '../server/server';
import { loadLocalServing } from '../server/serving';
import { DEFAULT_SEED } from '../generator/generate';
import { writeGenerated } from '../generator/write';
import { type SinkTotals, startSink } from '../sink/sink';
import { createStages, formatBytes, formatCount, formatSeconds, rate, type StageTiming } from './progress';
import { Resources } from './resources';
import { REPO_ROOT, runSparkJob, SPARK_SUBMIT } from './spark';

/** The bundled data set: big enough for ALS to find structure, small enough for a few minutes on 2 cores. */
export const BUNDLED_ROWS = 200_000;
export const WORK_DIR = join(REPO_ROOT, '.work', 'local');
const WEB_DIR = join(REPO_ROOT, 'web', 'dist');

export interface TwinOptions {
  /** The purchases CSV (.csv or .csv.gz); default: the bundled generated data set. */
  csv?: string;
  /** Rows of the generated data set when no CSV is given. */
  rows?: number;
  seed?: number | string;
  /** Port of the API + site; default: a free one. */
  port?: number;
  /** Keep the previous run's lake and broker data instead of starting fresh. */
  keep?: boolean;
  workDir?: string;
  /** Extra options for the recommend job, e.g. `--grid none` for a quick single fit. */
  recommendArgs?: string[];
  print?: (line: string) => void;
  /** Started services, so the caller can stop them on a signal. */
  resources?: Resources;
}

export interface TwinSummary {
  csv: string;
  lake: string;
  ingest: IngestReport;
  sink: SinkTotals;
  clean: unknown;
  load: { users: number; invalid: number; fallback: unknown };
  metrics: Record<string, unknown> | undefined;
  exampleUsers: string[];
  timings: StageTiming[];
  /** The seeded analyst the site's sign-in accepts, and where the API's access log goes. */
  signIn: { username: string; password: string; accessLog: string };
}

export interface TwinRun {
  summary: TwinSummary;
  url: string;
  /** The sign-in provider the site and the API trust (Cognito's stand-in). */
  identity: OidcProvider;
  stop(): Promise<void>;
}

const readJson = async (path: string): Promise<Record<string, unknown> | undefined> =>
  existsSync(path) ? (JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>) : undefined;

/** What `local/setup.sh` installs; the run refuses to start half-installed. */
const checkInstall = (): string => {
  const kafkaJars = existsSync(KAFKA_LIB_DIR) && readdirSync(KAFKA_LIB_DIR).some((f) => f.startsWith('kafka_'));
  const missing = [
    [SPARK_SUBMIT, 'the Python venv with PySpark'],
    [kafkaJars ? KAFKA_LIB_DIR : join(KAFKA_LIB_DIR, 'kafka_*.jar'), 'the Kafka jars'],
    [join(WEB_DIR, 'index.html'), 'the built website'],
  ].filter(([path]) => !existsSync(path));
  if (missing.length > 0) throw new Error(`missing ${missing.map(([, what]) => what).join(', ')}: run bash local/setup.sh`);
  return 'PySpark venv, Kafka jars and built site present';
};

/** A few users with personal recommendations (ALS first, then repeat purchases), read from the recommend job's part files. */
const exampleUsers = async (lake: string, count = 3): Promise<string[]> => {
  const dir = join(lake, LAKE.recommendationsPrefix);
  const parts = existsSync(dir) ? (await readdir(dir)).filter((f) => f.startsWith('part-')).sort() : [];
  const bySource: Partial<Record<RecommendationSource, string[]>> = {};
  for (const part of parts) {
    for (const line of (await readFile(join(dir, part), 'utf8')).split('\n')) {
      if (!line) continue;
      const item = JSON.parse(line) as UserRecommendations;
      const users = (bySource[item.source] ??= []);
      if (users.length < count) users.push(item.user_id);
    }
  }
  return [...(bySource.als ?? []), ...(bySource.repeat ?? [])].slice(0, count);
};

/** The CSV to ingest, from --csv or the bundled generated set (generated once per rows/seed, then reused). */
const dataSet = async (options: TwinOptions, workDir: string, note: (line: string) => void): Promise<string> => {
  if (options.csv) {
    const csv = resolve(options.csv);
    if (!existsSync(csv)) throw new Error(`--csv ${options.csv}: no such file`);
    return csv;
  }
  const rows = options.rows ?? BUNDLED_ROWS;
  const seed = options.seed ?? DEFAULT_SEED;
  const path = join(workDir, 'data', `generated-${rows}-seed-${seed}.csv.gz`);
  if (existsSync(path)) {
    note(`reusing ${path}`);
    return path;
  }
  const started = Date.now();
  await writeGenerated({ rows, seed }, path);
  note(`generated ${formatCount(rows)} rows (seed ${seed}) in ${formatSeconds(Date.now() - started)} -> ${path}`);
  return path;
};

export const runPipeline = async (options: TwinOptions = {}): Promise<TwinRun> => {
  const print = options.print ?? ((line: string) => console.log(line));
  const workDir = options.workDir ?? WORK_DIR;
  const resources = options.resources ?? new Resources();
  const stages = createStages(print);
  const lake = join(workDir, 'lake');
  const logs = join(workDir, 'logs');
  const kafkaDir = join(workDir, 'kafka');
  try {
    await stages.run('install-check', async () => checkInstall(), (found) => found);
    if (!options.keep) await Promise.all([lake, kafkaDir, join(workDir, 'upload')].map((dir) => rm(dir, { recursive: true, force: true })));
    await Promise.all([lake, logs, join(workDir, 'upload')].map((dir) => mkdir(dir, { recursive: true })));
    const csv = await stages.run('data', () => dataSet(options, workDir, stages.note), (path) => path);

    const broker = await stages.run(
      'broker start',
      async () => {
        const started = await startBroker({ dataDir: kafkaDir, log: stages.note });
        resources.add('kafka broker', started.stop);
        await ensureTopic(started.bootstrap);
        return started;
      },
      (b) => `${b.bootstrap}, topic ready`,
    );
    const sink = await startSink({
      brokers: [broker.bootstrap],
      lake,
      onObject: (object, totals) =>
        stages.note(`object ${totals.objects} ${basename(object.key)} ${formatCount(object.rows)} rows, ${formatBytes(object.bytes)}`),
    });
    resources.add('sink', sink.stop);

    // Ingest writes its quarantine and report beside the upload; a link keeps them out of a read-only source folder.
    const upload = join(workDir, 'upload', basename(csv));
    await rm(upload, { force: true });
    await symlink(csv, upload);
    const ingestStarted = Date.now();
    const ingest = await stages.run(
      'ingest',
      () =>
        ingestFile(upload, { brokers: [broker.bootstrap], auth: 'plaintext' }, {
          progressEvery: 100_000,
          onProgress: (p) => stages.note(`${formatCount(p.read)} rows read, ${formatCount(p.produced)} produced, ${formatCount(p.rejected)} rejected (${rate(p.read, p.seconds * 1000)})`),
        }).finally(() => disconnectAll()),
      (r) => `${formatCount(r.read)} read, ${formatCount(r.produced)} produced, ${formatCount(r.rejected)} rejected, ${rate(r.read, Date.now() - ingestStarted)}`,
    );

    const landed = await stages.run(
      'sink flush',
      async () => {
        await sink.drain();
        return sink.totals();
      },
      (t) => `${formatCount(t.objects)} objects, ${formatCount(t.rows)} rows, ${formatBytes(t.bytes)} (${formatBytes(t.compressedBytes)} gz) in ${lake}/${LAKE.rawPrefix}`,
    );
    // The lake is complete: free the broker's memory and cores for Spark.
    await stages.run('broker stop', async () => {
      await resources.release('sink');
      await resources.release('kafka broker');
    });

    let sparkChild: ChildProcess | null = null;
    resources.add('spark', async () => {
      sparkChild?.kill('SIGTERM');
    });
    const spark = (job: 'clean' | 'recommend' | 'analyse', args: string[]) =>
      stages.run(job, () =>
        runSparkJob({ job, args, logFile: join(logs, `spark-${job}.log`), note: stages.note, onChild: (c) => (sparkChild = c) }),
        () => `log ${join(logs, `spark-${job}.log`)}`,
      );
    const at = (key: string) => join(lake, key);
    // The deployed step plan (contract/pipeline.ts) on the local lake; extra recommend flags override its settings.
    for (const { job, args } of sparkSteps(at)) await spark(job, job === 'recommend' ? [...args, ...(options.recommendArgs ?? [])] : args);
    await resources.release('spark');

    const serving = await stages.run(
      'load',
      () => loadLocalServing(lake),
      (s) =>
        `${formatCount(s.report.loaded)} users' recommendations, fallback ${JSON.stringify(s.report.fallback)}, ${s.report.invalid} invalid lines` +
        (s.report.invalid ? ` (first: ${JSON.stringify(s.report.invalidSamples[0])})` : ''),
    );
    const identity = await stages.run(
      'sign-in provider',
      async () => {
        const started = await startOidcProvider();
        resources.add('sign-in provider', started.close);
        return started;
      },
      (p) => `${p.issuer} (OpenID Connect, code flow + PKCE, analyst "${p.analyst.username}")`,
    );
    const accessLogFile = join(logs, 'api-access.log');
    const accessLog = createWriteStream(accessLogFile, { flags: 'a' });
    resources.add('access log', () => new Promise<void>((done) => accessLog.end(done)));
    const server = await stages.run(
      'serve',
      async () => {
        const started = await startLocalServer({
          port: options.port,
          webDir: WEB_DIR,
          recommendations: serving.recommendations,
          analytics: serving.analytics,
          runtimeConfig: { apiUrl: '', auth: siteSignIn(identity) },
          // As API Gateway's JWT authorizer in front of the API Lambda.
          auth: apiAuthorizer(identity),
          accessLog: (entry) => accessLog.write(`${JSON.stringify(entry)}\n`),
        });
        resources.add('server', started.close);
        await identity.allowSite(started.url);
        return started;
      },
      (s) => `${s.url}, API access log ${accessLogFile}`,
    );

    return {
      url: server.url,
      identity,
      stop: () => resources.closeAll(),
      summary: {
        csv,
        lake,
        ingest,
        sink: landed,
        clean: await readJson(at(LAKE.cleanReportKey)),
        load: { users: serving.report.loaded, invalid: serving.report.invalid, fallback: serving.report.fallback },
        metrics: await readJson(at(LAKE.metricsKey)),
        exampleUsers: await exampleUsers(lake),
        timings: stages.timings(),
        signIn: { username: identity.analyst.username, password: identity.analyst.password, accessLog: accessLogFile },
      },
    };
  } catch (error) {
    await resources.closeAll(print);
    throw error;
  }
};
