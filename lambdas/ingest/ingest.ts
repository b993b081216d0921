/**
 * Ingest one upload's bytes: stream its lines, validate each row, produce the
 * good ones to Kafka and quarantine the bad ones, account for every line, and
 * close a complete upload with its completion record.
 */
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { PURCHASE_EVENT_VERSION, UPLOAD_COMPLETE, type PurchaseEventV1, type UploadCompleteV1, type UploadKind } from '../../contract';
import { parseEventLine, uploadKindOf } from './event-row';
import { decompressIfGzip, physicalLines } from './lines';
import { RecordAssembler } from './records';
import { PipelinedSender, type SendBatch } from './pipelined-sender';
import { headerProblem, parseLine, type FieldError, type Rejection, type RowOutcome } from './row';
import type { KafkaRecord } from './record-batch';
import { DEFAULT_TUNING, type ProducerTuning } from './tuning';

/** Real rows are ~110 bytes; 8 KiB is far beyond any valid one and bounds memory per line. */
export const MAX_LINE_BYTES = 8192;

export type IngestStatus =
  /** Every line read; each is either acknowledged by Kafka or quarantined, and the completion record is acknowledged. */
  | 'ok'
  /** Bad file (header, or corrupt/truncated gzip): retrying cannot help. No completion record: clean holds back any rows produced. */
  | 'file_rejected'
  /** Kafka or the read failed mid-file: the run must be retried; see README on duplicates. */
  | 'failed';

export interface IngestReport {
  /** `<bucket>/<key>@<etag>`: with `line`, the identity of every produced row. */
  source: string;
  /** What the header says the upload is (contract uploadKindOfHeader); absent when the header is neither. */
  kind?: UploadKind;
  status: IngestStatus;
  error?: string;
  /** Records read: the header, blank lines and the continuation lines of a multi-line record excluded. With status `ok`, read = produced + rejected. */
  read: number;
  /** Rows acknowledged by all in-sync replicas. */
  produced: number;
  rejected: number;
  rejectedByReason: Partial<Record<Rejection['reason'], number>>;
  /** Produced rows that had the export's shifted-columns defect and were moved back (see row.ts). */
  realigned: number;
  /** Empty or all-blank lines: not records, so neither read nor rejected. */
  blankLines: number;
  seconds: number;
}

