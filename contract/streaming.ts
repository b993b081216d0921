/** The Kafka topics and Firehose's buffering, as deployed and as the twin's sink mimics them. */
import { BEHAVIOUR_LAKE } from './behaviour-event';
import { LAKE } from './lake';

/** The Kafka topic rows are produced to and Firehose reads from. */
export const TOPIC = {
  name: 'purchases',
  /** MSK Serverless caps a partition at 5 MB/s in; 6 leaves headroom for one producer. */
  partitions: 6,
} as const;

/**
 * The topic behaviour events (contract/behaviour-event.ts) are produced to. Keyed by the event's
 * session (`user_session`, else `user_id`), so one session's events share a partition and stay in order.
 */
export const EVENTS_TOPIC = { name: 'events', partitions: TOPIC.partitions } as const;

/**
 * Every topic the platform creates (the create-topic custom resource makes each) and where its
 * Firehose lands it in the lake (`rawPrefix`) and its delivery errors (`errorPrefix`): one delivery
 * stream per topic. The events stream's errors stay apart from the sessions job's quarantine
 * (`BEHAVIOUR_LAKE.quarantinePrefix`, raw-errors/events/), which the Spark nodes write.
 */
export const TOPICS = [
  { ...TOPIC, rawPrefix: LAKE.rawPrefix, errorPrefix: LAKE.rawErrorPrefix },
  { ...EVENTS_TOPIC, rawPrefix: BEHAVIOUR_LAKE.rawPrefix, errorPrefix: `${LAKE.rawErrorPrefix}firehose-events/` },
] as const;
export type LandedTopic = (typeof TOPICS)[number];

/**
 * Firehose buffering: an object is written at 5 MiB or 300 s, whichever first.
 * A contract fact, not a deploy setting (decided in issue 11): the twin's sink
 * flushes at the same size and interval, and the READMEs' figures (object
 * sizes, how late a row lands) assume these values, so `cdk deploy -c` cannot
 * change them; change them here and every side follows. Within Firehose's
 * BufferingHints limits (1-128 MiB, 0-900 s).
 */
export const FIREHOSE_BUFFER = { sizeMiB: 5, intervalSeconds: 300 } as const;
