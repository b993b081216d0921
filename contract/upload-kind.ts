/**
 * Which data product an upload to the landing bucket belongs to. Decided by the CSV's header alone
 * (not by a key prefix), so a file is ingested the same wherever it is uploaded, and a file whose
 * header is neither is rejected as a whole, never guessed at.
 */
import { BEHAVIOUR_CSV_COLUMNS } from './behaviour-event';
import { CSV_COLUMNS } from './purchase-event';
import { EVENTS_TOPIC, TOPIC } from './streaming';

/** `purchases`: the order export (CSV_COLUMNS). `events`: the REES46 clickstream (BEHAVIOUR_CSV_COLUMNS). */
export type UploadKind = 'purchases' | 'events';

/** The columns each kind's header must name, in order, and the topic its rows are produced to. */
export const UPLOAD_KINDS = {
  purchases: { columns: CSV_COLUMNS, topic: TOPIC.name },
  events: { columns: BEHAVIOUR_CSV_COLUMNS, topic: EVENTS_TOPIC.name },
} as const satisfies Record<UploadKind, { columns: readonly string[]; topic: string }>;

/** The kind whose columns the header's names (trimmed, BOM removed) are exactly, else null. */
export const uploadKindOfHeader = (names: readonly string[]): UploadKind | null => {
  const joined = names.join(',');
  for (const kind of Object.keys(UPLOAD_KINDS) as UploadKind[]) if (UPLOAD_KINDS[kind].columns.join(',') === joined) return kind;
  return null;
};

/**
 * The Kafka key of a behaviour event: its `user_session`, else its `user_id` (an event has one or
 * the other, or it is rejected). One session's events share a partition and so stay in order; an
 * event without a session stays with its user's other session-less events, which the inactivity rule
 * (SESSION_INACTIVITY_SECONDS) cuts into sessions.
 */
export const behaviourEventKey = (event: { user_session: string | null; user_id: string | null }): string => (event.user_session ?? event.user_id)!;
