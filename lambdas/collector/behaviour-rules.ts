/**
 * Whether one behaviour event is good, by the rules the behaviour jobs' clean step applies
 * (emr-jobs/behaviour_jobs/events.py `checked`): the same checks in the same order, the same
 * reason codes, the same patterns. The collector refuses what clean would reject; replay skips it.
 */
import { isIP } from 'node:net';
import { BEHAVIOUR_EVENT_TYPES, BEHAVIOUR_EVENT_VERSION, USER_AGENT_MAX_CHARS, type BehaviourEventV1 } from '../../contract';

export const BEHAVIOUR_REJECT_REASONS = [
  'bad_event_time',
  'bad_event_type',
  'bad_product_id',
  'bad_category_id',
  'bad_price',
  'bad_user_id',
  'no_user_and_no_session',
  // Only a storefront's JSON carries these two (never the CSV), so the clean step has no counterpart.
  'bad_user_agent',
  'bad_ip',
] as const;
export type BehaviourRejectReason = (typeof BEHAVIOUR_REJECT_REASONS)[number];

const ID = /^\d{1,20}$/;
const PRICE = /^\d{1,10}(\.\d{1,6})?$/;
const TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d+)?( UTC|Z)$/;
const TYPES: ReadonlySet<string> = new Set(BEHAVIOUR_EVENT_TYPES);

/** The event's fields as sent (CSV cells or JSON values); blank strings count as missing. */
export type BehaviourFields = Partial<
  Record<'event_time' | 'event_type' | 'product_id' | 'category_id' | 'category_code' | 'brand' | 'price' | 'user_id' | 'user_session' | 'user_agent' | 'ip', unknown>
>;

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

const eventTimeMs = (value: string | null): number | null => {
  const parts = value === null ? null : TIME.exec(value);
  if (!parts) return null;
  const ms = Date.parse(`${parts[1]}T${parts[2]}Z`);
  // Date.parse rolls 2019-02-30 over into March; Spark's parser (and so the clean step) refuses it.
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 19) !== `${parts[1]}T${parts[2]}` ? null : ms;
};

const fail = (reason: BehaviourRejectReason, field: string, value: unknown): BehaviourOutcome => ({
  reason,
  message: `${field}: ${value === undefined || value === null || value === '' ? 'missing' : JSON.stringify(String(value).slice(0, 60))}`,
});

export const toBehaviourEvent = (fields: BehaviourFields, source: string, line: number): BehaviourOutcome => {
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
  const timeMs = eventTimeMs(v.event_time);
  if (timeMs === null) return fail('bad_event_time', 'event_time', fields.event_time);
  if (v.event_type === null || !TYPES.has(v.event_type)) return fail('bad_event_type', 'event_type', fields.event_type);
  if (v.product_id === null || !ID.test(v.product_id)) return fail('bad_product_id', 'product_id', fields.product_id);
  if (v.category_id !== null && !ID.test(v.category_id)) return fail('bad_category_id', 'category_id', fields.category_id);
  if (v.price === null || !PRICE.test(v.price)) return fail('bad_price', 'price', fields.price);
  if (v.user_id !== null && !ID.test(v.user_id)) return fail('bad_user_id', 'user_id', fields.user_id);
  if (v.user_id === null && v.user_session === null) return fail('no_user_and_no_session', 'user_id and user_session', null);
  if (v.user_agent === undefined || (v.user_agent !== null && v.user_agent.length > USER_AGENT_MAX_CHARS))
    return { reason: 'bad_user_agent', message: `user_agent: must be a string of at most ${USER_AGENT_MAX_CHARS} characters` };
  // A zone index (fe80::1%eth0) names an interface of the sender's machine, not an address anywhere else.
  if (v.ip === undefined || (v.ip !== null && (isIP(v.ip) === 0 || v.ip.includes('%')))) return fail('bad_ip', 'ip', fields.ip);
  return {
    timeMs,
    event: {
      v: BEHAVIOUR_EVENT_VERSION,
      event_time: v.event_time!,
      event_type: v.event_type as BehaviourEventV1['event_type'],
      product_id: v.product_id,
      category_id: v.category_id,
      category_code: v.category_code,
      brand: v.brand,
      price: v.price,
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
