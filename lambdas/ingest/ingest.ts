/**
 * Ingest one upload: stream its lines, validate each row, produce the good
 * ones to Kafka and quarantine the bad ones, and account for every line.
 * The Lambda handler and the local twin both call into this module.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { ingestReportKeyFor, quarantineKeyFor, TOPIC, type PurchaseEventV1 } from '../../contract';
import type { KafkaConnection } from '../shared/kafka-connection';
import { decompressIfGzip, physicalLines } from './lines';
import { PipelinedSender, type SendBatch } from './pipelined-sender';
import { batchSender } from './producer';
import { headerProblem, parseLine, type Rejection, type RejectReason } from './row';
import type { KafkaRecord } from './record-batch';
import { discardProducer, sharedProducer } from './shared-producers';
import { DEFAULT_TUNING, type ProducerTuning } from './tuning';

/** Real rows are ~110 bytes; 8 KiB is far beyond any valid one and bounds memory per line. */
export const MAX_LINE_BYTES = 8192;

export type IngestStatus =
  /** Every line read; each is either acknowledged by Kafka or quarantined. */
  | 'ok'
  /** Bad file (header, or corrupt/truncated gzip): retrying cannot help. */
  | 'file_rejected'
  /** Kafka or the read failed mid-file: the run must be retried; see README on duplicates. */
  | 'failed';

export interface IngestReport {
  /** `<bucket>/<key>@<etag>`: with `line`, the identity of every produced row. */
  source: string;
  status: IngestStatus;
  error?: string;
  /** Data lines read (the header excluded). With status `ok`, read = produced + rejected. */
  read: number;
  /** Rows acknowledged by all in-sync replicas. */
  produced: number;
  rejected: number;
  rejectedByReason: Partial<Record<RejectReason, number>>;
  /** Produced rows that had the export's shifted-columns defect and were moved back (see row.ts). */
  realigned: number;
  seconds: number;
}

/** One line of the quarantine object (JSON lines). */
export interface QuarantinedRow {
  line: number;
  reason: RejectReason;
  message: string;
  /** The line as UTF-8 text (U+FFFD where it is not valid UTF-8). */
  raw: string;
  /** The exact bytes, only when they are not valid UTF-8, so nothing is lost. */
  raw_base64?: string;
}

export interface IngestProgress {
  read: number;
  produced: number;
  rejected: number;
  seconds: number;
}

export interface IngestOptions {
  onProgress?: (progress: IngestProgress) => void;
  /** Rows between progress callbacks. */
  progressEvery?: number;
  tuning?: ProducerTuning;
  topic?: string;
  /** Epoch ms after which the run stops and fails (the Lambda passes its timeout minus a margin). */
  deadline?: number;
}

/** The source id of an object version: a changed re-upload (new ETag) is a new source, a re-delivery is not. */
export const sourceId = (bucket: string, key: string, etag: string): string => `${bucket}/${key}@${etag.replace(/"/g, '')}`;

/** Where quarantined rows go, in order; `close` resolves once they are durable. */
export interface QuarantineSink {
  write(rows: QuarantinedRow[]): Promise<void>;
  close(): Promise<void>;
}

/** A JSON-lines file sink with backpressure (the Lambda uploads the file afterwards). */
export function quarantineFile(path: string): QuarantineSink {
  const out: WriteStream = createWriteStream(path);
  return {
    write: async (rows) => {
      if (!out.write(rows.map((r) => JSON.stringify(r)).join('\n') + '\n')) await once(out, 'drain');
    },
    close: () => new Promise((ok, fail) => out.end((error?: Error | null) => (error ? fail(error) : ok()))),
  };
}

/** The Kafka record of an event: JSON ending with `\n` (Firehose adds no delimiter), keyed so one user's events stay in one partition, in order. */
export const toRecord = (event: PurchaseEventV1): KafkaRecord => ({ key: event.user_id ?? event.order_id, value: JSON.stringify(event) + '\n' });

export const toQuarantined = (line: number, bytes: Buffer, { reason, message }: Rejection): QuarantinedRow => {
  const raw = bytes.toString('utf8');
  return reason === 'invalid_utf8' ? { line, reason, message, raw, raw_base64: bytes.toString('base64') } : { line, reason, message, raw };
};

const isZlibError = (error: unknown): boolean => typeof (error as { code?: unknown })?.code === 'string' && (error as { code: string }).code.startsWith('Z_');

/**
 * The core: bytes in, records out to `send`, rejects to `quarantine`. Never
 * throws for bad input; the report's status says how the run ended.
 */
