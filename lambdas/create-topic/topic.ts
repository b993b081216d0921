/**
 * Makes sure a topic exists with at least the wanted partitions. Idempotent, so
 * a CloudFormation retry, an update and the local twin can all call it.
 */
import type { Admin } from 'kafkajs';

export interface TopicSpec {
  name: string;
  partitions: number;
}

export type TopicOutcome = 'created' | 'exists' | 'grown';

/** Kafka can add partitions but never remove them, so fewer wanted than present is left as is. */
export async function ensureTopic(admin: Pick<Admin, 'createTopics' | 'fetchTopicMetadata' | 'createPartitions'>, spec: TopicSpec): Promise<TopicOutcome> {
  if (!Number.isInteger(spec.partitions) || spec.partitions < 1) {
    throw new Error(`topic ${spec.name}: partitions must be a positive integer, got ${spec.partitions}`);
  }
  const created = await admin.createTopics({ topics: [{ topic: spec.name, numPartitions: spec.partitions }], waitForLeaders: true });
  if (created) return 'created';
  const { topics } = await admin.fetchTopicMetadata({ topics: [spec.name] });
  const present = topics.find((t) => t.name === spec.name)?.partitions.length ?? 0;
  if (present >= spec.partitions) return 'exists';
  await admin.createPartitions({ topicPartitions: [{ topic: spec.name, count: spec.partitions }] });
  return 'grown';
}
