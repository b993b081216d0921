/**
 * The twin's seam for the live view: the streaming job writes `realtime/live.json` into the lake
 * *folder* (Spark has no S3 client jars here), while the deployed API handler reads it from the
 * `lake` bucket, where the job writes it on AWS. This copies each new version into the bucket.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { REALTIME } from '../../contract';

/** A quarter of the job's 1 s trigger: the copy adds at most this to what the Live page sees. */
const POLL_MS = 250;

export interface LiveMirror {
  /** Versions copied so far. */
  copies(): number;
  stop(): Promise<void>;
}

export const mirrorLiveView = (options: { lake: string; s3: S3Client; bucket: string; onError?: (error: Error) => void }): LiveMirror => {
  const file = join(options.lake, REALTIME.lake.liveKey);
  let copied = 0;
  let lastMtime = 0;
  let running: Promise<void> = Promise.resolve();
  const copy = async () => {
    // The job replaces the file by rename, so a changed mtime is a whole new version.
    const found = await stat(file).catch(() => undefined);
    if (!found || found.mtimeMs === lastMtime) return;
    const body = await readFile(file);
    await options.s3.send(new PutObjectCommand({ Bucket: options.bucket, Key: REALTIME.lake.liveKey, Body: body, ContentType: 'application/json' }));
    lastMtime = found.mtimeMs;
    copied += 1;
  };
  const timer = setInterval(() => {
    // One copy at a time; a slow PUT skips ticks rather than piling them up.
    running = running.then(copy).catch((error: Error) => options.onError?.(error));
  }, POLL_MS);
  return {
    copies: () => copied,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
};
