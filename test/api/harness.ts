/** Runs one request through the Lambda handler and through the local HTTP server, for side-by-side assertions. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { LAMBDA_ENV, type WebRuntimeConfig } from '../../contract';
import { cachedFallback, type ApiDeps } from '../../lambdas/api/router';
import type { AnalyticsStore, RecommendationStore } from '../../lambdas/shared/serving/ports';
import { startLocalServer, type LocalServer } from '../../local/server/server';
import type * as ApiHandler from '../../lambdas/api/handler';

export const ORIGIN = 'https://shop.example';

export const apiGatewayEvent = (method: string, rawPath: string, requestId: string, stage = '$default'): APIGatewayProxyEventV2 => ({
  version: '2.0',
  routeKey: '$default',
  rawPath,
  rawQueryString: '',
  headers: { accept: 'application/json', origin: ORIGIN, host: 'abc123.execute-api.eu-west-1.amazonaws.com' },
  requestContext: {
    accountId: '123456789012',
    apiId: 'abc123',
    domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
    domainPrefix: 'abc123',
    http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'test' },
    requestId,
    routeKey: '$default',
    stage,
    time: '22/Nov/2026:03:00:00 +0000',
    timeEpoch: 1795143600000,
  },
  isBase64Encoded: false,
});

/** The Lambda module builds its AWS clients at load, so it needs its env first (no call reaches AWS). */
export const loadLambdaHandler = () => {
  process.env[LAMBDA_ENV.tableName] ??= 'recstream-test-table';
  process.env[LAMBDA_ENV.lakeBucket] ??= 'recstream-test-lake';
  process.env.AWS_REGION ??= 'eu-west-1';
  return require('../../lambdas/api/handler') as typeof ApiHandler;
};

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Headers node's http adds on the wire that API Gateway adds on its own side too. */
const TRANSPORT_HEADERS = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

/** Request ids differ by construction (API Gateway's vs a fresh UUID); everything else must not. */
export const normalise = (a: Answer): Answer => {
  const id = a.headers['x-request-id'];
  const headers = Object.fromEntries(
    Object.entries(a.headers)
      .filter(([k]) => !TRANSPORT_HEADERS.has(k))
      .map(([k, v]) => [k, k === 'x-request-id' ? '<request-id>' : v]),
  );
  return { status: a.status, headers, body: id ? a.body.split(id).join('<request-id>') : a.body };
};

export interface Stores {
  recommendations: RecommendationStore;
  analytics: AnalyticsStore;
}

export interface BothWays {
  lambda(method: string, path: string, stage?: string): Promise<Answer>;
  http(method: string, path: string): Promise<Answer>;
  server: LocalServer;
  close(): Promise<void>;
}

const RUNTIME_CONFIG: WebRuntimeConfig = { apiUrl: '', auth: null };

export const bothWays = async (stores: Stores, webDir: string, logError?: ApiDeps['logError']): Promise<BothWays> => {
  const { adaptEvent } = loadLambdaHandler();
  const deps: ApiDeps = { ...stores, fallback: cachedFallback(stores.recommendations), allowedOrigin: ORIGIN, logError };
  const server = await startLocalServer({ ...stores, webDir, runtimeConfig: RUNTIME_CONFIG, allowedOrigin: ORIGIN });
  let n = 0;
  return {
    server,
    async lambda(method, path, stage) {
      const r = await adaptEvent(apiGatewayEvent(method, path, `apigw-${++n}`, stage), deps);
      return { status: r.statusCode ?? 0, headers: (r.headers ?? {}) as Record<string, string>, body: r.body ?? '' };
    },
    async http(method, path) {
      const r = await fetch(server.url + path, { method, headers: { origin: ORIGIN } });
      return { status: r.status, headers: Object.fromEntries(r.headers), body: await r.text() };
    },
    close: () => server.close(),
  };
};

/** Counts lookups, to prove one key lookup per request. */
export const counting = (store: RecommendationStore) => {
  const keys: string[] = [];
  return { keys, store: { get: (id: string) => (keys.push(id), store.get(id)) } satisfies RecommendationStore };
};
