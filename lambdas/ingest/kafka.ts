/**
 * The Kafka side of ingest: one connection shape for MSK (IAM) and the local
 * broker (PLAINTEXT), an idempotent acks=all producer reused across Lambda
 * invocations, and a sender that keeps batches flowing while the next is
 * parsed. @platformatic/kafka (chosen over kafkajs and
 * @confluentinc/kafka-javascript by measurement) connects, authenticates,
 * keeps metadata and obtains the producer id; the records go out as record
 * batches this project encodes (record-batch.ts) in Produce requests sent on
 * that client's connections, because the client's own encoder was the
 * ceiling (lambdas/ingest/README.md, "Kafka client"). kafkajs remains the
 * admin client (create-topic).
 */
import { promisify } from 'node:util';
import { gzip as zlibGzip } from 'node:zlib';
import { createAPI, Producer, protocolErrors, protocolErrorsCodesById, Writer, type Connection, type ProducerOptions, type Reader } from '@platformatic/kafka';
import { generateAuthToken } from 'aws-msk-iam-sasl-signer-js';
import { LAMBDA_ENV } from '../../contract';
import { CODEC_ATTRIBUTE, encodeRecords, nextSequence, recordBatch, type KafkaRecord } from './record-batch';

export type { KafkaRecord } from './record-batch';

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
  /** Batches outstanding at once (one on the wire, the next being compressed); see {@link PipelinedSender}. */
  batchesInFlight: number;
}

/**
 * gzip: on MSK it cuts the bytes counted against the 5 MB/s-per-partition
 * ingress quota about sevenfold, and it is the codec where the Java client
 * has no head start (README, "Kafka client").
 */
export const DEFAULT_TUNING: ProducerTuning = { compression: 'gzip', maxBatchBytes: 900_000, batchesInFlight: 2 };

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
const retryDelay = (attempt: number): number => Math.min(300 * 2 ** attempt, 10_000);
/** How long the broker may wait for the in-sync replicas (acks=all) before answering REQUEST_TIMED_OUT. */
const PRODUCE_TIMEOUT_MS = 30_000;

/**
 * The client settings for a connection: the only place IAM and PLAINTEXT
 * differ. The platformatic client connects, authenticates, keeps metadata and
 * gets the idempotent producer id; records are sent by {@link IngestProducer}.
 */
export function clientOptions(conn: KafkaConnection): ProducerOptions<Buffer, Buffer, Buffer, Buffer> {
  const common: ProducerOptions<Buffer, Buffer, Buffer, Buffer> = {
    clientId: 'recstream-ingest',
    bootstrapBrokers: conn.brokers,
    connectTimeout: 10_000,
    requestTimeout: PRODUCE_TIMEOUT_MS + 10_000,
    retries: RETRIES,
    retryDelay: (_client, _operation, attempt) => retryDelay(attempt),
    idempotent: true,
    acks: -1,
  };
  if (conn.auth === 'plaintext') return common;
  const region = regionOf(conn);
  return { ...common, tls: {}, tlsServerName: true, sasl: { mechanism: 'OAUTHBEARER', token: () => mskIamToken(region) } };
}

const M = 0x5bd1e995;

/** Reused for every key: ingest hashes a million keys per file, and a Buffer each was measurable. */
const keyScratch = Buffer.allocUnsafe(1024);

