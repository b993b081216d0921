/**
 * The twin's Amazon Data Firehose (one per topic, as one delivery stream per
 * topic is deployed): consumes a topic as a consumer group, buffers record values up to 5 MiB (uncompressed, as Firehose counts)
 * or the buffer interval, and lands each buffer as one gzip JSON-lines object
 * under Firehose's key layout in a local lake folder, below the topic's
 * `rawPrefix` in the contract's TOPICS (raw/purchases/, raw/events/).
 *
 * Delivery is at-least-once: offsets are committed only after an object is
 * durably on disk (temp file, fsync, rename). A crash between the two re-reads
 * the uncommitted records on restart, so an object's rows may land twice; the
 * Spark clean job drops the copies on (source, line).
 */
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { type Consumer, type EachBatchPayload, Kafka, logLevel } from 'kafkajs';
import { FIREHOSE_BUFFER, LAKE, TOPIC, TOPICS } from '../../contract';
import { writeDurably } from './durable';
import { firehoseKey } from './keys';

const gzip = promisify(gzipCallback);
const MiB = 1024 * 1024;

export interface SinkOptions {
  brokers: string[];
  /** The lake folder; objects go under the topic's TOPICS `rawPrefix` inside it (LAKE.rawPrefix for a topic not in TOPICS, as tests use). */
  lake: string;
  topic?: string;
  /** Default: one group per topic, so two sinks in one process never share partitions. */
  groupId?: string;
  /** Appears in object names, as the delivery stream's name does. */
  streamName?: string;
  bufferBytes?: number;
  intervalMs?: number;
  onObject?: (object: LandedObject, totals: SinkTotals) => void;
}

export interface LandedObject {
  key: string;
  rows: number;
  bytes: number;
  compressedBytes: number;
}

export interface SinkTotals {
  objects: number;
  rows: number;
  bytes: number;
  compressedBytes: number;
}

export interface Sink {
  totals(): SinkTotals;
  /** Resolves once every record on the topic right now is in a durable, committed object. */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

export const SINK_DEFAULTS = {
  groupId: 'recstream-firehose',
  streamName: 'recstream-local',
  bufferBytes: FIREHOSE_BUFFER.sizeMiB * MiB,
  intervalMs: FIREHOSE_BUFFER.intervalSeconds * 1000,
} as const;

/** Records waiting for the next object, and how far each partition has been read. */
class PendingRecords {
  values: Buffer[] = [];
  bytes = 0;
  firstAt = 0;
  /** partition -> next offset after the last buffered record */
  readonly ends = new Map<number, bigint>();

  add(partition: number, offset: string, value: Buffer): void {
    if (this.values.length === 0) this.firstAt = Date.now();
    this.values.push(value);
    this.bytes += value.length;
    this.ends.set(partition, BigInt(offset) + 1n);
  }

