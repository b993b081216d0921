/**
 * The local twin end to end: S3- and DynamoDB-protocol servers, Kafka broker
 * and topic, the Firehose-equivalent sink, the CSV uploaded to the landing
 * bucket whose event invokes the deployed ingest handler (and, for behaviour,
 * an events CSV the same way), the EMR Spark steps on the lake (the behaviour
 * steps after the purchases ones), the deployed loader into the serving table, and the
 * deployed API handler + site on loopback.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BEHAVIOUR_LAKE, behaviourSteps, EVENTS_TOPIC, LAKE, LAMBDA_ENV, REALTIME, sparkSteps, type BehaviourJob, type RecommenderModel, type SparkJob } from '../../contract';
import type { IngestReport } from '../../lambdas/ingest/ingest';
import { disconnectAll } from '../../lambdas/ingest/shared-producers';
import type * as ApiLambda from '../../lambdas/api/handler';
import type * as CollectorLambda from '../../lambdas/collector/handler';
import { COLLECTOR_ROUTE } from '../../lambdas/collector/collect';
import { hashWriteKey, WRITE_KEY_HEADER, WRITE_KEYS_ENV } from '../../lambdas/collector/write-keys';
import type * as IngestLambda from '../../lambdas/ingest/handler';
import type * as LoaderLambda from '../../lambdas/load-recommendations/handler';
import type { LoadReport } from '../../lambdas/load-recommendations/load';
import { s3Lake } from '../../lambdas/shared/serving/lake';
import { browsingCustomers, exampleUsers, type ExampleUsers } from './example-users';
import { ingestVerdict, uploadedReport } from './ingest-verdict';
import { logToFile } from './lambda-logs';
import { describeFallback } from './summary';
import { PUBLISHED_PREFIXES, publishLakeOutputs } from '../aws/lake-bucket';
import { landingTrigger, type LandingTrigger } from '../aws/landing-trigger';
import { awsEnv, createServingTable, startDynamoServer, startS3Server, TWIN_AWS, UPLOADS_PREFIX } from '../aws/servers';
import { ensureTopic, KAFKA_LIB_DIR, startBroker } from '../kafka/broker';
import type * as Provider from '../auth/provider';
import { startLocalServer } from '../server/server';
import { DEFAULT_SEED } from '../generator/generate';
import { writeGenerated } from '../generator/write';
import { type SinkTotals, startSink } from '../sink/sink';
import { createStages, formatBytes, formatCount, formatReasons, formatSeconds, plural, rate, type StageTiming } from './progress';
import { Resources } from './resources';
import { REPO_ROOT, runSparkJob, SMALL_INPUT_BYTES, SPARK_SUBMIT, stopSparkJob } from './spark';
import { behaviourOutputs, eventsDataSet, loadBehaviourOnly, type BehaviourSummary } from './behaviour';
import { createLiveStateTable, SPARK_KAFKA_LIB, startRealtimeJob, TWIN_LIVE_TABLE } from '../realtime/job';
import { mirrorLiveView } from '../realtime/live-mirror';

/** The bundled data set: big enough for ALS to find structure, small enough for a few minutes on 2 cores. */
export const BUNDLED_ROWS = 200_000;
export const WORK_DIR = join(REPO_ROOT, '.work', 'local');
const WEB_DIR = join(REPO_ROOT, 'web', 'dist');

