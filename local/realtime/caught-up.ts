/** Whether the live view has processed everything in the topics: its offsets against the broker's end offsets. */
import { Kafka, logLevel } from 'kafkajs';
import { REALTIME, type LiveView } from '../../contract';

export type EndOffsets = Record<string, Record<string, number>>;

export const endOffsets = async (bootstrap: string, topics: readonly string[] = REALTIME.topics): Promise<EndOffsets> => {
  const admin = new Kafka({ clientId: 'recstream-realtime-ends', brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const ends: EndOffsets = {};
    for (const topic of topics) {
      ends[topic] = Object.fromEntries((await admin.fetchTopicOffsets(topic)).map((p) => [String(p.partition), Number(p.high)]));
    }
    return ends;
  } finally {
    await admin.disconnect();
  }
};

/** Records the view has not yet processed (0: caught up). An empty partition needs no offset in the view. */
export const recordsBehind = (view: LiveView | undefined, ends: EndOffsets): number => {
  let behind = 0;
  for (const [topic, partitions] of Object.entries(ends)) {
    for (const [partition, end] of Object.entries(partitions)) behind += end - (view?.offsets[topic]?.[partition] ?? 0);
  }
  return behind;
};
