/**
 * S3 ObjectCreated → ingest. Only adapts the event: the object's stream goes
 * into the same domain code the local twin runs, and the quarantine and
 * report land beside the upload.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Context, S3Event } from 'aws-lambda';
import { ingestReportKeyFor, quarantineKeyFor, UPLOAD_SUFFIXES } from '../../contract';
import { quarantineFile, sourceId, type IngestReport } from './ingest';
import { connectionFromEnv } from '../shared/kafka-connection';
import { ingestUpload } from './upload';

const s3 = new S3Client({});

/** Event keys are URL-encoded with `+` for spaces. */
const decodeKey = (key: string): string => decodeURIComponent(key.replace(/\+/g, ' '));

/** Our own outputs (`.report.json`, `.rejected.jsonl`) land in the same bucket: never ingest them. */
const isUpload = (key: string): boolean => UPLOAD_SUFFIXES.some((suffix) => key.endsWith(suffix));

/** Time kept back to settle the batch in flight and write the report before Lambda's hard stop. */
const REPORT_MARGIN_MS = 30_000;

async function ingestObject(bucket: string, key: string, etag: string, uploadedAt: Date, deadline: number): Promise<IngestReport> {
  const conn = connectionFromEnv();
  // IfMatch: read exactly the version this event announced; a newer upload brings its own event.
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, IfMatch: etag }));
  const scratch = await mkdtemp(join(tmpdir(), 'ingest-'));
  const quarantinePath = join(scratch, 'rejected.jsonl');
  const publish = async (report: IngestReport) => {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: quarantineKeyFor(key),
        Body: createReadStream(quarantinePath),
        ContentLength: (await stat(quarantinePath)).size,
        ContentType: 'application/x-ndjson',
      }),
    );
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: ingestReportKeyFor(key), Body: JSON.stringify(report, null, 2), ContentType: 'application/json' }));
    console.log(JSON.stringify({ report }));
  };
  try {
    // A failed run throws IngestFailed after its report is written: Lambda retries the event, then keeps it on the failed-uploads queue.
    return await ingestUpload({ chunks: object.Body as Readable, source: sourceId(bucket, key, etag), quarantine: quarantineFile(quarantinePath), publish }, conn, {
      onProgress: (p) => console.log(JSON.stringify({ progress: key, ...p })),
      deadline,
      uploadedAt,
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

export const handler = async (event: S3Event, context: Context): Promise<IngestReport[]> => {
  const reports: IngestReport[] = [];
  for (const record of event.Records) {
    const key = decodeKey(record.s3.object.key);
    if (!isUpload(key)) {
      console.log(JSON.stringify({ skipped: key, why: `not one of ${UPLOAD_SUFFIXES.join(', ')}` }));
      continue;
    }
    const deadline = Date.now() + context.getRemainingTimeInMillis() - REPORT_MARGIN_MS;
    reports.push(await ingestObject(record.s3.bucket.name, key, record.s3.object.eTag, new Date(record.eventTime), deadline));
  }
  return reports;
};
