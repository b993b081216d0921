/** Keeps the producer busy while ingest parses the next batch, and counts only what the broker acknowledged. */
import type { KafkaRecord } from './record-batch';

/** Sends one batch; resolves when every record of it is acknowledged by all in-sync replicas. */
export type SendBatch = (records: KafkaRecord[]) => Promise<void>;

/**
 * Keeps up to `depth` batches outstanding while the next one is parsed, and
 * counts what the broker acknowledged. Above 1 the `send` must deliver
 * overlapping batches in call order, as `IngestProducer` (producer.ts) does.
 */
export class PipelinedSender {
  private readonly outstanding: Promise<void>[] = [];
  private failure: Error | undefined;
  /** Rows the broker has acknowledged: the only rows a report may call produced. */
  acknowledged = 0;

  constructor(
    private readonly send: SendBatch,
    private readonly depth = 1,
  ) {}

  async submit(records: KafkaRecord[]): Promise<void> {
    while (this.outstanding.length >= this.depth) await this.outstanding.shift();
    if (this.failure) throw this.failure;
    this.outstanding.push(
      this.send(records).then(
        () => {
          this.acknowledged += records.length;
        },
        (error: Error) => {
          this.failure ??= error;
        },
      ),
    );
  }

  /** Waits for every outstanding batch; throws the first send failure. */
  async drain(): Promise<void> {
    await Promise.all(this.outstanding.splice(0));
    if (this.failure) throw this.failure;
  }
}