  take(): { body: Buffer; rows: number; ends: Map<number, bigint> } {
    const taken = { body: Buffer.concat(this.values), rows: this.values.length, ends: new Map(this.ends) };
    this.values = [];
    this.bytes = 0;
    this.ends.clear();
    return taken;
  }
}

export const startSink = async (options: SinkOptions): Promise<Sink> => {
  const topic = options.topic ?? TOPIC.name;
  const landing = TOPICS.find((t) => t.name === topic);
  const rawPrefix = landing?.rawPrefix ?? LAKE.rawPrefix;
  const groupId = options.groupId ?? (topic === TOPIC.name ? SINK_DEFAULTS.groupId : `${SINK_DEFAULTS.groupId}-${topic}`);
  const streamName = options.streamName ?? SINK_DEFAULTS.streamName;
  const bufferBytes = options.bufferBytes ?? SINK_DEFAULTS.bufferBytes;
  const intervalMs = options.intervalMs ?? SINK_DEFAULTS.intervalMs;
  // kafkajs logs retried, transient errors (a coordinator still loading) as ERROR; real failures surface below.
  const kafka = new Kafka({ clientId: `${streamName}-sink`, brokers: options.brokers, logLevel: logLevel.NOTHING });
  // A fetch waits at most maxWaitTimeInMs for records, and stop() waits for the fetch in flight:
  // kafkajs's 5 s default made every twin run pause 5 s per sink at shutdown.
  const consumer: Consumer = kafka.consumer({ groupId, maxBytes: 16 * MiB, maxWaitTimeInMs: 500 });
  const admin = kafka.admin();
  const buffer = new PendingRecords();
  const totals: SinkTotals = { objects: 0, rows: 0, bytes: 0, compressedBytes: 0 };
  /** partition -> next offset that is safely in an object */
  const landed = new Map<number, bigint>();
  let failure: unknown = null;

  // Flushes run one at a time: the batch loop and the interval timer both trigger them.
  let queue: Promise<void> = Promise.resolve();
  const serial = (work: () => Promise<void>): Promise<void> => {
    const run = queue.then(work);
    queue = run.catch((error) => {
      failure ??= error;
    });
    return run;
  };

  const flush = (): Promise<void> =>
    serial(async () => {
      if (buffer.values.length === 0) return;
      const { body, rows, ends } = buffer.take();
      const compressed = await gzip(body);
      const key = firehoseKey(rawPrefix, streamName, new Date());
      await writeDurably(join(options.lake, key), compressed);
      await consumer.commitOffsets([...ends].map(([partition, offset]) => ({ topic, partition, offset: offset.toString() })));
      for (const [partition, offset] of ends) landed.set(partition, offset);
      totals.objects++;
      totals.rows += rows;
      totals.bytes += body.length;
      totals.compressedBytes += compressed.length;
      options.onObject?.({ key, rows, bytes: body.length, compressedBytes: compressed.length }, { ...totals });
    });

  const eachBatch = async ({ batch, resolveOffset, heartbeat }: EachBatchPayload): Promise<void> => {
    for (const message of batch.messages) {
      const value = message.value ?? Buffer.alloc(0);
      // Firehose closes an object before the record that would overflow it.
      if (buffer.bytes > 0 && buffer.bytes + value.length > bufferBytes) await flush();
      buffer.add(batch.partition, message.offset, value);
      // Resolving moves the in-memory fetch position only; autoCommit is off.
      resolveOffset(message.offset);
    }
    await heartbeat();
  };

  await admin.connect();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) failure ??= payload.error;
  });
  await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch });
  const timer = setInterval(() => {
    if (buffer.values.length > 0 && Date.now() - buffer.firstAt >= intervalMs) void flush().catch(() => {});
  }, Math.min(1000, intervalMs));

  /**
   * Where the topic stands for this group: `landed` when every record up to
   * each high watermark is in a committed object (this run or an earlier one),
   * `read` when every such record is at least in the buffer.
   */
  const coverage = async (): Promise<{ landed: boolean; read: boolean }> => {
    const [highs, committed] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId, topics: [topic] }),
    ]);
    const committedOf = new Map(committed[0]?.partitions.map((p) => [p.partition, BigInt(p.offset)]) ?? []);
    const max = (...values: (bigint | undefined)[]) => values.reduce<bigint>((m, v) => (v !== undefined && v > m ? v : m), -1n);
    const parts = highs.map(({ partition, high, low }) => {
      const done = max(landed.get(partition), committedOf.get(partition), BigInt(low));
      return { high: BigInt(high), done, read: max(done, buffer.ends.get(partition)) };
    });
    return { landed: parts.every((p) => p.done >= p.high), read: parts.every((p) => p.read >= p.high) };
  };

  return {
    totals: () => ({ ...totals }),
    drain: async () => {
      for (;;) {
        if (failure) throw failure;
        const { landed: allLanded, read } = await coverage();
        if (allLanded) return;
        if (read && buffer.values.length > 0) await flush();
        else await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    stop: async () => {
      clearInterval(timer);
      await queue;
      await consumer.disconnect();
      await admin.disconnect();
    },
  };
};
