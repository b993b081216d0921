/**
 * The twin's and tests' way to ingest a local file as the Lambda ingests an
 * upload: the same {@link ingestUpload}, with the quarantine and report
 * written beside the file under the names they get in the landing bucket.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { ingestReportKeyFor, quarantineKeyFor } from '../../contract';
import { quarantineFile, sourceId, type IngestOptions, type IngestReport } from '../../lambdas/ingest/ingest';
import { ingestUpload } from '../../lambdas/ingest/upload';
import type { KafkaConnection } from '../../lambdas/shared/kafka-connection';

/** The S3 ETag of a single-part upload is the MD5 of its bytes; a local file gets the same identity. */
async function md5Of(path: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Ingests a local file as if it had been uploaded as `<bucket>/<key>`
 * (default `local/<file name>`). Resolves with the report unless the run
 * failed, which throws {@link IngestFailed} after writing the report.
 */
export async function ingestFile(path: string, conn: KafkaConnection, opts: IngestOptions & { bucket?: string; key?: string } = {}): Promise<IngestReport> {
  const source = sourceId(opts.bucket ?? 'local', opts.key ?? basename(path), await md5Of(path));
  const upload = {
    chunks: createReadStream(path, { highWaterMark: 1 << 20 }),
    source,
    quarantine: quarantineFile(quarantineKeyFor(path)),
    publish: (report: IngestReport) => writeFile(ingestReportKeyFor(path), JSON.stringify(report, null, 2) + '\n'),
  };
  return ingestUpload(upload, conn, { uploadedAt: (await stat(path)).mtime, ...opts });
}
