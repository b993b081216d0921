/**
 * Makes sure a topic exists with at least the wanted partitions. Idempotent, so
 * a CloudFormation retry, an update and the local twin can all call it. It
 * returns only once the broker's metadata shows the partitions, so whatever
 * depends on the topic (Firehose, the producer) finds it.
 */
import type { Admin } from 'kafkajs';

export interface TopicSpec {
  name: string;
  partitions: number;
}

export type TopicOutcome = 'created' | 'exists' | 'grown';

type TopicAdmin = Pick<Admin, 'createTopics' | 'fetchTopicMetadata' | 'createPartitions'>;

/** Kafka's UNKNOWN_TOPIC_OR_PARTITION: a just-created topic not yet in the metadata the broker serves. */
const isUnknownTopic = (error: unknown): boolean => (error as { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION';

/**
 * Kafka's INVALID_PARTITIONS from a growth to a count the topic has already: the metadata read before it
 * lagged (seen on a loaded twin, where kafkajs retried a slow CreateTopics and found the topic it had made).
 */
const isInvalidPartitions = (error: unknown): boolean => (error as { type?: string }).type === 'INVALID_PARTITIONS';

const METADATA_TIMEOUT_MS = 30_000;

async function partitionCount(admin: TopicAdmin, name: string): Promise<number> {
  try {
    return (await admin.fetchTopicMetadata({ topics: [name] })).topics.find((t) => t.name === name)?.partitions.length ?? 0;
  } catch (error) {
    if (isUnknownTopic(error)) return 0;
    throw error;
  }
}

/** Waits until the metadata shows at least `partitions` partitions (creation and growth propagate asynchronously). */
async function awaitPartitions(admin: TopicAdmin, spec: TopicSpec): Promise<void> {
  const deadline = Date.now() + METADATA_TIMEOUT_MS;
  for (;;) {
    const present = await partitionCount(admin, spec.name);
    if (present >= spec.partitions) return;
    if (Date.now() > deadline) throw new Error(`topic ${spec.name}: ${present} of ${spec.partitions} partitions visible after ${METADATA_TIMEOUT_MS / 1000}s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Kafka can add partitions but never remove them, so fewer wanted than present is left as is. */
export async function ensureTopic(admin: TopicAdmin, spec: TopicSpec): Promise<TopicOutcome> {
  if (!Number.isInteger(spec.partitions) || spec.partitions < 1) {
    throw new Error(`topic ${spec.name}: partitions must be a positive integer, got ${spec.partitions}`);
  }
  let created: boolean;
  try {
    created = await admin.createTopics({ topics: [{ topic: spec.name, numPartitions: spec.partitions }], waitForLeaders: true });
  } catch (error) {
    // kafkajs's wait for leaders gives up on UNKNOWN_TOPIC_OR_PARTITION although the topic was created.
    if (!isUnknownTopic(error)) throw error;
    created = true;
  }
  if (created) {
    await awaitPartitions(admin, spec);
    return 'created';
  }
  if ((await partitionCount(admin, spec.name)) >= spec.partitions) return 'exists';
  try {
    await admin.createPartitions({ topicPartitions: [{ topic: spec.name, count: spec.partitions }] });
  } catch (error) {
    if (!isInvalidPartitions(error)) throw error;
    // Already that big: the metadata catches up, or the wait says how many partitions it shows.
    await awaitPartitions(admin, spec);
    return 'exists';
  }
  await awaitPartitions(admin, spec);
  return 'grown';
}
