/**
 * Firehose's S3 key layout for the objects it delivers, reproduced so the
 * Spark jobs read the local lake exactly as they read the raw bucket:
 * `<prefix>yyyy/MM/dd/HH/<stream>-<version>-yyyy-MM-dd-HH-mm-ss-<uuid>.gz`,
 * all in UTC at the time of the write; the prefix is the topic's (contract TOPICS `rawPrefix`).
 */
import { randomUUID } from 'node:crypto';

/** Firehose numbers the delivery stream's configuration version; the twin has one. */
const STREAM_VERSION = 1;

const pad = (n: number) => String(n).padStart(2, '0');

export const firehoseKey = (prefix: string, streamName: string, at: Date, uuid: string = randomUUID()): string => {
  const [y, mo, d, h, mi, s] = [
    at.getUTCFullYear(),
    pad(at.getUTCMonth() + 1),
    pad(at.getUTCDate()),
    pad(at.getUTCHours()),
    pad(at.getUTCMinutes()),
    pad(at.getUTCSeconds()),
  ];
  return `${prefix}${y}/${mo}/${d}/${h}/${streamName}-${STREAM_VERSION}-${y}-${mo}-${d}-${h}-${mi}-${s}-${uuid}.gz`;
};

/** Matches a key {@link firehoseKey} writes (and the real objects' names, whatever their stream). */
export const FIREHOSE_KEY_PATTERN =
  /^raw\/(?:purchases|events)\/(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})\/[A-Za-z0-9_.-]+-\d+-\1-\2-\3-\4-\d{2}-\d{2}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.gz$/;
