/**
 * The Kafka side of ingest: one connection shape for MSK (IAM) and the local
 * broker (PLAINTEXT), an idempotent acks=all producer reused across Lambda
 * invocations, and a sender that keeps one batch in flight while the next is
 * parsed. @platformatic/kafka was chosen over kafkajs and
 * @confluentinc/kafka-javascript by measurement (lambdas/ingest/README.md,
 * "Kafka client"); kafkajs remains the admin client (create-topic).
 */
import { compatibilityPartitioner, Producer, stringSerializers, type ProducerOptions, type RetryDelayGetter } from '@platformatic/kafka';
import { generateAuthToken } from 'aws-msk-iam-sasl-signer-js';
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
 * gzip: on MSK it cuts the bytes counted against the 5 MB/s-per-partition
 * ingress quota about sevenfold, and it is the codec where the Java client
 * has no head start (README, "Kafka client").
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

/** An MSK IAM token, signed locally from the role's credentials: no STS call, no endpoint needed. */
export const mskIamToken = async (region: string): Promise<string> => (await generateAuthToken({ region })).token;

const regionOf = (conn: KafkaConnection): string => {
  if (!conn.region) throw new Error('region is required for IAM auth');
  return conn.region;
};

/** Ten tries, 300 ms doubling to 10 s apart: they ride out a broker restart or an MSK rolling update (~1 min) and still fail the run loudly. */
const RETRIES = 10;
const retryDelay: RetryDelayGetter = (_client, _operation, attempt) => Math.min(300 * 2 ** attempt, 10_000);

/** The producer settings for a connection: the only place IAM and PLAINTEXT differ. */
export function producerOptions(conn: KafkaConnection, compression: Compression = DEFAULT_TUNING.compression): ProducerOptions<string, string, string, string> {
  const common: ProducerOptions<string, string, string, string> = {
    clientId: 'recstream-ingest',
    bootstrapBrokers: conn.brokers,
    connectTimeout: 10_000,
    timeout: 60_000,
    retries: RETRIES,
    retryDelay,
    idempotent: true,
    acks: -1,
    compression,
    // Java's default partitioner (positive murmur2 modulo the partition count), so every client agrees where a user's events go.
    partitioner: compatibilityPartitioner,
    serializers: stringSerializers,
  };
  if (conn.auth === 'plaintext') return common;
  const region = regionOf(conn);
  return { ...common, tls: {}, tlsServerName: true, sasl: { mechanism: 'OAUTHBEARER', token: () => mskIamToken(region) } };
}

type IngestProducer = Producer<string, string, string, string>;
const producers = new Map<string, IngestProducer>();

/**
 * The producer for a connection, created once per container: warm Lambda
 * invocations reuse its connection and skip the TLS + SASL handshake. A
 * producer that failed is dropped (see {@link discardProducer}) so the next
 * run starts clean.
 */
export function sharedProducer(conn: KafkaConnection): IngestProducer {
  const id = JSON.stringify(conn);
  let producer = producers.get(id);
  if (!producer) {
    producer = new Producer(producerOptions(conn));
    producers.set(id, producer);
  }
  return producer;
}

export async function discardProducer(conn: KafkaConnection): Promise<void> {
  const id = JSON.stringify(conn);
  const producer = producers.get(id);
  producers.delete(id);
  await producer?.close().catch(() => undefined);
}

/** Closes every shared producer (tests, the twin's shutdown). */
export async function disconnectAll(): Promise<void> {
  const all = [...producers.values()];
  producers.clear();
  await Promise.all(all.map((p) => p.close().catch(() => undefined)));
}

export interface KafkaRecord {
  key: string;
  value: string;
}

/** Sends one batch; resolves when every record of it is acknowledged by all in-sync replicas. */
export type SendBatch = (records: KafkaRecord[]) => Promise<void>;

/** Compression is chosen per send, so one shared producer serves every tuning. */
export function batchSender(producer: IngestProducer, topic: string, compression: Compression = DEFAULT_TUNING.compression): SendBatch {
  return async (records) => {
    await producer.send({ messages: records.map(({ key, value }) => ({ topic, key, value })), compression });
  };
}

/**
 * Keeps exactly one batch in flight: the next one is parsed while the broker
 * acknowledges the previous. One, not several: the idempotent producer
 * advances its sequence numbers only when a batch is acknowledged, so a
 * second batch in flight reuses them and the broker refuses it as out of
 * order (measured); and a later batch overtaking a retried earlier one would
 * reorder a user's events.
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
