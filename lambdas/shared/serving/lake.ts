/**
 * Read access to the lake (the raw bucket): what the loader streams the
 * recommend job's output from and what the API reads analytics documents from.
 */
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import { analyticsKeyFor, type AnalyticsDocument } from '../../../contract';
import type { AnalyticsStore } from './ports';

export interface LakeReader {
  /** Every key under the prefix, sorted. */
  list(prefix: string): Promise<string[]>;
  /** The object's bytes, gunzipped when the key ends in `.gz`; undefined when it does not exist. */
  open(key: string): Promise<Readable | undefined>;
}

/** Objects whose key ends in `.gz` are gunzipped on read. */
export const decoded = (key: string, body: Readable): Readable => (key.endsWith('.gz') ? body.pipe(createGunzip()) : body);

type S3Reader = Pick<S3Client, 'send'>;

export const s3Lake = (s3: S3Reader, bucket: string): LakeReader => ({
  async list(prefix) {
    const keys: string[] = [];
    let ContinuationToken: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken }));
      for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
    return keys.sort();
  },
  async open(key) {
    try {
      const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return Body ? decoded(key, Body as Readable) : undefined;
    } catch (e) {
      if (e instanceof NoSuchKey) return undefined;
      throw e;
    }
  },
});

/** The lines of a stream, without trailing `\r`. */
export const lines = (stream: Readable): AsyncIterable<string> => createInterface({ input: stream, crlfDelay: Infinity });

export const readText = async (lake: LakeReader, key: string): Promise<string | undefined> => {
  const stream = await lake.open(key);
  if (!stream) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
};

/** Analytics documents straight from the lake; a document that is not JSON is an error, not "absent". */
export const lakeAnalyticsStore = (lake: LakeReader): AnalyticsStore => ({
  async get(name: AnalyticsDocument) {
    const text = await readText(lake, analyticsKeyFor(name));
    return text === undefined ? undefined : (JSON.parse(text) as unknown);
  },
});