export interface TwinOptions {
  /**
   * The purchases CSV (.csv or .csv.gz); default: the bundled generated data set. `csv` and `events`
   * choose what runs: neither, both data products on bundled data; one, that one alone; both, both.
   */
  csv?: string;
  /** A behaviour events CSV (REES46 header, .csv or .csv.gz); default: generated events (local/generator/behaviour.ts). */
  events?: string;
  /** Rows of the generated data set when no CSV is given. */
  rows?: number;
  seed?: number | string;
  /** Port of the API + site; default: a free one. */
  port?: number;
  /** Keep the previous run's buckets and broker data instead of starting fresh (the lake is always kept). */
  keep?: boolean;
  /**
   * Rebuild everything from every raw object in the lake (the pipeline's --full). Without it the lake is the
   * store's, kept between runs as the deployed bucket is: a run processes only the raw objects no run has processed.
   */
  full?: boolean;
  /**
   * Run and stop (the caller prints the summary and exits). Without it the
   * broker and the sink stay up while the site is served, so an upload to the
   * landing bucket is ingested as on AWS.
   */
  once?: boolean;
  /**
   * While serving (not with `once`), run the streaming job (issue 16) on the broker's topics so the Live
   * page moves. `recstream run` sets it unless `--no-realtime`; off by default here, so tests that serve
   * do not pay for a third JVM. It starts after the batch Spark jobs, which it would otherwise slow.
   */
  realtime?: boolean;
  workDir?: string;
  /** Extra options for the recommend job, e.g. `--selection-windows 2` for fewer fits. */
  recommendArgs?: string[];
  /** Issue 21: serve this recommender model whatever the promotion rule says (`--pin`, as CDK's recommender.pin). */
  pin?: RecommenderModel | null;
  /** Issue 21: judge every recommender model this run, whatever als.evaluateEveryDays allows (`--evaluate`; `--full` implies it). */
  evaluate?: boolean;
  print?: (line: string) => void;
  /** Started services, so the caller can stop them on a signal. */
  resources?: Resources;
}

/** The purchases fields are absent when only an events file ran (`--events` without `--csv`). */
export interface TwinSummary {
  csv?: string;
  /** The purchases are the bundled generated set (no --csv): quality figures then describe the generator. */
  generated?: boolean;
  lake: string;
  /** Where the CSV was uploaded; the ingest report and rejected rows lie beside it. */
  upload?: { endpoint: string; bucket: string; key: string };
  ingest?: IngestReport;
  sink?: SinkTotals;
  clean: unknown;
  load?: LoadReport;
  metrics: Record<string, unknown> | undefined;
  /** Customers to try in the site, whose cards show every reason served, and a served product. */
  exampleUsers: ExampleUsers;
  /** The behaviour data product's run; absent when only a purchases CSV ran. */
  behaviour?: BehaviourSummary;
  timings: StageTiming[];
  /** The seeded analyst the site's sign-in accepts, and where the API's access log goes. */
  signIn?: { username: string; password: string; accessLog: string };
  /**
   * `POST /events` for a storefront, while serving (the broker is up): its route, header and the demo store's
   * write key; and the broker a `recstream replay` of a CSV can produce to.
   */
  collector?: { route: string; header: string; store: string; writeKey: string; brokers: string };
}

/** Customers to try: every card reason between them, each one who also browsed where one did. */
const demoCustomers = async (lake: ReturnType<typeof s3Lake>): Promise<ExampleUsers> => {
  const browsed = await browsingCustomers(lake);
  return exampleUsers(lake, undefined, (userId) => browsed.has(userId));
};

/** The twin's one store: a fresh write key each run, configured as its hash only, as on AWS. */
const DEMO_STORE = 'demo-store';

export interface TwinRun {
  summary: TwinSummary;
  /** Where the site and the API are served; undefined with `once`, which serves nothing. */
  url?: string;
  /** The sign-in provider the site and the API trust (Cognito's stand-in); undefined with `once`. */
  identity?: Provider.OidcProvider;
  stop(): Promise<void>;
}

/** Raw objects earlier runs processed, from the lake's manifests of purchases and behaviour events (0 for a new lake). */
const processedBefore = async (lake: string): Promise<number> => {
  let objects = 0;
  for (const key of [LAKE.purchasesManifestKey, BEHAVIOUR_LAKE.eventsManifestKey]) {
    const manifest = await readJson(join(lake, key));
    objects += manifest ? Object.keys(manifest.objects as Record<string, unknown>).length : 0;
  }
  return objects;
};

const readJson = async (path: string): Promise<Record<string, unknown> | undefined> =>
  existsSync(path) ? (JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>) : undefined;

