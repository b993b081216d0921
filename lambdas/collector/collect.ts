/**
 * `POST /events`: a storefront's small batch of behaviour events, checked and produced to the events
 * topic. Guarded by a per-store write key (not the analysts' sign-in); throttled by API Gateway's
 * route throttling in front of it. All or nothing: one bad event refuses the batch with every
 * event's reason, so the store fixes and resends it and nothing half-lands.
 */
import { EVENTS_TOPIC } from '../../contract';
import { toBehaviourEvent, type BehaviourRejectReason } from './behaviour-rules';
import { WRITE_KEY_HEADER, type WriteKeys } from './write-keys';

/** The route on the HTTP API (lib/realtime.ts) and on the twin's local server. */
export const COLLECTOR_ROUTE = '/events';

export const COLLECTOR_LIMITS = { maxEvents: 500, maxBodyBytes: 256 * 1024 } as const;

export interface CollectRequest {
  headers: Readonly<Record<string, string | undefined>>;
  body: string | undefined;
  requestId: string;
}

export interface CollectResponse {
  status: number;
  body: string;
}

export interface CollectorDeps {
  writeKeys: WriteKeys;
  /** Produces the records to `topic`; resolves once the broker has them (acks=all). */
  send(topic: string, records: { key: string | null; value: string }[]): Promise<void>;
}

const answer = (status: number, body: Record<string, unknown>): CollectResponse => ({ status, body: JSON.stringify(body) });
const problem = (status: number, error: string, message: string, requestId: string, extra: Record<string, unknown> = {}) =>
  answer(status, { error, message, requestId, ...extra });

const headerValue = (headers: CollectRequest['headers'], name: string): string | undefined =>
  Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];

/**
 * The store whose write key the headers carry, or the 401/403 answer: decided from the headers alone,
 * so a server can refuse a request before reading its body (an unauthenticated sender gets no say in
 * how many bytes are read).
 */
export const storeOfHeaders = (headers: CollectRequest['headers'], writeKeys: WriteKeys, requestId: string): { store: string } | CollectResponse => {
  const key = headerValue(headers, WRITE_KEY_HEADER);
  if (!key) return problem(401, 'missing_write_key', `Send the store's write key in the ${WRITE_KEY_HEADER} header.`, requestId);
  const store = writeKeys(key);
  if (store === undefined) return problem(403, 'invalid_write_key', `The ${WRITE_KEY_HEADER} header does not hold a write key of any store.`, requestId);
  return { store };
};

export const collect = async (req: CollectRequest, deps: CollectorDeps): Promise<CollectResponse> => {
  const keyed = storeOfHeaders(req.headers, deps.writeKeys, req.requestId);
  if ('status' in keyed) return keyed;
  const { store } = keyed;
  if (req.body === undefined || req.body === '') return problem(400, 'empty_body', 'Send a JSON body {"events": [...]}.', req.requestId);
  if (Buffer.byteLength(req.body, 'utf8') > COLLECTOR_LIMITS.maxBodyBytes)
    return problem(413, 'body_too_large', `A request carries at most ${COLLECTOR_LIMITS.maxBodyBytes} bytes.`, req.requestId);
  let parsed: unknown;
  try {
    parsed = JSON.parse(req.body);
  } catch {
    return problem(400, 'malformed_json', 'The body is not JSON.', req.requestId);
  }
  const events = (parsed as { events?: unknown } | null)?.events;
  if (!Array.isArray(events) || events.length === 0) return problem(400, 'no_events', 'The body must be {"events": [...]} with at least one event.', req.requestId);
  if (events.length > COLLECTOR_LIMITS.maxEvents)
    return problem(413, 'too_many_events', `A request carries at most ${COLLECTOR_LIMITS.maxEvents} events; got ${events.length}.`, req.requestId);
  const source = `collector/${store}/${req.requestId}`;
  const rejected: { index: number; reason: BehaviourRejectReason; message: string }[] = [];
  const records: { key: string | null; value: string }[] = [];
  events.forEach((raw, index) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      rejected.push({ index, reason: 'not_an_object', message: 'each event is a JSON object' });
      return;
    }
    // `line` numbers events as a CSV would (header on line 1): the contract's re-delivery key is (source, line).
    const outcome = toBehaviourEvent(raw as Record<string, unknown>, source, index + 2);
    if ('reason' in outcome) rejected.push({ index, reason: outcome.reason, message: outcome.message });
    else records.push({ key: outcome.event.user_session ?? outcome.event.user_id, value: JSON.stringify(outcome.event) });
  });
  if (rejected.length > 0)
    return problem(400, 'invalid_events', `${rejected.length} of ${events.length} events break the behaviour event rules; none was accepted.`, req.requestId, { rejected });
  await deps.send(EVENTS_TOPIC.name, records);
  return answer(202, { accepted: records.length, requestId: req.requestId });
};
