/**
 * The behaviour routes (issue 15): the funnel, session metrics, the intent model card with its run
 * history, and one customer's top categories and recent sessions (JSON, or CSV with `?format=csv`,
 * so an analyst can hand a customer their history). Same sign-in rule as every data route: the
 * authorizer in front of the API (lib/serving.ts) guards them all.
 */
import {
  API_ROUTES,
  CUSTOMER_SESSION_COLUMNS,
  USER_ID_PATTERN,
  USER_ID_RULE,
  type CategoriesMetrics,
  type CustomerBehaviourResponse,
  type IntentHistoryEntry,
  type IntentResponse,
  type IntentRun,
  type SessionMetricsResponse,
} from '../../contract';
import type { BehaviourDeps } from '../shared/serving/behaviour-ports';

/** What a route answers; the router adds the common headers. */
export interface BehaviourResult {
  status: number;
  body: string;
  cache: string;
  contentType?: string;
  headers?: Record<string, string>;
}

const CACHE = { document: 'private, max-age=300', customer: 'private, max-age=60', none: 'no-store' } as const;

const json = (status: number, body: unknown, cache: string): BehaviourResult => ({ status, body: JSON.stringify(body), cache });
const problem = (status: number, error: string, message: string, requestId: string): BehaviourResult =>
  json(status, { error, message, requestId }, CACHE.none);
const notComputed = (what: string, job: string, requestId: string) =>
  problem(404, 'not_computed', `The ${what} has not been computed yet: the behaviour job ${job} writes it.`, requestId);

const CUSTOMER = new RegExp(`^${API_ROUTES.customerBehaviour.replace('{userId}', '([^/]*)').replace(/\//g, '\\/')}$`);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
export const csvField = (v: unknown): string => {
  const text = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};
const csvLine = (fields: unknown[]): string => `${fields.map(csvField).join(',')}\r\n`;

/** Two tables in one file: the sessions (newest first), a blank line, then the top categories by rank. */
export const customerCsv = (body: CustomerBehaviourResponse): string =>
  [
    csvLine(['user_id', ...CUSTOMER_SESSION_COLUMNS]),
    ...body.recent_sessions.map((s) => csvLine([body.user_id, ...CUSTOMER_SESSION_COLUMNS.map((c) => s[c])])),
    '\r\n',
    csvLine(['user_id', 'rank', 'category_id', 'category_code', 'affinity']),
    ...body.top_categories.map((c, i) => csvLine([body.user_id, i + 1, c.category_id, c.category_code, c.affinity])),
  ].join('');

const customer = async (rawId: string, query: URLSearchParams, requestId: string, deps: BehaviourDeps): Promise<BehaviourResult> => {
  let userId: string;
  try {
    userId = decodeURIComponent(rawId);
  } catch {
    return problem(400, 'invalid_user_id', USER_ID_RULE, requestId);
  }
  if (!USER_ID_PATTERN.test(userId)) return problem(400, 'invalid_user_id', USER_ID_RULE, requestId);
  const format = query.get('format') ?? 'json';
  if (format !== 'json' && format !== 'csv') return problem(400, 'invalid_format', 'format is json (the default) or csv.', requestId);
  const item = await deps.store.customer(userId);
  const body: CustomerBehaviourResponse = {
    user_id: userId,
    known: item !== undefined,
    top_categories: item?.top_categories ?? [],
    recent_sessions: item?.recent_sessions ?? [],
    sessions_total: item?.sessions_total ?? 0,
  };
  if (format === 'json') return json(200, body, CACHE.customer);
  return {
    status: 200,
    body: customerCsv(body),
    cache: CACHE.customer,
    contentType: 'text/csv; charset=utf-8; header=present',
    headers: { 'content-disposition': `attachment; filename="customer-${userId}-behaviour.csv"` },
  };
};

const runRecord = async (runId: string | null, deps: BehaviourDeps): Promise<IntentRun | null> => {
  const run = runId === null ? undefined : await deps.documents.intentRun(runId);
  return isRecord(run) ? (run as unknown as IntentRun) : null;
};

const intent = async (requestId: string, deps: BehaviourDeps): Promise<BehaviourResult> => {
  const history = await deps.documents.intentHistory();
  if (history === undefined) return notComputed('intent model', 'intent', requestId);
  if (!isRecord(history) || !Array.isArray(history.runs)) throw new Error('models/intent/history.json has no runs array');
  const served = typeof history.served_run === 'string' ? history.served_run : null;
  const runs = history.runs.filter(isRecord) as unknown as IntentHistoryEntry[];
  const latest = runs.length > 0 ? runs[runs.length - 1].run_id : null;
  const categories = await deps.documents.topCategoriesMetrics();
  // The documents are the jobs' own (shapes in contract/behaviour-serving.ts); served as written.
  const body: IntentResponse = {
    served_run: served,
    run: await runRecord(served, deps),
    latest_run: latest === served ? null : await runRecord(latest, deps),
    served_abandonment_run: typeof history.served_abandonment_run === 'string' ? history.served_abandonment_run : null,
    runs,
    categories: isRecord(categories) ? (categories as unknown as CategoriesMetrics) : null,
  };
  return json(200, body, CACHE.document);
};

/** The answer for a behaviour path, or undefined when the path is not one of these routes. */
export const behaviourRoute = async (path: string, query: URLSearchParams, requestId: string, deps: BehaviourDeps): Promise<BehaviourResult | undefined> => {
  if (path === API_ROUTES.behaviourFunnel) {
    const funnel = await deps.documents.funnel();
    return funnel === undefined ? notComputed('funnel', 'funnel', requestId) : json(200, funnel, CACHE.document);
  }
  if (path === API_ROUTES.behaviourSessions) {
    const report = await deps.documents.sessionsReport();
    if (report === undefined || !isRecord(report)) return notComputed('sessions report', 'sessions', requestId);
    const body: SessionMetricsResponse = { report, metrics: (await deps.store.sessionMetrics()) ?? null };
    return json(200, body, CACHE.document);
  }
  if (path === API_ROUTES.behaviourIntent) return intent(requestId, deps);
  const match = CUSTOMER.exec(path);
  if (match) return customer(match[1], query, requestId, deps);
  return undefined;
};
