/**
 * One real Apache Kafka broker (KRaft, combined broker + controller) on
 * loopback, from the jars `local/kafka/pom.xml` resolves into target/lib.
 * Tests, benchmarks and the local twin start it here; `tsx local/kafka/broker.ts`
 * starts one from the command line and prints its bootstrap address.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { TOPIC } from '../../contract';
import { adminClient } from '../../lambdas/create-topic/admin-client';
import { ensureTopic as ensureTopicOn, type TopicOutcome, type TopicSpec } from '../../lambdas/create-topic/topic';
import { QUICK_COMPILER } from '../jvm';

export const KAFKA_LIB_DIR = resolve(__dirname, 'target', 'lib');
export const KAFKA_CLASSPATH = `${KAFKA_LIB_DIR}/*`;

export interface KafkaBroker {
  /** `127.0.0.1:PORT`, the PLAINTEXT listener. */
  bootstrap: string;
  port: number;
  dataDir: string;
  /** Stops the JVM (SIGTERM, so producer state and logs are flushed); deletes the data directory if startBroker made it. */
  stop(): Promise<void>;
  /** Stops and starts the same broker: same ports, same data. */
  restart(): Promise<void>;
}

export interface BrokerOptions {
  /** Kept across restarts and after stop; formatted on first use. Default: a temp dir deleted by stop(). */
  dataDir?: string;
  /** PLAINTEXT port; default: a free one. */
  port?: number;
  /** Progress lines (startup, stop); default: silent. */
  log?: (line: string) => void;
  /**
   * A short run (the twin on a small upload): the broker's JVM uses its quick compiler only, which
   * starts it ~0.7 s sooner on 2 busy cores; long or heavy runs keep the optimizing compiler.
   */
  shortLived?: boolean;
}

const STARTUP_TIMEOUT_MS = 120_000;

/** A free loopback port. The tiny race until the JVM binds it is accepted: ports are never hard-coded. */
export const freePort = (): Promise<number> =>
  new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? ok(address.port) : fail(new Error('no port'))));
    });
  });

/**
 * Kafka's cluster id format: 16 random bytes, URL-safe base64 without padding.
 * Like Kafka's own Uuid.randomUuid(), ids starting with '-' are drawn again:
 * the storage tool would read one as an option.
 */
export const newClusterId = (): string => {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
};

const serverProperties = (dataDir: string, port: number, controllerPort: number): string =>
  [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${join(dataDir, 'logs')}`,
    // Topics are created explicitly (ensureTopic), as on MSK Serverless.
    'auto.create.topics.enable=false',
    `num.partitions=${TOPIC.partitions}`,
    // One partition each: the default 50 make a fresh broker's first idempotent producer wait seconds for "coordinator loading".
    'offsets.topic.num.partitions=1',
    'transaction.state.log.num.partitions=1',
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    // Small segments/indexes keep a test broker's disk footprint modest.
    'log.segment.bytes=268435456',
    '',
  ].join('\n');

const log4jConfig = (logFile: string): string =>
  [
    'status = warn',
    'appender.file.type = File',
    'appender.file.name = file',
    `appender.file.fileName = ${logFile}`,
    'appender.file.layout.type = PatternLayout',
    'appender.file.layout.pattern = [%d] %p %m (%c)%n',
    'rootLogger.level = INFO',
    'rootLogger.appenderRef.file.ref = file',
    'logger.kafka.name = kafka',
    'logger.kafka.level = INFO',
    'logger.state.name = state.change.logger',
    'logger.state.level = WARN',
    '',
  ].join('\n');

const JVM_OPTS = ['-Xms256m', '-Xmx512m', '-XX:+UseG1GC', '-Djava.awt.headless=true'];

const javaArgs = (logConfig: string, mainClass: string, args: string[], quick = false): string[] => [
  ...JVM_OPTS,
  ...(quick ? [QUICK_COMPILER] : []),
  `-Dlog4j2.configurationFile=${logConfig}`,
  '-cp',
  KAFKA_CLASSPATH,
  mainClass,
  ...args,
];

const requireJars = (): void => {
  if (!existsSync(join(KAFKA_LIB_DIR, 'kafka_2.13-4.1.0.jar')))
    throw new Error(`Kafka jars missing in ${KAFKA_LIB_DIR}: run bash local/setup.sh (mvn -f local/kafka/pom.xml)`);
};

const format = (dataDir: string, propsFile: string, logConfig: string): void => {
  if (existsSync(join(dataDir, 'logs', 'meta.properties'))) return;
  const result = spawnSync(
    'java',
    // A one-shot tool: never long enough for the optimizing compiler.
    javaArgs(logConfig, 'kafka.tools.StorageTool', ['format', '--config', propsFile, '--cluster-id', newClusterId(), '--ignore-formatted'], true),
    { encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`kafka-storage format failed:\n${result.stdout}\n${result.stderr}`);
};

/**
 * Resolves once the broker serves metadata and its transaction coordinator
 * hands out producer ids (a bound socket is not enough in KRaft, and an
 * idempotent producer arriving earlier gets "coordinator is loading" errors).
 */
const waitUntilServing = async (bootstrap: string, jvm: ChildProcess, logFile: string): Promise<void> => {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  const kafka = new Kafka({ clientId: 'broker-probe', brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, retry: { retries: 1 } });
  try {
    for (;;) {
      if (jvm.exitCode !== null) throw new Error(`Kafka exited with code ${jvm.exitCode} during startup; see ${logFile} and jvm.out`);
      try {
        await admin.connect();
        if ((await admin.describeCluster()).brokers.length > 0) {
          await producer.connect();
          return;
        }
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) throw new Error(`Kafka did not start within ${STARTUP_TIMEOUT_MS / 1000}s; see ${logFile}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  } finally {
    await admin.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
  }
};