/** One line of the quarantine object (JSON lines). */
export interface QuarantinedRow {
  /** The record's first physical line. */
  line: number;
  reason: Rejection['reason'];
  message: string;
  /** Every bad field, for rows rejected by their fields (`reason` is the first). */
  errors?: FieldError[];
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
  /** The purchases topic (default TOPIC); events go to `eventsTopic` (default EVENTS_TOPIC). */
  topic?: string;
  eventsTopic?: string;
  /** Epoch ms after which the run stops and fails (the Lambda passes its timeout minus a margin). */
  deadline?: number;
  /** When the object was created: of two complete uploads of one key, the later one counts (default: now). */
  uploadedAt?: Date;
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

/** Sent only after every row of the upload is acknowledged, so it exists only for a complete upload (contract: UploadCompleteV1). */
export const completionRecord = (source: string, rows: number, uploadedAt: Date): KafkaRecord => {
  const record: UploadCompleteV1 = { v: PURCHASE_EVENT_VERSION, control: UPLOAD_COMPLETE, source, rows, uploaded_at: uploadedAt.toISOString() };
  return { key: source, value: JSON.stringify(record) + '\n' };
};

export const toQuarantined = (line: number, bytes: Buffer, { reason, message, errors }: Rejection): QuarantinedRow => {
  const raw = bytes.toString('utf8');
  const row: QuarantinedRow = errors ? { line, reason, message, errors, raw } : { line, reason, message, raw };
  return reason === 'invalid_utf8' ? { ...row, raw_base64: bytes.toString('base64') } : row;
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
  opts: Pick<IngestOptions, 'onProgress' | 'progressEvery' | 'tuning' | 'deadline' | 'uploadedAt'> & {
    /** Where an events upload's rows go (default `send`): the header decides, after `send` was chosen. */
    eventsSend?: SendBatch;
  } = {},
): Promise<IngestReport> {
  const started = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  const { maxBatchBytes, batchesInFlight } = opts.tuning ?? DEFAULT_TUNING;
  const progressEvery = opts.progressEvery ?? 100_000;
  let sender = new PipelinedSender(send, batchesInFlight, opts.deadline);
  const rejectedByReason: Partial<Record<Rejection['reason'], number>> = {};
  let kind: UploadKind | undefined;
  let read = 0;
  let rejected = 0;
  let realigned = 0;
  let blankLines = 0;
  let header = true;
  let batch: KafkaRecord[] = [];
  let batchBytes = 0;
  let nextProgress = progressEvery;

  let produced = -1; // set when the completion record goes out: the sender's count then includes it
  const report = (status: IngestStatus, error?: string): IngestReport => ({
    source,
    ...(kind === undefined ? {} : { kind }),
    status,
    ...(error === undefined ? {} : { error }),
    read,
    produced: produced >= 0 ? produced : sender.acknowledged,
    rejected,
    rejectedByReason,
    realigned,
    blankLines,
    seconds: Math.round(seconds() * 1000) / 1000,
  });

  let bad: QuarantinedRow[] = [];

  const settle = (line: number, bytes: Buffer, outcome: RowOutcome): void => {
    if ('event' in outcome) {
      read++;
      if (outcome.realigned) realigned++;
      const record = toRecord(outcome.event);
      batch.push(record);
      batchBytes += record.value.length + record.key.length;
    } else if ('rejection' in outcome) {
      read++;
      const { reason } = outcome.rejection;
      rejected++;
      rejectedByReason[reason] = (rejectedByReason[reason] ?? 0) + 1;
      bad.push(toQuarantined(line, bytes, outcome.rejection));
    } else if ('record' in outcome) {
      read++;
      batch.push(outcome.record);
      batchBytes += outcome.record.value.length + outcome.record.key.length;
    } else blankLines++;
  };
  let records = new RecordAssembler((bytes, tooLong, line) => parseLine(bytes, tooLong, MAX_LINE_BYTES, source, line), settle, MAX_LINE_BYTES);

  try {
    for await (const lines of physicalLines(decompressIfGzip(chunks), MAX_LINE_BYTES)) {
      for (const physical of lines) {
        if (header) {
          header = false;
          kind = uploadKindOf(physical.bytes) ?? undefined;
          if (kind === undefined) return report('file_rejected', headerProblem(physical.bytes)!);
          if (kind === 'events') {
            records = new RecordAssembler((bytes, tooLong, line) => parseEventLine(bytes, tooLong, MAX_LINE_BYTES, source, line), settle, MAX_LINE_BYTES);
            sender = new PipelinedSender(opts.eventsSend ?? send, batchesInFlight, opts.deadline);
          }
          continue;
        }
        records.take(physical);
        if (batchBytes >= maxBatchBytes) {
          await sender.submit(batch);
          batch = [];
          batchBytes = 0;
        }
        if (read >= nextProgress) {
          nextProgress += progressEvery;
          opts.onProgress?.({ read, produced: sender.acknowledged, rejected, seconds: seconds() });
        }
      }
      if (bad.length > 0) {
        await quarantine.write(bad);
        bad = [];
      }
      if (opts.deadline !== undefined && Date.now() > opts.deadline)
        throw new Error(`out of time after ${read} rows: split the file (see lambdas/ingest/README.md, "largest file")`);
    }
    records.end();
    if (bad.length > 0) await quarantine.write(bad);
    if (header) return report('file_rejected', headerProblem(undefined)!);
    if (batch.length > 0) await sender.submit(batch);
    await sender.drain();
    produced = sender.acknowledged;
    // The behaviour jobs read no completion records (a partial events upload's rows count): only purchases get one.
    if (kind === 'purchases') {
      await sender.submit([completionRecord(source, produced, opts.uploadedAt ?? new Date())]);
      await sender.drain();
    }
    return report('ok');
  } catch (error) {
    const message = (error as Error).message;
    if (!isZlibError(error)) {
      // Settle what is in flight so the report's count of acknowledged rows is exact.
      await sender.drain().catch(() => undefined);
      return report('failed', message);
    }
    // A corrupt or truncated gzip: the rows decoded before the damage are valid and still delivered
    // (clean counts them only if a complete upload of the same source follows: there is no completion record).
    try {
      records.end();
      if (bad.length > 0) await quarantine.write(bad);
      if (batch.length > 0) await sender.submit(batch);
      await sender.drain();
    } catch (sendError) {
      return report('failed', (sendError as Error).message);
    }
    return report('file_rejected', `not a readable gzip file: ${message}`);
  }
}