/** What `local/setup.sh` installs; the run refuses to start half-installed. */
const checkInstall = (streaming: boolean): string => {
  const kafkaJars = existsSync(KAFKA_LIB_DIR) && readdirSync(KAFKA_LIB_DIR).some((f) => f.startsWith('kafka_'));
  const missing = [
    [SPARK_SUBMIT, 'the Python venv with PySpark'],
    [kafkaJars ? KAFKA_LIB_DIR : join(KAFKA_LIB_DIR, 'kafka_*.jar'), 'the Kafka jars'],
    [join(WEB_DIR, 'index.html'), 'the built website'],
    ...(streaming ? [[join(SPARK_KAFKA_LIB, '.complete'), "Spark's Kafka source jars (or run with --no-realtime)"]] : []),
  ].filter(([path]) => !existsSync(path));
  if (missing.length > 0) throw new Error(`missing ${missing.map(([, what]) => what).join(', ')}: run bash local/setup.sh`);
  return 'PySpark venv, Kafka jars and built site present';
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
    note(`reusing the demo data generated by an earlier run`);
    return path;
  }
  const started = Date.now();
  await writeGenerated({ rows, seed }, path);
  note(`generated ${formatCount(rows)} rows (seed ${seed}) in ${formatSeconds(Date.now() - started)}`);
  return path;
};

/**
 * A deployed Lambda's module, loaded only once its environment is set: it builds
 * its clients at load, as on AWS. Node keeps the module, so those clients keep
 * the first run's endpoints: one twin run per process, as `recstream run` does.
 */
const lambdaModule = <T>(path: string): T => require(path) as T;

/** A run without `once`: the site, the API and the sign-in provider are up until `stop`. */
export type ServedRun = TwinRun & Required<Pick<TwinRun, 'url' | 'identity'>>;

