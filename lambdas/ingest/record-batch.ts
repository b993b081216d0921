/**
 * Kafka's record batch (message format v2, the only one brokers since 3.0
 * accept from idempotent producers), written in one pass into one buffer.
 * The general-purpose clients build each record from small buffers and
 * BigInt arithmetic; for ingest's uniform records (string key, string value,
 * no headers, one timestamp per batch) that encoding was a quarter of the run
 * (lambdas/ingest/README.md, "Throughput"). Pure functions: no I/O.
 *
 * Layout: https://kafka.apache.org/documentation/#recordbatch
 */
import { crc32c } from '@platformatic/kafka';

export interface KafkaRecord {
  key: string;
  value: string;
}

/** Attributes bits 0-2: the codec of the records section. */
export const CODEC_ATTRIBUTE = { none: 0, gzip: 1 } as const;

/** Bytes of an unsigned varint. */
const uvarintSize = (n: number): number => (n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5);

function writeUvarint(buf: Buffer, offset: number, n: number): number {
  while (n >= 0x80) {
    buf[offset++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  buf[offset++] = n;
  return offset;
}

/** Kafka's record fields are zigzag varints; every one written here is ≥ 0, so zigzag is ×2. */
const zigzag = (n: number): number => n * 2;

/**
 * The records section: per record its length, attributes 0, timestamp delta
 * 0 (the batch's timestamp), offset delta, key, value and zero headers.
 */
export function encodeRecords(records: readonly KafkaRecord[]): Buffer {
  const keyBytes = new Int32Array(records.length);
  const valueBytes = new Int32Array(records.length);
  const bodyBytes = new Int32Array(records.length);
  let total = 0;
  for (let i = 0; i < records.length; i++) {
    const k = (keyBytes[i] = Buffer.byteLength(records[i].key));
    const v = (valueBytes[i] = Buffer.byteLength(records[i].value));
    const body = 1 + 1 + uvarintSize(zigzag(i)) + uvarintSize(zigzag(k)) + k + uvarintSize(zigzag(v)) + v + 1;
    bodyBytes[i] = body;
    total += uvarintSize(zigzag(body)) + body;
  }
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (let i = 0; i < records.length; i++) {
    at = writeUvarint(out, at, zigzag(bodyBytes[i]));
    out[at++] = 0; // attributes
    out[at++] = 0; // timestamp delta
    at = writeUvarint(out, at, zigzag(i));
    at = writeUvarint(out, at, zigzag(keyBytes[i]));
    at += out.write(records[i].key, at);
    at = writeUvarint(out, at, zigzag(valueBytes[i]));
    at += out.write(records[i].value, at);
    out[at++] = 0; // header count
  }
  return out;
}

export interface BatchIdentity {
  producerId: bigint;
  producerEpoch: number;
  /** The partition's sequence number of the batch's first record: how the broker drops a retried duplicate. */
  baseSequence: number;
  /** Epoch ms, every record's CreateTime. */
  timestamp: number;
}

/** Bytes before the records section. */
const HEADER_BYTES = 61;
/** The CRC covers everything from the attributes on. */
const CRC_FROM = 21;

/**
 * A record batch around a records section (already compressed when
 * `codec` says so), as the Produce request carries it.
 */
export function recordBatch(records: Buffer, count: number, codec: number, id: BatchIdentity): Buffer {
  const batch = Buffer.allocUnsafe(HEADER_BYTES + records.length);
  batch.writeBigInt64BE(0n, 0); // base offset: the broker assigns it
  batch.writeInt32BE(batch.length - 12, 8); // length of what follows this field
  batch.writeInt32BE(-1, 12); // partition leader epoch: set by the broker
  batch.writeInt8(2, 16); // magic
  batch.writeInt16BE(codec, 21); // attributes: CreateTime, not transactional
  batch.writeInt32BE(count - 1, 23); // last offset delta
  batch.writeBigInt64BE(BigInt(id.timestamp), 27); // base timestamp
  batch.writeBigInt64BE(BigInt(id.timestamp), 35); // max timestamp
  batch.writeBigInt64BE(id.producerId, 43);
  batch.writeInt16BE(id.producerEpoch, 51);
  batch.writeInt32BE(id.baseSequence, 53);
  batch.writeInt32BE(count, 57);
  records.copy(batch, HEADER_BYTES);
  batch.writeUInt32BE(crc32c(batch.subarray(CRC_FROM)) >>> 0, 17);
  return batch;
}

const MAX_SEQUENCE = 2 ** 31 - 1;

/** The sequence after `count` records from `sequence`: Kafka wraps it to 0 past 2^31 - 1. */
export const nextSequence = (sequence: number, count: number): number =>
  sequence > MAX_SEQUENCE - count ? count - (MAX_SEQUENCE - sequence) - 1 : sequence + count;