/** Kafka's murmur2 (Java's `Utils.murmur2`, seed 0x9747b28c) of a key's UTF-8 bytes. */
export function murmur2(key: string): number {
  const fits = key.length * 3 <= keyScratch.length;
  const bytes = fits ? keyScratch : Buffer.from(key, 'utf8');
  const length = fits ? keyScratch.write(key) : bytes.length;
  let h = 0x9747b28c ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const tail = length & 3;
  if (tail > 0) {
    if (tail === 3) h ^= bytes[whole + 2] << 16;
    if (tail >= 2) h ^= bytes[whole + 1] << 8;
    h ^= bytes[whole];
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition of a key, as Java's default partitioner computes it (positive murmur2 modulo the count), so every client agrees where a user's events go. */
export const partitionFor = (key: string, partitions: number): number => (murmur2(key) & 0x7fffffff) % partitions;

function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

/** A partition's records, encoded once and resent unchanged on retry: same sequence, so the broker drops a duplicate. */
interface PartitionBatch {
  partition: number;
  count: number;
  bytes: Buffer;
}

type PartitionOutcome = { partition: number; errorCode: number };

/** A partition whose batch the broker did not acknowledge, and whether resending can help. */
type Unacknowledged = { partition: number; reason: string; retriable: boolean };

/* Produce v7 (Kafka ≥ 2.1; 4.x serves v3-v12): the request carries the batches as encoded above. */
const produceRequest = (acks: number, timeoutMs: number, topic: string, batches: PartitionBatch[]): Writer =>
  Writer.create()
    .appendString(null, false)
    .appendInt16(acks)
    .appendInt32(timeoutMs)
    .appendArray(
      [topic],
      (w, name) => w.appendString(name, false).appendArray(batches, (p, b) => p.appendInt32(b.partition).appendInt32(b.bytes.length).append(b.bytes), false, false),
      false,
      false,
    );

const produceResponse = (_correlationId: number, _apiKey: number, _apiVersion: number, reader: Reader): PartitionOutcome[] => {
  const outcomes = reader.readArray(
    (r) => {
      r.readString(false);
      return r.readArray(
        (p) => {
          const outcome = { partition: p.readInt32(), errorCode: p.readInt16() };
          p.readInt64(); // base offset
          p.readInt64(); // log append time
          p.readInt64(); // log start offset
          return outcome;
        },
        false,
        false,
      );
    },
    false,
    false,
  );
  reader.readInt32(); // throttle time: the broker has already delayed the response by it
  return outcomes.flat();
};

const produceV7 = createAPI<[number, number, string, PartitionBatch[]], PartitionOutcome[]>(0, 7, produceRequest, produceResponse, false, false);

/** The broker already has this batch (a retry of one it appended): as good as an acknowledgement. */
const DUPLICATE_SEQUENCE_NUMBER = 46;
const errorName = (code: number): string => protocolErrorsCodesById[code as keyof typeof protocolErrorsCodesById] ?? `error ${code}`;
const retriable = (code: number): boolean => (protocolErrors as Record<string, { canRetry: boolean }>)[errorName(code)]?.canRetry ?? false;

const gzip = promisify(zlibGzip);

/**
 * An idempotent acks=all producer for ingest's batches. Each send groups the
 * records by partition, encodes one record batch per partition
 * (record-batch.ts), gzips them in libuv's thread pool, and sends one Produce
 * request per partition leader. Sends may overlap: a batch is encoded and
 * compressed while the previous one is on the wire, but batches are
 * delivered strictly in call order, so a user's events stay in order. A
 * failed partition is resent with the same bytes after fresh metadata, so the
 * broker's sequence check keeps it exactly once. Once a send has failed,
 * every later send fails too (their sequence numbers follow the lost batch):
 * discard the producer.
 */
export class IngestProducer {
  /** Per `topic:partition`: the sequence number the next encoded record gets. */
  private readonly sequences = new Map<string, number>();
  private lastEncoded: Promise<unknown> = Promise.resolve();
  private lastDelivered: Promise<void> = Promise.resolve();

  constructor(readonly client: Producer<Buffer, Buffer, Buffer, Buffer>) {}

  send(topic: string, records: readonly KafkaRecord[], compression: Compression): Promise<void> {
    // Encoding is chained too: sequence numbers are handed out in call order.
    const encoded = this.lastEncoded.then(() => this.encode(topic, records, compression));
    this.lastEncoded = encoded.catch(() => undefined);
    const delivered = Promise.all([encoded, this.lastDelivered]).then(([batches]) => this.deliver(topic, batches));
    this.lastDelivered = delivered;
    return delivered;
  }

  private async encode(topic: string, records: readonly KafkaRecord[], compression: Compression): Promise<PartitionBatch[]> {
    const { producerId, producerEpoch } =
      this.client.producerId === undefined ? await this.client.initIdempotentProducer({}) : { producerId: this.client.producerId, producerEpoch: this.client.producerEpoch! };
    const metadata = await this.client.metadata({ topics: [topic] });
    const partitions = metadata.topics.get(topic)!.partitionsCount;
    const timestamp = Date.now();
    return Promise.all(
      [...groupBy(records, (record) => partitionFor(record.key, partitions))].map(async ([partition, list]): Promise<PartitionBatch> => {
        const key = `${topic}:${partition}`;
        const baseSequence = this.sequences.get(key) ?? 0;
        this.sequences.set(key, nextSequence(baseSequence, list.length));
        const section = encodeRecords(list);
        const payload = compression === 'gzip' ? await gzip(section) : section;
        return { partition, count: list.length, bytes: recordBatch(payload, list.length, CODEC_ATTRIBUTE[compression], { producerId, producerEpoch, baseSequence, timestamp }) };
      }),
    );
  }

  /** Sends until every batch is acknowledged, retrying what failed retriably; throws after the last try or on a fatal error. */
  private async deliver(topic: string, batches: PartitionBatch[]): Promise<void> {
    let pending = batches;
    for (let attempt = 0; ; attempt++) {
      const failures = await this.sendToLeaders(topic, pending);
      if (failures.length === 0) return;
      const fatal = failures.find((f) => !f.retriable);
      if (fatal || attempt >= RETRIES) {
        const { partition, reason } = fatal ?? failures[0];
        throw new Error(`producing to ${topic}:${partition} failed${fatal ? '' : ` after ${attempt + 1} tries`}: ${reason}`);
      }
      this.client.clearMetadata();
      await new Promise((wake) => setTimeout(wake, retryDelay(attempt)));
      const failed = new Set(failures.map((f) => f.partition));
      pending = pending.filter((b) => failed.has(b.partition));
    }
  }

  /** One Produce request per leader, all at once; the partitions that were not acknowledged and why. */
  private async sendToLeaders(topic: string, batches: PartitionBatch[]): Promise<Unacknowledged[]> {
    let leaders: Map<number, PartitionBatch[]>;
    let connections: Map<number, Connection>;
    try {
      const { partitions } = (await this.client.metadata({ topics: [topic] })).topics.get(topic)!;
      leaders = groupBy(batches, (batch) => partitions[batch.partition].leader);
      connections = await this.client.connectToBrokers([...leaders.keys()]);
    } catch (error) {
      return batches.map((b) => ({ partition: b.partition, reason: (error as Error).message, retriable: true }));
    }
    const results = await Promise.all(
      [...leaders].map(async ([leader, mine]): Promise<Unacknowledged[]> => {
        const unacknowledged = (reason: string) => mine.map((b) => ({ partition: b.partition, reason, retriable: true }));
        const connection = connections.get(leader);
        if (!connection) return unacknowledged(`leader ${leader} is not among the brokers the metadata lists`);
        let codes: Map<number, number>;
        try {
          codes = new Map((await produceV7.async(connection, -1, PRODUCE_TIMEOUT_MS, topic, mine)).map((o) => [o.partition, o.errorCode]));
        } catch (error) {
          // The connection failed mid-request: whether the broker appended is unknown, and the resend's sequence settles it.
          return unacknowledged((error as Error).message);
        }
        return mine.flatMap((b) => {
          const code = codes.get(b.partition);
          if (code === 0 || code === DUPLICATE_SEQUENCE_NUMBER) return [];
          return [code === undefined ? { partition: b.partition, reason: 'missing from the response', retriable: true } : { partition: b.partition, reason: errorName(code), retriable: retriable(code) }];
        });
      }),
    );
    return results.flat();
  }
}

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
    producer = new IngestProducer(new Producer(clientOptions(conn)));
    producers.set(id, producer);
  }
  return producer;
}

