/**
 * Whether one behaviour event is good, by the contract's behaviour rules (contract/behaviour-event.ts
 * BEHAVIOUR_FIELD_REJECT_REASONS, with purchases' patterns and event-time parser), in the order the
 * behaviour jobs' clean step applies them (emr-jobs/behaviour_jobs/events.py `checked`). The collector
 * refuses what clean would reject; ingest quarantines it; replay skips it.
 */
import { isIP } from 'node:net';
import {
  BEHAVIOUR_EVENT_TYPES,
  BEHAVIOUR_EVENT_VERSION,
  BEHAVIOUR_ID_FIELDS,
  BEHAVIOUR_REQUIRED_FIELDS,
  BEHAVIOUR_TEXT_FIELDS,
  CONTROL_CHARACTER_PATTERN,
  ID_PATTERN,
  NO_USER_AND_NO_SESSION,
  PRICE_PATTERN,
  RULE_DESCRIPTIONS,
  USER_AGENT_MAX_CHARS,
  invalid,
  missing,
  outOfRange,
  parseEventTime,
  type BehaviourCsvColumn,
  type BehaviourEventV1,
  type BehaviourRejectReason,
} from '../../contract';

export type { BehaviourRejectReason };

const ID = new RegExp(ID_PATTERN);
const PRICE = new RegExp(PRICE_PATTERN);
const CONTROL = new RegExp(CONTROL_CHARACTER_PATTERN);
const TYPES: ReadonlySet<string> = new Set(BEHAVIOUR_EVENT_TYPES);

/** The event's fields as sent (CSV cells or JSON values); blank strings count as missing. */
export type BehaviourFields = Partial<Record<BehaviourCsvColumn | 'user_agent' | 'ip', unknown>>;

export type BehaviourOutcome = { event: BehaviourEventV1; timeMs: number } | { reason: BehaviourRejectReason; message: string };

const text = (value: unknown): string | null => {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
};

/** A field only a storefront's JSON has: null when absent or blank, undefined when sent as anything but a string. */
const optionalText = (value: unknown): string | null | undefined =>
  value === undefined || value === null ? null : typeof value === 'string' ? text(value) : undefined;

const shown = (value: unknown): string => (value === undefined || value === null || value === '' ? 'missing' : JSON.stringify(String(value).slice(0, 60)));

const fail = (reason: BehaviourRejectReason, field: string, value: unknown, rule?: string): BehaviourOutcome => ({
  reason,
  message: `${field}: ${shown(value)}${rule && value !== undefined && value !== null && value !== '' ? ` is not ${rule}` : ''}`,
});

/** `nowMs`: the clock the event-time range is judged by (EVENT_TIME_RANGE: at most a day ahead of it). */
export const toBehaviourEvent = (fields: BehaviourFields, source: string, line: number, nowMs: number = Date.now()): BehaviourOutcome => {
  const v = {
    event_time: text(fields.event_time),
    event_type: text(fields.event_type),
    product_id: text(fields.product_id),
    category_id: text(fields.category_id),
    category_code: text(fields.category_code),
    brand: text(fields.brand),
    price: text(fields.price),
    user_id: text(fields.user_id),
    user_session: text(fields.user_session),
    user_agent: optionalText(fields.user_agent),
    ip: optionalText(fields.ip),
  };
  for (const field of BEHAVIOUR_REQUIRED_FIELDS) if (v[field] === null) return fail(missing(field), field, fields[field]);
  for (const field of BEHAVIOUR_ID_FIELDS) if (v[field] !== null && !ID.test(v[field]!)) return fail(invalid(field), field, fields[field], RULE_DESCRIPTIONS.id);
  const time = parseEventTime(v.event_time!, nowMs);
  if (time === 'invalid') return fail(invalid('event_time'), 'event_time', fields.event_time, RULE_DESCRIPTIONS.eventTime);
  if (time === 'out_of_range') return fail(outOfRange('event_time'), 'event_time', fields.event_time, RULE_DESCRIPTIONS.eventTimeRange);
  if (!TYPES.has(v.event_type!)) return fail(invalid('event_type'), 'event_type', fields.event_type, `one of ${BEHAVIOUR_EVENT_TYPES.join(', ')}`);
  if (!PRICE.test(v.price!)) return fail(invalid('price'), 'price', fields.price, RULE_DESCRIPTIONS.price);
  for (const field of BEHAVIOUR_TEXT_FIELDS) if (v[field] !== null && CONTROL.test(v[field]!)) return fail(invalid(field), field, fields[field], RULE_DESCRIPTIONS.text);
  if (v.user_id === null && v.user_session === null) return fail(NO_USER_AND_NO_SESSION, 'user_id and user_session', null);
  if (v.user_agent === undefined || (v.user_agent !== null && v.user_agent.length > USER_AGENT_MAX_CHARS))
    return { reason: invalid('user_agent'), message: `user_agent: must be a string of at most ${USER_AGENT_MAX_CHARS} characters` };
  // A zone index (fe80::1%eth0) names an interface of the sender's machine, not an address anywhere else.
  if (v.ip === undefined || (v.ip !== null && (isIP(v.ip) === 0 || v.ip.includes('%')))) return fail(invalid('ip'), 'ip', fields.ip, 'an IPv4 or IPv6 address');
  return {
    timeMs: time.ms,
    event: {
      v: BEHAVIOUR_EVENT_VERSION,
      event_time: v.event_time!,
      event_type: v.event_type as BehaviourEventV1['event_type'],
      product_id: v.product_id!,
      category_id: v.category_id,
      category_code: v.category_code,
      brand: v.brand,
      price: v.price!,
      user_id: v.user_id,
      user_session: v.user_session,
      source,
      line,
      // Present only when sent, so events from a CSV keep their exact shape.
      ...(v.user_agent === null ? {} : { user_agent: v.user_agent }),
      ...(v.ip === null ? {} : { ip: v.ip }),
    },
  };
};
