/**
 * The Produce request ingest sends its own record batches in (v7: Kafka ≥ 2.1;
 * 4.x serves v3-v12; the simplest version that carries idempotent batches),
 * and what the broker's per-partition error codes mean for a resend.
 */
import { createAPI, protocolErrors, protocolErrorsCodesById, Writer, type Reader } from '@platformatic/kafka';

/** A partition's records, encoded once and resent unchanged on retry: same sequence, so the broker drops a duplicate. */
export interface PartitionBatch {
  partition: number;
  count: number;
  bytes: Buffer;
}

export type PartitionOutcome = { partition: number; errorCode: number };

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

/** `produceV7.async(connection, acks, timeoutMs, topic, batches)`: one request to one partition leader. */
export const produceV7 = createAPI<[number, number, string, PartitionBatch[]], PartitionOutcome[]>(0, 7, produceRequest, produceResponse, false, false);

/** The broker already has this batch (a retry of one it appended): as good as an acknowledgement. */
export const DUPLICATE_SEQUENCE_NUMBER = 46;
export const errorName = (code: number): string => protocolErrorsCodesById[code as keyof typeof protocolErrorsCodesById] ?? `error ${code}`;
/** Whether Kafka documents the error as retriable (NOT_LEADER_OR_FOLLOWER, REQUEST_TIMED_OUT, ...). */
export const retriable = (code: number): boolean => (protocolErrors as Record<string, { canRetry: boolean }>)[errorName(code)]?.canRetry ?? false;