export async function ingestStream(
  chunks: AsyncIterable<Buffer>,
  source: string,
  send: SendBatch,
  quarantine: QuarantineSink,
  opts: Pick<IngestOptions, 'onProgress' | 'progressEvery' | 'tuning' | 'deadline'> = {},
): Promise<IngestReport> {
  const started = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  const { maxBatchBytes, batchesInFlight } = opts.tuning ?? DEFAULT_TUNING;
  const progressEvery = opts.progressEvery ?? 100_000;
  const sender = new PipelinedSender(send, batchesInFlight);
  const rejectedByReason: Partial<Record<RejectReason, number>> = {};
  let read = 0;
  let rejected = 0;
  let realigned = 0;
  let header = true;
  let batch: KafkaRecord[] = [];
  let batchBytes = 0;
  let nextProgress = progressEvery;

  const report = (status: IngestStatus, error?: string): IngestReport => ({
    source,
    status,
    ...(error === undefined ? {} : { error }),
    read,
    produced: sender.acknowledged,
    rejected,
    rejectedByReason,
    realigned,
    seconds: Math.round(seconds() * 1000) / 1000,
  });

  try {
    for await (const lines of physicalLines(decompressIfGzip(chunks), MAX_LINE_BYTES)) {
      const bad: QuarantinedRow[] = [];
      for (const { line, bytes, tooLong } of lines) {
        if (header) {
          header = false;
          const problem = headerProblem(bytes);
          if (problem) return report('file_rejected', problem);
          continue;
        }
        read++;
        const outcome = parseLine(bytes, tooLong, MAX_LINE_BYTES, source, line);
        if ('event' in outcome) {
          if (outcome.realigned) realigned++;
          const record = toRecord(outcome.event);
          batch.push(record);
          batchBytes += record.value.length + record.key.length;
          if (batchBytes >= maxBatchBytes) {
            await sender.submit(batch);
            batch = [];
            batchBytes = 0;
          }
        } else {
          const { reason } = outcome.rejection;
          rejected++;
          rejectedByReason[reason] = (rejectedByReason[reason] ?? 0) + 1;
          bad.push(toQuarantined(line, bytes, outcome.rejection));
        }
        if (read >= nextProgress) {
          nextProgress += progressEvery;
          opts.onProgress?.({ read, produced: sender.acknowledged, rejected, seconds: seconds() });
        }
      }
      if (bad.length > 0) await quarantine.write(bad);
      if (opts.deadline !== undefined && Date.now() > opts.deadline)
        throw new Error(`out of time after ${read} rows: split the file (see lambdas/ingest/README.md, "largest file")`);
    }
    if (header) return report('file_rejected', headerProblem(undefined)!);
    if (batch.length > 0) await sender.submit(batch);
    await sender.drain();
    return report('ok');
  } catch (error) {
    const message = (error as Error).message;
    if (!isZlibError(error)) {
      // Settle what is in flight so the report's count of acknowledged rows is exact.
      await sender.drain().catch(() => undefined);
      return report('failed', message);
    }
    // A corrupt or truncated gzip: the rows decoded before the damage are valid and still delivered.
    try {
      if (batch.length > 0) await sender.submit(batch);
      await sender.drain();
    } catch (sendError) {
      return report('failed', (sendError as Error).message);
    }
    return report('file_rejected', `not a readable gzip file: ${message}`);
  }
}

/** Thrown after the report was written, so a failed run is loud (Lambda retries it) and still explained. */
export class IngestFailed extends Error {
  constructor(readonly report: IngestReport) {
    super(`ingest of ${report.source} failed after ${report.produced} acknowledged rows: ${report.error}`);
  }
}

/** The S3 ETag of a single-part upload is the MD5 of its bytes; a local file gets the same identity. */
async function md5Of(path: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Ingests a local file as if it had been uploaded as `<bucket>/<key>`
 * (default `local/<file name>`), writing the quarantine and report files
 * beside it with the same names as in the landing bucket. Resolves with the
 * report unless the run failed, which throws {@link IngestFailed}.
 */
export async function ingestFile(
  path: string,
  conn: KafkaConnection,
  opts: IngestOptions & { bucket?: string; key?: string } = {},
): Promise<IngestReport> {
  const source = sourceId(opts.bucket ?? 'local', opts.key ?? basename(path), await md5Of(path));
  const tuning = opts.tuning ?? DEFAULT_TUNING;
  const send = batchSender(sharedProducer(conn), opts.topic ?? TOPIC.name, tuning.compression);
  const quarantine = quarantineFile(quarantineKeyFor(path));
  const report = await ingestStream(createReadStream(path, { highWaterMark: 1 << 20 }), source, send, quarantine, { ...opts, tuning }).finally(() => quarantine.close());
  await writeFile(ingestReportKeyFor(path), JSON.stringify(report, null, 2) + '\n');
  if (report.status === 'failed') {
    await discardProducer(conn);
    throw new IngestFailed(report);
  }
  return report;
}
