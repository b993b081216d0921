/**
 * One producer per connection per container: warm Lambda invocations reuse
 * its connection and skip the TLS + SASL handshake. A producer that failed is
 * dropped ({@link discardProducer}) so the next run starts clean.
 */
import { Producer } from '@platformatic/kafka';
import type { KafkaConnection } from '../shared/kafka-connection';
import { clientOptions } from './client';
import { IngestProducer } from './producer';

const producers = new Map<string, IngestProducer>();

export function sharedProducer(conn: KafkaConnection): IngestProducer {
  const id = JSON.stringify(conn);
  let producer = producers.get(id);
  if (!producer) {
    producer = new IngestProducer(new Producer(clientOptions(conn)));
    producers.set(id, producer);
  }
  return producer;
}

export async function discardProducer(conn: KafkaConnection): Promise<void> {
  const id = JSON.stringify(conn);
  const producer = producers.get(id);
  producers.delete(id);
  await producer?.client.close().catch(() => undefined);
}

/** Closes every shared producer (tests, the twin's shutdown). */
export async function disconnectAll(): Promise<void> {
  const all = [...producers.values()];
  producers.clear();
  await Promise.all(all.map((p) => p.client.close().catch(() => undefined)));
}
