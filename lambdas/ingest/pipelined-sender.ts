/** Keeps the producer busy while ingest parses the next batch, and counts only what the broker acknowledged. */
import type { KafkaRecord } from './record-batch';

/** Sends one batch; resolves when every record of it is acknowledged by all in-sync replicas. */
export type SendBatch = (records: KafkaRecord[]) => Promise<void>;

/** Thrown when the deadline passes while batches wait for their acknowledgement. */
export class OutOfTime extends Error {}

/**
 * Keeps up to `depth` batches outstanding while the next one is parsed, and
 * counts what the broker acknowledged. Above 1 the `send` must deliver
 * overlapping batches in call order, as `IngestProducer` (producer.ts) does.
 * With a `deadline` (epoch ms) no wait outlasts it: a broker that stays down
 * must not hold the run past the point where it can still write its report.
 */
export class PipelinedSender {
  private readonly outstanding: Promise<void>[] = [];
  private failure: Error | undefined;
  private expiry: Promise<'expired'> | undefined;
  /** Rows the broker has acknowledged: the only rows a report may call produced. */
  acknowledged = 0;

  constructor(
    private readonly send: SendBatch,
    private readonly depth = 1,
    private readonly deadline?: number,
  ) {}

  async submit(records: KafkaRecord[]): Promise<void> {
    while (this.outstanding.length >= this.depth) await this.settle(this.outstanding.shift()!);
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

  /** Waits for every outstanding batch; throws the first send failure, or {@link OutOfTime}. */
  async drain(): Promise<void> {
    await this.settle(Promise.all(this.outstanding.splice(0)).then(() => undefined));
    if (this.failure) throw this.failure;
  }

  private async settle(batch: Promise<void>): Promise<void> {
    if (this.deadline === undefined) return batch;
    this.expiry ??= new Promise((expire) => setTimeout(expire, Math.max(this.deadline! - Date.now(), 0), 'expired').unref());
    if ((await Promise.race([batch, this.expiry])) === 'expired')
      throw new OutOfTime(`out of time waiting for Kafka to acknowledge the batches in flight (${this.acknowledged} rows acknowledged)`);
  }
}
