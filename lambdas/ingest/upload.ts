/**
 * One upload from start to end, for every adapter (the S3-event handler, the
 * twin's local files): the shared producer, {@link ingestStream}, the report
 * published wherever the adapter keeps it, and after a failed run the
 * producer discarded and {@link IngestFailed} thrown.
 */
import { UPLOAD_KINDS } from '../../contract';
import type { KafkaConnection } from '../shared/kafka-connection';
import { ingestStream, type IngestOptions, type IngestReport, type QuarantineSink } from './ingest';
import { batchSender } from './producer';
import { discardProducer, sharedProducer } from './shared-producers';
import { DEFAULT_TUNING } from './tuning';

/** Thrown after the report was published, so a failed run is loud (Lambda retries it) and still explained. */
export class IngestFailed extends Error {
  constructor(readonly report: IngestReport) {
    super(`ingest of ${report.source} failed after ${report.produced} acknowledged rows: ${report.error}`);
  }
}

export interface Upload {
  chunks: AsyncIterable<Buffer>;
  /** {@link sourceId} of the object version. */
  source: string;
  quarantine: QuarantineSink;
  /** Writes the report beside the upload; called for every run, before a failure is thrown. */
  publish: (report: IngestReport) => Promise<void>;
}

export async function ingestUpload(upload: Upload, conn: KafkaConnection, opts: IngestOptions = {}): Promise<IngestReport> {
  const tuning = opts.tuning ?? DEFAULT_TUNING;
  const sendTo = (topic: string) => batchSender(sharedProducer(conn), topic, tuning.compression, opts.deadline);
  const send = sendTo(opts.topic ?? UPLOAD_KINDS.purchases.topic);
  const eventsSend = sendTo(opts.eventsTopic ?? UPLOAD_KINDS.events.topic);
  const report = await ingestStream(upload.chunks, upload.source, send, upload.quarantine, { ...opts, tuning, eventsSend }).finally(() => upload.quarantine.close());
  await upload.publish(report);
  if (report.status === 'failed') {
    // Its batches may still be waiting on a dead broker; the next run starts on a fresh connection.
    await discardProducer(conn);
    throw new IngestFailed(report);
  }
  return report;
}
