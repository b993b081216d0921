/**
 * The landing bucket's notification, as lib/ingest.ts configures it on AWS:
 * ObjectCreated on a key ending in one of UPLOAD_SUFFIXES invokes the ingest
 * Lambda's handler with the S3 event. No retries: on AWS a failed invocation
 * is retried twice and then kept in the failed-uploads queue; here the failure
 * is reported to whoever waits for that upload, or logged.
 */
import type { Context, S3Event, S3EventRecord } from 'aws-lambda';
import { UPLOAD_SUFFIXES } from '../../contract';
import type { IngestReport } from '../../lambdas/ingest/ingest';

export type IngestHandler = (event: S3Event, context: Context) => Promise<IngestReport[]>;

/** The deployed function's timeout (lib/ingest.ts). */
const LAMBDA_TIMEOUT_MS = 15 * 60_000;

/** The handler reads only its remaining time from the context. */
const lambdaContext = (started: number): Context => ({ getRemainingTimeInMillis: () => started + LAMBDA_TIMEOUT_MS - Date.now() }) as Context;

/** S3 URL-encodes keys in events (a space as `+`); s3rver sends them raw. */
const encodeEventKey = (key: string): string =>
  key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/%20/g, '+'))
    .join('/');

export interface LandingTrigger {
  onEvent(event: S3Event): void;
  /** The report of the next ingest of `key`: call before uploading it. */
  expect(key: string): Promise<IngestReport>;
}

export const landingTrigger = (handler: IngestHandler, log: (line: string) => void): LandingTrigger => {
  const waiting = new Map<string, { resolve: (report: IngestReport) => void; reject: (error: Error) => void }>();
  const invoke = (record: S3EventRecord, key: string) => {
    const event: S3Event = { Records: [{ ...record, s3: { ...record.s3, object: { ...record.s3.object, key: encodeEventKey(key) } } }] };
    const waiter = waiting.get(key);
    waiting.delete(key);
    handler(event, lambdaContext(Date.now())).then(
      ([report]) => {
        if (waiter) waiter.resolve(report);
        else log(`ingest ${key}: ${report.status}, ${report.read} read, ${report.produced} produced, ${report.rejected} rejected`);
      },
      (error: Error) => {
        if (waiter) waiter.reject(error);
        else log(`ingest ${key} failed: ${error.message}`);
      },
    );
  };
  return {
    onEvent(event) {
      for (const record of event.Records) {
        const key = record.s3.object.key;
        if (record.eventName.startsWith('ObjectCreated:') && UPLOAD_SUFFIXES.some((suffix) => key.endsWith(suffix))) invoke(record, key);
      }
    },
    expect: (key) => new Promise((resolve, reject) => waiting.set(key, { resolve, reject })),
  };
};
