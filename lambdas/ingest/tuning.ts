/** How ingest batches, compresses and pipelines its sends. */

export type Compression = 'none' | 'gzip';

export interface ProducerTuning {
  compression: Compression;
  /**
   * A send is cut at this many bytes of keys + values. Below the topic's
   * default max.message.bytes (1,048,588) even if every row of a batch hashed
   * to one partition, so no batch is ever refused as too large.
   */
  maxBatchBytes: number;
  /** Batches outstanding at once (one on the wire, the next being compressed); see {@link PipelinedSender}. */
  batchesInFlight: number;
}

/**
 * gzip: on MSK it cuts the bytes counted against the 5 MB/s-per-partition
 * ingress quota about sevenfold, and it is the codec where the Java client
 * has no head start (README, "Kafka client").
 */
export const DEFAULT_TUNING: ProducerTuning = { compression: 'gzip', maxBatchBytes: 900_000, batchesInFlight: 2 };
