/** Runs every minute: reads the live view from the lake and logs its lag as an embedded-metric record (lag.ts). */
import { S3Client } from '@aws-sdk/client-s3';
import { LAMBDA_ENV } from '../../contract';
import { lakeLiveStore } from '../api/live';
import { s3Lake } from '../shared/serving/lake';
import { lagRecord } from './lag';

const bucket = process.env[LAMBDA_ENV.lakeBucket];
if (!bucket) throw new Error(`${LAMBDA_ENV.lakeBucket} is not set`);
const store = lakeLiveStore(s3Lake(new S3Client({}), bucket));

export const handler = async (): Promise<void> => {
  const record = lagRecord(await store.get(), Date.now(), process.env.DEPLOYMENT ?? 'recstream');
  // The raw line is the metric (console.log would prefix it with time and request id); without a live view
  // there is nothing to measure (the job-not-running alarm covers that).
  process.stdout.write(`${record ? JSON.stringify(record) : 'no live view yet'}\n`);
};
