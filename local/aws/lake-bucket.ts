/**
 * The seam between the twin's lake folder and its lake bucket. The sink and the
 * Spark jobs work on a folder (Spark would need the hadoop-aws and AWS SDK
 * bundle jars to read s3a://); on AWS the EMR steps write to the lake bucket,
 * so after them the twin puts what they wrote for the Lambdas into the bucket.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { BEHAVIOUR_LAKE, LAKE } from '../../contract';
import { folderLake } from '../server/folder-lake';

const topFolder = (key: string): string => key.slice(0, key.indexOf('/') + 1);

/**
 * What the loader, the API and a reader of the run's reports take from the bucket on AWS: serving/,
 * analytics/, reports/, and of the behaviour jobs' output the sessions table (the loader reads it) and
 * the intent runs (the API serves them); not the rest of curated/, which only Spark reads.
 */
export const PUBLISHED_PREFIXES = [
  ...new Set([LAKE.recommendationsPrefix, LAKE.fallbackKey, LAKE.metricsKey, LAKE.analyticsPrefix, LAKE.cleanReportKey].map(topFolder)),
  BEHAVIOUR_LAKE.sessionsPrefix,
  BEHAVIOUR_LAKE.intentModelsPrefix,
];

/** Uploads every file under the published prefixes of `lakeDir` to `bucket` under the same key; returns the keys. */
export const publishLakeOutputs = async (s3: S3Client, bucket: string, lakeDir: string): Promise<string[]> => {
  const folder = folderLake(lakeDir);
  const keys = (await Promise.all(PUBLISHED_PREFIXES.map((prefix) => folder.list(prefix)))).flat();
  for (const key of keys) {
    const file = join(lakeDir, key);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: createReadStream(file), ContentLength: (await stat(file)).size }));
  }
  return keys;
};
