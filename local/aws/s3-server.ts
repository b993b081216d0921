/**
 * Child process: s3rver (an S3-protocol server) on 127.0.0.1, a free port, its
 * buckets stored under the folder given as the first argument. It tells the
 * parent its port, then forwards every S3 event record (AWS's shape) over IPC,
 * as S3 would invoke a notification target. Exits when the parent goes away.
 *
 * usage (forked by servers.ts): s3-server.ts DIR BUCKET[,BUCKET...]
 */
import type { S3Event } from 'aws-lambda';

interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
  on(event: 'event', listener: (event: S3Event) => void): void;
}
type S3rverOptions = { address: string; port: number; directory: string; silent: boolean; configureBuckets: { name: string }[] };
// s3rver ships no types.
const S3rver = require('s3rver') as new (options: S3rverOptions) => S3rverInstance;

const [directory, buckets] = process.argv.slice(2);
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  directory,
  silent: true,
  configureBuckets: buckets.split(',').map((name) => ({ name })),
});
server.on('event', (event) => process.send?.({ event }));
const stop = () => void server.close().finally(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('disconnect', stop);
server.run().then(({ port }) => process.send?.({ port }));