/** Kills the JVM when this process dies, even by SIGKILL, so no orphan brokers hold ports on a shared machine. */
const watchdog = (jvmPid: number): ChildProcess => {
  const child = spawn('sh', ['-c', `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${jvmPid} 2>/dev/null; do sleep 1; done; kill ${jvmPid} 2>/dev/null`], {
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
  return child;
};

const waitForExit = (child: ChildProcess, timeoutMs: number): Promise<void> =>
  new Promise((ok) => {
    if (child.exitCode !== null || child.signalCode !== null) return ok();
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      ok();
    });
  });

export async function startBroker(opts: BrokerOptions = {}): Promise<KafkaBroker> {
  requireJars();
  const log = opts.log ?? (() => undefined);
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'recstream-kafka-'));
  const ownsDataDir = opts.dataDir === undefined;
  mkdirSync(dataDir, { recursive: true });
  const port = opts.port ?? (await freePort());
  const controllerPort = await freePort();
  const bootstrap = `127.0.0.1:${port}`;
  const propsFile = join(dataDir, 'server.properties');
  const logConfig = join(dataDir, 'log4j2.properties');
  const logFile = join(dataDir, 'server.log');
  writeFileSync(propsFile, serverProperties(dataDir, port, controllerPort));
  writeFileSync(logConfig, log4jConfig(logFile));
  format(dataDir, propsFile, logConfig);

  let jvm: ChildProcess;
  let guard: ChildProcess;
  const killOnExit = () => {
    jvm.kill('SIGKILL');
    if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
  };

  const launch = async () => {
    const started = Date.now();
    // SLF4J banners and JVM crashes go to a file beside server.log, not into test output.
    const out = openSync(join(dataDir, 'jvm.out'), 'a');
    jvm = spawn('java', javaArgs(logConfig, 'kafka.Kafka', [propsFile], opts.shortLived), { stdio: ['ignore', out, out] });
    closeSync(out);
    guard = watchdog(jvm.pid!);
    process.once('exit', killOnExit);
    try {
      await waitUntilServing(bootstrap, jvm, logFile);
    } catch (error) {
      jvm.kill('SIGKILL'); // never leave a half-started broker holding the ports
      throw error;
    }
    log(`kafka: broker up on ${bootstrap} in ${((Date.now() - started) / 1000).toFixed(1)}s (data ${dataDir})`);
  };

  const halt = async () => {
    process.removeListener('exit', killOnExit);
    jvm.kill('SIGTERM');
    await waitForExit(jvm, 30_000);
    guard.kill();
    log(`kafka: broker on ${bootstrap} stopped`);
  };

  await launch();
  return {
    bootstrap,
    port,
    dataDir,
    stop: async () => {
      await halt();
      // A test broker's log segments reach hundreds of MB; temp dirs must not pile up on a shared machine.
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
    restart: async () => {
      await halt();
      await launch();
    },
  };
}

/**
 * The topic as the deployment's custom resource makes it on MSK: the same
 * function (lambdas/create-topic), here with a PLAINTEXT admin client on the
 * local broker. Idempotent; resolves once the partitions are in the metadata.
 */
export async function ensureTopic(bootstrap: string, topic: TopicSpec = TOPIC): Promise<TopicOutcome> {
  const admin = adminClient({ brokers: [bootstrap], auth: 'plaintext' }, logLevel.NOTHING);
  await admin.connect();
  try {
    return await ensureTopicOn(admin, topic);
  } finally {
    await admin.disconnect();
  }
}

if (require.main === module) {
  startBroker({ dataDir: process.argv[2], log: (line) => console.error(line) })
    .then(async (broker) => {
      await ensureTopic(broker.bootstrap);
      console.log(broker.bootstrap);
      console.error(`kafka: topic '${TOPIC.name}' ready; Ctrl-C stops the broker`);
      const shutdown = () => void broker.stop().then(() => process.exit(0));
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    })
    .catch((error: Error) => {
      console.error(error.message);
      process.exit(1);
    });
}
