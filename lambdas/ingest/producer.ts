/**
 * The idempotent acks=all producer of ingest's batches. @platformatic/kafka
 * (chosen over kafkajs and @confluentinc/kafka-javascript by measurement)
 * connects, authenticates, keeps metadata and obtains the producer id; the
 * records go out as record batches this project encodes (record-batch.ts) in
 * Produce requests (produce-request.ts) sent on that client's connections,
 * because the client's own encoder was the ceiling (README, "Kafka client").
 */
import { promisify } from 'node:util';
import { gzip as zlibGzip } from 'node:zlib';
import type { Connection, Producer } from '@platformatic/kafka';
import { PRODUCE_TIMEOUT_MS, RESEND_WINDOW_MS, retryDelay } from './client';
import { partitionFor } from './partitioner';
import type { SendBatch } from './pipelined-sender';
import { DUPLICATE_SEQUENCE_NUMBER, errorName, produceV7, retriable, type PartitionBatch } from './produce-request';
import { CODEC_ATTRIBUTE, encodeRecords, nextSequence, recordBatch, type KafkaRecord } from './record-batch';
import { DEFAULT_TUNING, type Compression } from './tuning';

/** Module-local copy: read once per record, and under tsx's CommonJS interop every read of an imported binding is a getter call. */
const partitionOf = partitionFor;

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

/** A partition whose batch the broker did not acknowledge, and whether resending can help. */
type Unacknowledged = { partition: number; reason: string; retriable: boolean };

const gzip = promisify(zlibGzip);

/**
 * Each send groups the records by partition, encodes one record batch per
 * partition, gzips them in libuv's thread pool, and sends one Produce request
 * per partition leader. Sends may overlap: a batch is encoded and compressed
 * while the previous one is on the wire, but batches are delivered strictly
 * in call order, so a user's events stay in order. A failed partition is
 * resent with the same bytes after fresh metadata, so the broker's sequence
 * check keeps it exactly once. Once a send has failed, every later send fails
 * too (their sequence numbers follow the lost batch): discard the producer.
 */
export class IngestProducer {
  /** Per `topic:partition`: the sequence number the next encoded record gets. */
  private readonly sequences = new Map<string, number>();
  private lastEncoded: Promise<unknown> = Promise.resolve();
  private lastDelivered: Promise<void> = Promise.resolve();

  constructor(readonly client: Producer<Buffer, Buffer, Buffer, Buffer>) {}

  /** `deadline` (epoch ms): no resend starts after it, so a run that gave up leaves no retry loop behind. */
  send(topic: string, records: readonly KafkaRecord[], compression: Compression, deadline = Infinity): Promise<void> {
    // Encoding is chained too: sequence numbers are handed out in call order.
    const encoded = this.lastEncoded.then(() => this.encode(topic, records, compression));
    this.lastEncoded = encoded.catch(() => undefined);
    const delivered = Promise.all([encoded, this.lastDelivered]).then(([batches]) => this.deliver(topic, batches, deadline));
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
      [...groupBy(records, (record) => partitionOf(record.key, partitions))].map(async ([partition, list]): Promise<PartitionBatch> => {
        const key = `${topic}:${partition}`;
        const baseSequence = this.sequences.get(key) ?? 0;
        this.sequences.set(key, nextSequence(baseSequence, list.length));
        const section = encodeRecords(list);
        const payload = compression === 'gzip' ? await gzip(section) : section;
        return { partition, count: list.length, bytes: recordBatch(payload, list.length, CODEC_ATTRIBUTE[compression], { producerId, producerEpoch, baseSequence, timestamp }) };
      }),
    );
  }

  /**
   * Sends until every batch is acknowledged, resending what failed retriably
   * for up to {@link RESEND_WINDOW_MS} after the first failure (and never past
   * `deadline`); throws then, or at once on a fatal error.
   */
  private async deliver(topic: string, batches: PartitionBatch[], deadline: number): Promise<void> {
    let pending = batches;
    let firstFailure = 0;
    for (let attempt = 0; ; attempt++) {
      const tried = Date.now();
      const failures = await this.sendToLeaders(topic, pending);
      if (failures.length === 0) return;
      firstFailure ||= tried;
      const fatal = failures.find((f) => !f.retriable);
      const resendAt = Date.now() + retryDelay(attempt);
      if (fatal || resendAt > Math.min(firstFailure + RESEND_WINDOW_MS, deadline)) {
        const { partition, reason } = fatal ?? failures[0];
        const tries = fatal ? '' : ` after ${attempt + 1} tries in ${Math.round((Date.now() - firstFailure) / 1000)} s`;
        throw new Error(`producing to ${topic}:${partition} failed${tries}: ${reason}`);
      }
      this.client.clearMetadata();
      await new Promise((wake) => setTimeout(wake, resendAt - Date.now()));
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

/** Compression and deadline are chosen per send, so one shared producer serves every run. */
export function batchSender(producer: IngestProducer, topic: string, compression: Compression = DEFAULT_TUNING.compression, deadline?: number): SendBatch {
  return (records) => producer.send(topic, records, compression, deadline);
}
