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
import { ingestReportKeyFor, quarantineKeyFor, TOPIC, UPLOAD_SUFFIXES } from '../../contract';
import { IngestFailed, ingestStream, quarantineFile, sourceId, type IngestReport } from './ingest';
import { connectionFromEnv } from '../shared/kafka-connection';
import { batchSender } from './producer';
import { discardProducer, sharedProducer } from './shared-producers';

const s3 = new S3Client({});

/** Event keys are URL-encoded with `+` for spaces. */
const decodeKey = (key: string): string => decodeURIComponent(key.replace(/\+/g, ' '));

/** Our own outputs (`.report.json`, `.rejected.jsonl`) land in the same bucket: never ingest them. */
const isUpload = (key: string): boolean => UPLOAD_SUFFIXES.some((suffix) => key.endsWith(suffix));

/** Time kept back to settle the batch in flight and write the report before Lambda's hard stop. */
const REPORT_MARGIN_MS = 30_000;

async function ingestObject(bucket: string, key: string, etag: string, deadline: number): Promise<IngestReport> {
  const conn = connectionFromEnv();
  // IfMatch: read exactly the version this event announced; a newer upload brings its own event.
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, IfMatch: etag }));
  const send = batchSender(sharedProducer(conn), TOPIC.name);
  const scratch = await mkdtemp(join(tmpdir(), 'ingest-'));
  const quarantinePath = join(scratch, 'rejected.jsonl');
  try {
    const quarantine = quarantineFile(quarantinePath);
    const report = await ingestStream(object.Body as Readable, sourceId(bucket, key, etag), send, quarantine, {
      onProgress: (p) => console.log(JSON.stringify({ progress: key, ...p })),
      deadline,
    }).finally(() => quarantine.close());
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
    if (report.status === 'failed') {
      await discardProducer(conn);
      throw new IngestFailed(report); // Lambda retries the event; README: why the retry does not double rows downstream
    }
    return report;
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
    reports.push(await ingestObject(record.s3.bucket.name, key, record.s3.object.eTag, deadline));
  }
  return reports;
};
