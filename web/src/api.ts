import {
  API_ROUTES,
  USER_ID_PATTERN,
  USER_ID_RULE,
  type AnalyticsDocument,
  type AnalyticsDocuments,
  type CustomerBehaviourResponse,
  type FunnelDocument,
  type IntentResponse,
  type LiveView,
  type ProductSimilar,
  type RecommendationsResponse,
  type RecommenderModelResponse,
  type SessionMetricsResponse,
} from '../../contract';

/**
 * Where the client gets its bearer token before every call (web/src/auth.ts
 * signs in); null means the API is open (`config.auth` null).
 */
export interface Auth {
  accessToken(): Promise<string | null>;
}

export type Failure =
  | { kind: 'bad-input'; message: string }
  | { kind: 'unreachable'; message: string }
  | { kind: 'failed'; status: number; message: string; requestId?: string };
export type Result<T> = { ok: true; data: T } | ({ ok: false } & Failure);

/** Mirrors the API's own check, so a typo never costs a round trip. */
export const checkUserId = (raw: string): Result<string> => {
  const id = raw.trim();
  return USER_ID_PATTERN.test(id) ? { ok: true, data: id } : { ok: false, kind: 'bad-input', message: USER_ID_RULE };
};

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export interface ApiClient {
  recommendations(userId: string): Promise<Result<RecommendationsResponse>>;
  analytics<K extends AnalyticsDocument>(name: K): Promise<Result<AnalyticsDocuments[K]>>;
  /** Issue 15: the behaviour documents and one customer's categories and sessions (`csv`: the export's text). */
  behaviour: {
    funnel(): Promise<Result<FunnelDocument>>;
    sessions(): Promise<Result<SessionMetricsResponse>>;
    intent(): Promise<Result<IntentResponse>>;
    customer(userId: string): Promise<Result<CustomerBehaviourResponse>>;
    customerCsv(userId: string): Promise<Result<string>>;
  };
  /** Issue 16: the streaming job's live view. */
  live(): Promise<Result<LiveView>>;
  /** Issue 21: the recommender's model card and run history, and a product's item-to-item list. */
  recommender: {
    model(): Promise<Result<RecommenderModelResponse>>;
    similar(productId: string): Promise<Result<ProductSimilar>>;
  };
  /** Where the API is, for messages: its URL, or "this site" when it shares the site's origin. */
  readonly baseUrl: string;
}

export const createApiClient = (apiUrl: string, auth: Auth): ApiClient => {
  /** `read` parses a successful body (JSON unless told otherwise); an error body is always the API's JSON. */
  const get = async <T,>(path: string, read: (r: Response) => Promise<T> = (r) => r.json() as Promise<T>): Promise<Result<T>> => {
    let token: string | null;
    try {
      token = await auth.accessToken();
    } catch (error) {
      return { ok: false, kind: 'failed', status: 401, message: errorText(error) };
    }
    let response: Response;
    try {
      response = await fetch(`${apiUrl}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    } catch (error) {
      return { ok: false, kind: 'unreachable', message: errorText(error) };
    }
    const body = (await (response.ok ? read(response) : response.json()).catch(() => undefined)) as (T & { message?: string; requestId?: string }) | undefined;
    if (response.ok && body !== undefined) return { ok: true, data: body };
    if (response.status === 400 && body?.message) return { ok: false, kind: 'bad-input', message: body.message };
    // A proxy in front of a stopped API answers 502/504 without our JSON body.
    if (body === undefined && response.status >= 502) return { ok: false, kind: 'unreachable', message: `HTTP ${response.status}` };
    return { ok: false, kind: 'failed', status: response.status, message: body?.message ?? `HTTP ${response.status}`, requestId: body?.requestId };
  };
  return {
    baseUrl: apiUrl || 'this site',
    recommendations: (userId) => get(API_ROUTES.recommendations.replace('{userId}', encodeURIComponent(userId))),
    analytics: (name) => get(API_ROUTES.analytics.replace('{name}', name)),
    behaviour: {
      funnel: () => get(API_ROUTES.behaviourFunnel),
      sessions: () => get(API_ROUTES.behaviourSessions),
      intent: () => get(API_ROUTES.behaviourIntent),
      customer: (userId) => get(API_ROUTES.customerBehaviour.replace('{userId}', encodeURIComponent(userId))),
      customerCsv: (userId) => get(`${API_ROUTES.customerBehaviour.replace('{userId}', encodeURIComponent(userId))}?format=csv`, (r) => r.text()),
    },
    live: () => get(API_ROUTES.live),
    recommender: {
      model: () => get(API_ROUTES.recommenderModel),
      similar: (productId) => get(API_ROUTES.similarProducts.replace('{productId}', encodeURIComponent(productId))),
    },
  };
};
