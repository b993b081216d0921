/**
 * Read access to the lake (the raw bucket on AWS, a folder in the twin): what
 * the loader streams the recommend job's output from and what the API reads
 * analytics documents from.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import { analyticsKeyFor, type AnalyticsDocument } from '../../contract';
import type { AnalyticsStore } from './ports';

export interface LakeReader {
  /** Every key under the prefix, sorted. */
  list(prefix: string): Promise<string[]>;
  /** The object's bytes, gunzipped when the key ends in `.gz`; undefined when it does not exist. */
  open(key: string): Promise<Readable | undefined>;
}

const decoded = (key: string, body: Readable): Readable => (key.endsWith('.gz') ? body.pipe(createGunzip()) : body);

/** A lake rooted at a local folder; keys use `/` whatever the platform. */
export const folderLake = (root: string): LakeReader => ({
  async list(prefix) {
    const walk = async (dir: string): Promise<string[]> => {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      const nested = await Promise.all(
        entries.map((e) => (e.isDirectory() ? walk(join(dir, e.name)) : Promise.resolve([join(dir, e.name)]))),
      );
      return nested.flat();
    };
    // Walk only the folder part of the prefix, then filter on the whole prefix.
    const folder = prefix.slice(0, prefix.lastIndexOf('/') + 1);
    const files = await walk(join(root, folder));
    return files
      .map((f) => relative(root, f).split(sep).join('/'))
      .filter((k) => k.startsWith(prefix))
      .sort();
  },
  async open(key) {
    const path = join(root, key);
    const found = await stat(path).catch(() => undefined);
    return found?.isFile() ? decoded(key, createReadStream(path)) : undefined;
  },
});

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