export function runPipeline(options?: TwinOptions & { once?: false }): Promise<ServedRun>;
export function runPipeline(options: TwinOptions): Promise<TwinRun>;
export async function runPipeline(options: TwinOptions = {}): Promise<TwinRun> {
  const print = options.print ?? ((line: string) => console.log(line));
  const workDir = options.workDir ?? WORK_DIR;
  const resources = options.resources ?? new Resources();
  const stages = createStages(print);
  const lake = join(workDir, 'lake');
  const logs = join(workDir, 'logs');
  const kafkaDir = join(workDir, 'kafka');
  const bucketsDir = join(workDir, 's3');
  const streaming = !options.once && options.realtime === true;
  try {
    await stages.run('install-check', async () => checkInstall(streaming), (found) => found);
    if (!options.keep) await Promise.all([kafkaDir, bucketsDir].map((dir) => rm(dir, { recursive: true, force: true })));
    const earlier = await processedBefore(lake);
    if (earlier > 0)
      stages.note(`lake kept from earlier runs (${plural(earlier, 'raw object')} processed): ${options.full ? 'all processed again (--full)' : 'this run processes only new ones (--full processes all again)'}`);
    await Promise.all([lake, logs, bucketsDir].map((dir) => mkdir(dir, { recursive: true })));
    // Neither file named: both data products on bundled data; one named: that one alone.
    const runsPurchases = options.csv !== undefined || options.events === undefined;
    const csv = runsPurchases ? await stages.run('data', () => dataSet(options, workDir, stages.note), (path) => path) : undefined;
    const eventsCsv =
      options.events !== undefined || options.csv === undefined
        ? await stages.run('events data', () => eventsDataSet(options.events, workDir, stages.note, { rows: options.rows ?? BUNDLED_ROWS, seed: options.seed ?? DEFAULT_SEED }), (path) => path)
        : undefined;

    // The Spark steps: extra recommend flags override the step plan's settings; the behaviour steps after
    // the purchases ones, as the deployed state machine orders them.
    const at = (key: string) => join(lake, key);
    const steps: { job: SparkJob | BehaviourJob; args: string[] }[] = [
      ...(runsPurchases ? sparkSteps(at, undefined, options.pin ?? null, options.full ?? false, (options.full ?? false) || (options.evaluate ?? false)).map(({ job, args }) => ({ job, args: job === 'recommend' || job === 'pipeline' ? [...args, ...(options.recommendArgs ?? [])] : args })) : []),
      ...(eventsCsv !== undefined ? behaviourSteps(at, options.full ?? false) : []),
    ];
    const sparkLog = (job: string) => join(logs, `spark-${job}.log`);
    let sparkChild: ChildProcess | null = null;
    const uploadBytes = (await Promise.all([csv, eventsCsv].map((file) => (file ? stat(file).then((s) => s.size) : 0)))).reduce((a, b) => a + b, 0);
    const smallInput = uploadBytes <= SMALL_INPUT_BYTES;
    const launch = ({ job, args }: (typeof steps)[number], when?: Promise<void>) =>
      runSparkJob({ job, args, logFile: sparkLog(job), note: stages.note, onChild: (c) => (sparkChild = c), when, smallInput });
    // The first step's JVM and Spark session start now, while the servers and the broker start
    // and ingest lands the data (seconds a small upload no longer waits for); it reads the lake once
    // lakeComplete() is called.
    let lakeComplete = () => {};
    const firstStep = steps.length > 0 ? launch(steps[0], new Promise<void>((complete) => (lakeComplete = complete))) : undefined;
    // Awaited at its stage; until then a failure must not go unhandled (the stage reports it).
    firstStep?.catch(() => {});
    resources.add('spark', async () => {
      if (sparkChild) await stopSparkJob(sparkChild);
    });

    let trigger: LandingTrigger | undefined;
    const aws = await stages.run(
      'aws servers',
      async () => {
        const s3Server = await startS3Server(bucketsDir, (event) => trigger?.onEvent(event));
        resources.add('s3 server', s3Server.stop);
        const dynamoServer = await startDynamoServer(workDir);
        resources.add('dynamodb server', dynamoServer.stop);
        // The deployed Lambdas build their SDK clients from the environment at load, as on AWS.
        Object.assign(process.env, awsEnv(s3Server, dynamoServer), {
          [LAMBDA_ENV.tableName]: TWIN_AWS.tableName,
          [LAMBDA_ENV.lakeBucket]: TWIN_AWS.lakeBucket,
          [REALTIME.liveRecommendations.tableEnv]: TWIN_LIVE_TABLE,
        });
        await createServingTable(new DynamoDBClient({}));
        // The streaming job writes each active customer's open session here; the API blends it into their list.
        await createLiveStateTable(new DynamoDBClient({}));
        return { s3: s3Server.endpoint, dynamodb: dynamoServer.endpoint };
      },
      (a) => `S3 ${a.s3} (buckets ${TWIN_AWS.landingBucket}, ${TWIN_AWS.lakeBucket} in ${bucketsDir}), DynamoDB ${a.dynamodb} (table ${TWIN_AWS.tableName})`,
    );
    const s3 = new S3Client({});

    const broker = await stages.run(
      'broker start',
      async () => {
        const started = await startBroker({ dataDir: kafkaDir, log: stages.note, shortLived: smallInput && options.once });
        resources.add('kafka broker', started.stop);
        await ensureTopic(started.bootstrap);
        await ensureTopic(started.bootstrap, EVENTS_TOPIC);
        return started;
      },
      (b) => `${b.bootstrap}, topic ready`,
    );
    Object.assign(process.env, { [LAMBDA_ENV.kafkaBrokers]: broker.bootstrap, [LAMBDA_ENV.kafkaAuth]: 'plaintext' });
    // Each deployed function's own log lines go to logs/lambda-<name>.log, as to CloudWatch on AWS.
    const lambda = <A extends unknown[], R>(name: string, handler: (...args: A) => Promise<R>) => {
      const logged = logToFile(handler, join(logs, `lambda-${name}.log`));
      resources.add(`${name} log`, logged.close);
      return logged.handler;
    };
    trigger = landingTrigger(lambda('ingest', lambdaModule<typeof IngestLambda>('../../lambdas/ingest/handler').handler), stages.note);
    // Stopped before the broker: the handler keeps its producer between invocations, as a warm Lambda does.
    resources.add('ingest producers', disconnectAll);
    const sink = await startSink({
      brokers: [broker.bootstrap],
      lake,
    });
    resources.add('sink', sink.stop);
    // Firehose #2: the events topic lands under its own prefix (contract TOPICS).
    const eventsSink = await startSink({ brokers: [broker.bootstrap], lake, topic: EVENTS_TOPIC.name, streamName: 'recstream-local-events' });
    resources.add('events sink', eventsSink.stop);

    // As a user's `aws s3 cp`: the landing bucket's event invokes the ingest Lambda, whose report and rejected rows land beside the upload.
    // The same for an events CSV: the ingest Lambda tells the two apart by the header.
    const uploadOf = (file: string) => ({ endpoint: aws.s3, bucket: TWIN_AWS.landingBucket, key: `${UPLOADS_PREFIX}${basename(file)}` });
    const ingestStage = (stage: string, csv: string) => {
      const upload = uploadOf(csv);
      const ingestStarted = Date.now();
      return stages.run(
      stage,
      async () => {
        const handled = trigger!.expect(upload.key).then(
          () => undefined,
          (error: Error) => error,
        );
        await s3.send(new PutObjectCommand({ Bucket: upload.bucket, Key: upload.key, Body: createReadStream(csv), ContentLength: (await stat(csv)).size }));
        // The report beside the upload, as a user of the deployment reads it; a file ingest did not take ends the run here.
        const report = await uploadedReport(s3Lake(s3, upload.bucket), upload, await handled);
        const ending = ingestVerdict(basename(csv), upload, report);
        if (ending) throw ending;
        return report;
      },
      (r) =>
        `${formatCount(r.read)} rows read, ${formatCount(r.produced)} produced, ` +
        `${r.rejected ? `${formatCount(r.rejected)} rejected (${formatReasons(r.rejectedByReason)})` : 'none rejected'}, ${rate(r.read, Date.now() - ingestStarted)} (s3://${upload.bucket}/${upload.key})`,
    );
    };
    const upload = csv === undefined ? undefined : uploadOf(csv);
    const ingest = csv === undefined ? undefined : await ingestStage('ingest', csv);
    const eventsIngest = eventsCsv === undefined ? undefined : await ingestStage('events ingest', eventsCsv);

    const flushed = (stage: string, drained: typeof sink, prefix: string) =>
      stages.run(
        stage,
        async () => {
          await drained.drain();
          return drained.totals();
        },
        (t) => `${formatCount(t.rows)} records in ${plural(t.objects, 'object')}, ${formatBytes(t.bytes)} (${formatBytes(t.compressedBytes)} gz) in ${lake}/${prefix}`,
      );
    const landed = csv === undefined ? undefined : await flushed('sink flush', sink, LAKE.rawPrefix);
    const landedEvents = eventsCsv === undefined ? undefined : await flushed('events sink flush', eventsSink, BEHAVIOUR_LAKE.rawPrefix);
    // The lake is complete: the first Spark step reads it while the broker stops.
    lakeComplete();
    if (options.once) {
      // No upload can follow: free the broker's memory and cores for Spark.
      await stages.run('broker stop', async () => {
        await resources.release('ingest producers');
        await resources.release('sink');
        await resources.release('events sink');
        await resources.release('kafka broker');
      });
    }

    // The deployed step plan (contract/pipeline.ts) on the local lake, the first step already started.
    for (const [i, { job }] of steps.entries()) await stages.run(job, () => (i === 0 ? firstStep! : launch(steps[i])), () => `log ${sparkLog(job)}`);
    await resources.release('spark');

    await stages.run(
      'publish',
      () => publishLakeOutputs(s3, TWIN_AWS.lakeBucket, lake),
      (keys) => `${plural(keys.length, 'object')} under ${PUBLISHED_PREFIXES.join(', ')} into s3://${TWIN_AWS.lakeBucket}`,
    );
    const loaded = runsPurchases
      ? await stages.run(
          'load',
          () => lambda('load-recommendations', lambdaModule<typeof LoaderLambda>('../../lambdas/load-recommendations/handler').handler)({ bucket: TWIN_AWS.lakeBucket }),
          (r) =>
            `${plural(r.loaded, 'customer')}' recommendations into table ${TWIN_AWS.tableName}, ${describeFallback(r.fallback)}, ${plural(r.invalid, 'invalid line')}` +
            (r.invalid ? ` (first: ${JSON.stringify(r.invalidSamples[0])})` : ''),
        )
      : undefined;
    if (!runsPurchases)
      await stages.run(
        'load',
        () => loadBehaviourOnly(s3, TWIN_AWS.lakeBucket, TWIN_AWS.tableName),
        (r) => `${plural(r.customers, 'customer')}' behaviour (${plural(r.sessions, 'session')}) into table ${TWIN_AWS.tableName}`,
      );
    if (streaming)
      await stages.run(
        'realtime',
        async () => {
          const logFile = join(logs, 'spark-realtime.log');
          const job = startRealtimeJob({ bootstrap: broker.bootstrap, lake, logFile, liveState: { endpoint: aws.dynamodb, table: TWIN_LIVE_TABLE } });
          resources.add('streaming job', job.stop);
          await job.ready;
          // The job writes the live view into the lake folder; the deployed API reads the lake bucket.
          const mirror = mirrorLiveView({ lake, s3, bucket: TWIN_AWS.lakeBucket, onError: (error) => stages.note(`live view copy failed: ${error.message}`) });
          resources.add('live view copy', mirror.stop);
          return logFile;
        },
        (logFile) => `streaming job on ${REALTIME.topics.join(', ')} from their first offsets, live view → s3://${TWIN_AWS.lakeBucket}/${REALTIME.lake.liveKey} (log ${logFile})`,
      );
    /** The sign-in provider, the API and the site on one loopback origin, and the storefront collector. */
    const serve = async () => {
      // Loaded only to serve: oidc-provider warns on load that Node 20 is older than it supports, which a --once run need not hear.
      const { apiAuthorizer, siteSignIn, startOidcProvider } = require('../auth/provider') as typeof Provider;
      const identity = await stages.run(
        'sign-in provider',
        async () => {
          const started = await startOidcProvider();
          resources.add('sign-in provider', started.close);
          return started;
        },
        (p) => `${p.issuer} (OpenID Connect, code flow + PKCE, analyst "${p.analyst.username}")`,
      );
      const collector = { route: COLLECTOR_ROUTE, header: WRITE_KEY_HEADER, store: DEMO_STORE, writeKey: `wk_demo_${randomBytes(18).toString('base64url')}`, brokers: broker.bootstrap };
      process.env[WRITE_KEYS_ENV] = JSON.stringify({ [collector.store]: hashWriteKey(collector.writeKey) });
      const accessLogFile = join(logs, 'api-access.log');
      const accessLog = createWriteStream(accessLogFile, { flags: 'a' });
      resources.add('access log', () => new Promise<void>((done) => accessLog.end(done)));
      const server = await stages.run(
        'serve',
        async () => {
          const started = await startLocalServer({
            port: options.port,
            webDir: WEB_DIR,
            // The deployed API handler, its clients on the servers' table and lake bucket.
            lambda: lambda('api', lambdaModule<typeof ApiLambda>('../../lambdas/api/handler').handler),
            runtimeConfig: { apiUrl: '', auth: siteSignIn(identity) },
            // As API Gateway's JWT authorizer in front of the API Lambda.
            auth: apiAuthorizer(identity),
            accessLog: (entry) => accessLog.write(`${JSON.stringify(entry)}\n`),
            // As the HTTP API's POST /events: the deployed collector, checking the store's write key itself.
            collector: lambda('collector', lambdaModule<typeof CollectorLambda>('../../lambdas/collector/handler').handler),
            collectorKeyCheck: lambdaModule<typeof CollectorLambda>('../../lambdas/collector/handler').refuseWithoutKey,
          });
          resources.add('server', started.close);
          await identity.allowSite(started.url);
          return started;
        },
        (s) => `${s.url}, API access log ${accessLogFile}`,
      );
      return { identity, server, collector, accessLogFile };
    };
    // --once prints the summary and stops (the broker is gone by now): nothing is served, so no URL is printed.
    const served = options.once ? undefined : await serve();
    return {
      url: served?.server.url,
      identity: served?.identity,
      stop: () => resources.closeAll(),
      summary: {
        csv,
        generated: csv !== undefined && options.csv === undefined,
        lake,
        upload,
        ingest,
        sink: landed,
        clean: await readJson(at(LAKE.cleanReportKey)),
        load: loaded,
        metrics: await readJson(at(LAKE.metricsKey)),
        exampleUsers: runsPurchases ? await demoCustomers(s3Lake(s3, TWIN_AWS.lakeBucket)) : { users: [], sources: [] },
        behaviour:
          eventsCsv === undefined
            ? undefined
            : { csv: eventsCsv, upload: uploadOf(eventsCsv), ingest: eventsIngest!, sink: landedEvents!, ...(await behaviourOutputs(lake)) },
        timings: stages.timings(),
        signIn: served && { username: served.identity.analyst.username, password: served.identity.analyst.password, accessLog: served.accessLogFile },
        collector: served?.collector,
      },
    };
  } catch (error) {
    await resources.closeAll(print);
    throw error;
  }
}
