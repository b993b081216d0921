/**
 * The Kafka side of ingest: one connection shape for MSK (IAM) and the local
 * broker (PLAINTEXT), an idempotent acks=all producer reused across Lambda
 * invocations, and a sender that keeps one batch in flight while the next is
 * parsed. kafkajs was chosen over @confluentinc/kafka-javascript by
 * measurement (lambdas/ingest/README.md, "Kafka client").
 */
import { generateAuthToken } from 'aws-msk-iam-sasl-signer-js';
import { CompressionTypes, Kafka, logLevel, type KafkaConfig, type Message, type Producer } from 'kafkajs';
import { LAMBDA_ENV } from '../../lib/contract';

export interface KafkaConnection {
  brokers: string[];
  /** `iam`: TLS + SASL/OAUTHBEARER with an MSK IAM token; `plaintext`: the local broker. */
  auth: 'iam' | 'plaintext';
  /** Region the IAM token is signed for; required with `iam`. */
  region?: string;
}

export type Compression = 'none' | 'gzip';

export interface ProducerTuning {
  compression: Compression;
  /**
   * A send is cut at this many bytes of keys + values. Below the topic's
   * default max.message.bytes (1,048,588) even if every row of a batch hashed
   * to one partition, so no batch is ever refused as too large.
   */
  maxBatchBytes: number;
}

/**
 * gzip: as fast as none on the local broker (README; kafkajs compresses on
 * libuv's thread pool), and on MSK it cuts the bytes counted against the
 * 5 MB/s-per-partition ingress quota about sevenfold.
 */
export const DEFAULT_TUNING: ProducerTuning = { compression: 'gzip', maxBatchBytes: 900_000 };

export function connectionFromEnv(env: NodeJS.ProcessEnv = process.env): KafkaConnection {
  const brokers = (env[LAMBDA_ENV.kafkaBrokers] ?? '').split(',').map((b) => b.trim()).filter(Boolean);
  if (brokers.length === 0) throw new Error(`${LAMBDA_ENV.kafkaBrokers} is not set (comma-separated host:port list)`);
  const auth = env[LAMBDA_ENV.kafkaAuth] ?? 'iam';
  if (auth !== 'iam' && auth !== 'plaintext') throw new Error(`${LAMBDA_ENV.kafkaAuth} must be 'iam' or 'plaintext', got '${auth}'`);
  const region = env.AWS_REGION;
  if (auth === 'iam' && !region) throw new Error('AWS_REGION is required for MSK IAM auth');
  return { brokers, auth, region };
}

/** The kafkajs client settings for a connection: the only place IAM and PLAINTEXT differ. */
export function kafkaConfig(conn: KafkaConnection): KafkaConfig {
  const common: KafkaConfig = {
    clientId: 'recstream-ingest',
    brokers: conn.brokers,
    connectionTimeout: 10_000,
    requestTimeout: 60_000,
    logLevel: logLevel.ERROR,
    // Long enough to ride out a broker restart or an MSK rolling update (~1 min), short enough to fail the run loudly.
    retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 10_000 },
  };
  if (conn.auth === 'plaintext') return common;
  const region = conn.region;
  if (!region) throw new Error('region is required for IAM auth');
  return {
    ...common,
    ssl: true,
    sasl: {
      mechanism: 'oauthbearer',
      // Signed locally from the Lambda role's credentials: no STS call, no endpoint needed.
      oauthBearerProvider: async () => ({ value: (await generateAuthToken({ region })).token }),
    },
  };
}

/**
 * Kafka's murmur2 (the Java client's default partitioner hash) with 32-bit
 * integer math. kafkajs ships the same hash on a 64-bit Long emulation that
 * cost ~7% of ingest CPU; the result is identical (a test checks), so every
 * client agrees which partition a user's events go to.
 */
export function murmur2(key: Buffer): number {
  const m = 0x5bd1e995;
  const length = key.length;
  const whole = length & ~3;
  let h = 0x9747b28c ^ length;
  for (let i = 0; i < whole; i += 4) {
    let k = key[i] | (key[i + 1] << 8) | (key[i + 2] << 16) | (key[i + 3] << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    h = Math.imul(h, m) ^ Math.imul(k, m);
  }
  const tail = length & 3;
  if (tail === 3) h ^= key[whole + 2] << 16;
  if (tail >= 2) h ^= key[whole + 1] << 8;
  if (tail >= 1) h = Math.imul(h ^ key[whole], m);
  h ^= h >>> 13;
  h = Math.imul(h, m);
  return h ^ (h >>> 15);
}

/** The Java default partitioner for keyed records: positive murmur2 modulo the partition count. */
export const partitionFor = (key: string, partitions: number): number => (murmur2(Buffer.from(key)) & 0x7fffffff) % partitions;

const producers = new Map<string, Promise<Producer>>();

/**
 * The connected producer for a connection, created once per container: warm
 * Lambda invocations skip the TLS + SASL handshake. A producer that failed is
 * dropped (see {@link discardProducer}) so the next run starts clean.
 */
export function sharedProducer(conn: KafkaConnection): Promise<Producer> {
  const id = JSON.stringify(conn);
  let producer = producers.get(id);
  if (!producer) {
    const created = new Kafka(kafkaConfig(conn)).producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: () => ({ message, partitionMetadata }) => partitionFor(String(message.key), partitionMetadata.length),
    });
    producer = created.connect().then(() => created);
    producer.catch(() => producers.delete(id));
    producers.set(id, producer);
  }
  return producer;
}

export async function discardProducer(conn: KafkaConnection): Promise<void> {
  const id = JSON.stringify(conn);
  const producer = producers.get(id);
  producers.delete(id);
  await producer?.then((p) => p.disconnect()).catch(() => undefined);
}

/** Disconnects every shared producer (tests, the twin's shutdown). */
export async function disconnectAll(): Promise<void> {
  await Promise.all([...producers.values()].map((p) => p.then((x) => x.disconnect()).catch(() => undefined)));
  producers.clear();
}

export type KafkaRecord = Required<Pick<Message, 'key' | 'value'>> & { key: string; value: string };

/** Sends one batch; resolves when every record of it is acknowledged by all in-sync replicas. */
export type SendBatch = (records: KafkaRecord[]) => Promise<void>;

export function batchSender(producer: Producer, topic: string, tuning: ProducerTuning = DEFAULT_TUNING): SendBatch {
  const compression = tuning.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
  return async (messages) => {
    await producer.send({ topic, messages, acks: -1, compression });
  };
}

/**
 * Keeps exactly one batch in flight: the next one is parsed while the broker
 * acknowledges the previous. One, not several, because kafkajs serialises an
 * idempotent producer's requests per broker anyway, and because a later batch
 * overtaking a retried earlier one would reorder a user's events.
 */
export class PipelinedSender {
  private inFlight: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  /** Rows the broker has acknowledged: the only rows a report may call produced. */
  acknowledged = 0;

  constructor(private readonly send: SendBatch) {}

  async submit(records: KafkaRecord[]): Promise<void> {
    await this.drain();
    this.inFlight = this.send(records).then(
      () => {
        this.acknowledged += records.length;
      },
      (error: Error) => {
        this.failure = error;
      },
    );
  }

  /** Waits for the batch in flight; throws the first send failure. */
  async drain(): Promise<void> {
    await this.inFlight;
    if (this.failure) throw this.failure;
  }
}
