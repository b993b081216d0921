/** The Kafka topic and Firehose's buffering, as deployed and as the twin's sink mimics them. */

/** The Kafka topic rows are produced to and Firehose reads from. */
export const TOPIC = {
  name: 'purchases',
  /** MSK Serverless caps a partition at 5 MB/s in; 6 leaves headroom for one producer. */
  partitions: 6,
} as const;

/** Firehose buffering: an object is written at 5 MiB or 300 s, whichever first. */
export const FIREHOSE_BUFFER = { sizeMiB: 5, intervalSeconds: 300 } as const;
