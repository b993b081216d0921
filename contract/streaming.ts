/** The Kafka topic and Firehose's buffering, as deployed and as the twin's sink mimics them. */

/** The Kafka topic rows are produced to and Firehose reads from. */
export const TOPIC = {
  name: 'purchases',
  /** MSK Serverless caps a partition at 5 MB/s in; 6 leaves headroom for one producer. */
  partitions: 6,
} as const;

/**
 * Firehose buffering: an object is written at 5 MiB or 300 s, whichever first.
 * A contract fact, not a deploy setting (decided in issue 11): the twin's sink
 * flushes at the same size and interval, and the READMEs' figures (object
 * sizes, how late a row lands) assume these values, so `cdk deploy -c` cannot
 * change them; change them here and every side follows. Within Firehose's
 * BufferingHints limits (1-128 MiB, 0-900 s).
 */
export const FIREHOSE_BUFFER = { sizeMiB: 5, intervalSeconds: 300 } as const;