export async function discardProducer(conn: KafkaConnection): Promise<void> {
  const id = JSON.stringify(conn);
  const producer = producers.get(id);
  producers.delete(id);
  await producer?.client.close().catch(() => undefined);
}

/** Closes every shared producer (tests, the twin's shutdown). */
export async function disconnectAll(): Promise<void> {
  const all = [...producers.values()];
  producers.clear();
  await Promise.all(all.map((p) => p.client.close().catch(() => undefined)));
}

/** Sends one batch; resolves when every record of it is acknowledged by all in-sync replicas. */
export type SendBatch = (records: KafkaRecord[]) => Promise<void>;

/** Compression is chosen per send, so one shared producer serves every tuning. */
export function batchSender(producer: IngestProducer, topic: string, compression: Compression = DEFAULT_TUNING.compression): SendBatch {
  return (records) => producer.send(topic, records, compression);
}

/**
 * Keeps up to `depth` batches outstanding while the next one is parsed, and
 * counts what the broker acknowledged. Above 1 the `send` must deliver
 * overlapping batches in call order, as {@link IngestProducer} does.
 */
export class PipelinedSender {
  private readonly outstanding: Promise<void>[] = [];
  private failure: Error | undefined;
  /** Rows the broker has acknowledged: the only rows a report may call produced. */
  acknowledged = 0;

  constructor(
    private readonly send: SendBatch,
    private readonly depth = 1,
  ) {}

  async submit(records: KafkaRecord[]): Promise<void> {
    while (this.outstanding.length >= this.depth) await this.outstanding.shift();
    if (this.failure) throw this.failure;
    this.outstanding.push(
      this.send(records).then(
        () => {
          this.acknowledged += records.length;
        },
        (error: Error) => {
          this.failure ??= error;
        },
      ),
    );
  }

  /** Waits for every outstanding batch; throws the first send failure. */
  async drain(): Promise<void> {
    await Promise.all(this.outstanding.splice(0));
    if (this.failure) throw this.failure;
  }
}
