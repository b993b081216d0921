/**
 * The twin's web server: the recommendation API and the built site, on one
 * origin, on loopback by default. The API is either the deployed Lambda's
 * handler, invoked with the event API Gateway would send (the twin), or the
 * handleRequest it wraps, on stores given here (tests and benches).
 */
import { randomUUID } from 'node:crypto';
import type { Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { extname, join, normalize, sep } from 'node:path';
import { API_ROUTES, WEB_RUNTIME_CONFIG_FILE, type WebRuntimeConfig } from '../../contract';
import { cachedFallback, handleRequest, isApiPath, unparsableRequest, type ApiDeps, type ApiResponse } from '../../lambdas/api/router';
import type { BehaviourDeps } from '../../lambdas/shared/serving/behaviour-ports';
import type { AnalyticsStore, RecommendationStore } from '../../lambdas/shared/serving/ports';
import type { RecommenderDocuments } from '../../lambdas/shared/serving/recommender-documents';
import type { LiveStore } from '../../lambdas/api/live';
import type { LiveRecommendations } from '../../lambdas/api/live-recommendations';
import { COLLECTOR_ROUTE } from '../../lambdas/collector/collect';
import { createJwtAuthorizer, type JwtAuthorizerOptions, type Principal } from '../auth/verify';

/** The API Lambda's `handler` (lambdas/api/handler.ts), loaded once its environment is set. */
export type ApiLambda = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/** The API's data: the deployed handler with its own clients, or stores for handleRequest. */
export type ApiBackend =
  | { lambda: ApiLambda }
  | {
      recommendations: RecommendationStore;
      analytics: AnalyticsStore;
      behaviour?: BehaviourDeps;
      live?: LiveStore;
      recommender?: RecommenderDocuments;
      liveRecommendations?: LiveRecommendations;
    };

export type LocalServerOptions = ApiBackend & ServerSettings;

interface ServerSettings {
  /** 127.0.0.1 unless `exposeBeyondLoopback` is set: the data is a store's customers. */
  host?: string;
  exposeBeyondLoopback?: boolean;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The built site, normally `web/dist`. */
  webDir: string;
  /** Served as `/config.json`; an empty `apiUrl` means "this origin". */
  runtimeConfig: WebRuntimeConfig;
  /** CORS origin for API calls from another origin (a Vite dev server); none by default. With `lambda`, its `ALLOWED_ORIGIN` decides. */
  allowedOrigin?: string;
  /**
   * Require a valid bearer token on every API route but /health, checked as API
   * Gateway's JWT authorizer does, before the API code runs. Without it the API is open.
   */
  auth?: JwtAuthorizerOptions;
  /** One entry per API request (as the HTTP API's access log): who asked for which path. Never the token. */
  accessLog?: (entry: AccessLogEntry) => void;
  /**
   * The collector Lambda's handler (lambdas/collector/handler.ts) behind `POST /events`, as on the HTTP
   * API: no token check (it checks the store's write key itself). Not mounted without it.
   */
  collector?: ApiLambda;
  /** The collector's write-key check on the headers alone (lambdas/collector/handler.ts refuseWithoutKey): a keyless body is never read. */
  collectorKeyCheck?: (headers: Record<string, string | undefined>, requestId: string) => APIGatewayProxyStructuredResultV2 | undefined;
}

/** API Gateway's payload limit: a larger body never reaches the function. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

export interface AccessLogEntry {
  requestId: string;
  time: string;
  method: string;
  path: string;
  status: number;
  sub?: string;
  username?: string;
}

export interface LocalServer {
  url: string;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const SITE_HEADERS = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };

const send = (res: ServerResponse, status: number, headers: Record<string, string>, body: string, head: boolean): void => {
  res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
  res.end(head ? undefined : body);
};

/** The file a site path names, or undefined when it would leave the site folder. */
const sitePath = (webDir: string, urlPath: string): string | undefined => {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const file = normalize(join(webDir, decoded));
  return file === webDir || file.startsWith(webDir + sep) ? file : undefined;
};

const fileAt = async (path: string | undefined) => (path ? await stat(path).then((s) => (s.isFile() ? s : undefined), () => undefined) : undefined);

/**
 * The built site's files, kept in memory after the first read (a few hundred
 * KiB); a rebuild changes mtime or size, which reloads the file.
 */
const fileCache = new Map<string, { mtimeMs: number; size: number; body: Buffer }>();
const CACHE_MAX_FILE = 2 * 1024 * 1024;
const fileBody = async (path: string, found: Stats): Promise<Buffer> => {
  const cached = fileCache.get(path);
  if (cached && cached.mtimeMs === found.mtimeMs && cached.size === found.size) return cached.body;
  const body = await readFile(path);
  if (found.size <= CACHE_MAX_FILE) fileCache.set(path, { mtimeMs: found.mtimeMs, size: found.size, body });
  return body;
};

const serveStatic = async (webDir: string, urlPath: string, req: IncomingMessage, res: ServerResponse): Promise<void> => {
  const head = req.method === 'HEAD';
  if (req.method !== 'GET' && !head) return send(res, 405, { ...SITE_HEADERS, allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }, 'Method not allowed\n', head);
  let path = sitePath(webDir, urlPath === '/' ? '/index.html' : urlPath);
  let found = await fileAt(path);
  // Client-side routes have no extension; unknown asset files stay 404s.
  if (!found && extname(urlPath) === '') {
    path = join(webDir, 'index.html');
    found = await fileAt(path);
    if (!found) {
      return send(res, 503, { ...SITE_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }, 'The site is not built: run npm run build:web\n', head);
    }
  }
  if (!found || !path) return send(res, 404, { ...SITE_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }, 'Not found\n', head);
  // Vite fingerprints everything under assets/, so those never change; the page itself must be revalidated.
  const immutable = urlPath.startsWith('/assets/');
  const body = head ? undefined : await fileBody(path, found);
  res.writeHead(200, {
    ...SITE_HEADERS,
    'content-type': CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream',
    'content-length': String(body?.length ?? found.size),
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  res.end(body);
};

/** API Gateway's answer to a request its authorizer turns away. */
const unauthorized = (reason: string, requestId: string, allowedOrigin: string | undefined): ApiResponse => ({
  status: 401,
  headers: {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    'x-request-id': requestId,
    'www-authenticate': `Bearer error="invalid_token", error_description="${reason.replace(/"/g, "'")}"`,
    ...(allowedOrigin ? { 'access-control-allow-origin': allowedOrigin, 'access-control-expose-headers': 'x-request-id, www-authenticate', vary: 'Origin' } : {}),
  },
  body: JSON.stringify({ message: 'Unauthorized', requestId }),
});

/** The HTTP API (payload v2) event for a request, as API Gateway's `$default` stage sends it; multi-value headers joined by commas. */
const apiGatewayEvent = (req: IncomingMessage, url: string, requestId: string): APIGatewayProxyEventV2 => {
  const [rawPath, rawQueryString = ''] = url.split(/\?(.*)/s);
  const headers = Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(',') : value]));
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: req.headers.host ?? 'localhost',
      domainPrefix: (req.headers.host ?? 'localhost').split('.')[0],
      http: { method: req.method ?? 'GET', path: rawPath, protocol: `HTTP/${req.httpVersion}`, sourceIp: req.socket.remoteAddress ?? '', userAgent: req.headers['user-agent'] ?? '' },
      requestId,
      routeKey: '$default',
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: false,
  };
};

const fromLambda = (result: APIGatewayProxyStructuredResultV2): ApiResponse => ({
  status: result.statusCode ?? 200,
  headers: Object.fromEntries(Object.entries(result.headers ?? {}).map(([name, value]) => [name, String(value)])),
  body: result.body ?? '',
});

/** How the API answers a request that passed the token check. */
const apiAnswerer = (opts: LocalServerOptions): ((req: IncomingMessage, url: string, requestId: string) => Promise<ApiResponse>) => {
  if ('lambda' in opts) {
    const { lambda } = opts;
    return async (req, url, requestId) => fromLambda(await lambda(apiGatewayEvent(req, url, requestId)));
  }
  const deps: ApiDeps = {
    recommendations: opts.recommendations,
    fallback: cachedFallback(opts.recommendations),
    analytics: opts.analytics,
    behaviour: opts.behaviour,
    live: opts.live,
    recommender: opts.recommender,
    liveRecommendations: opts.liveRecommendations,
    allowedOrigin: opts.allowedOrigin,
  };
  return (req, url, requestId) => handleRequest({ method: req.method ?? 'GET', path: url, headers: req.headers as Record<string, string>, requestId }, deps);
};

/** The body as API Gateway hands it to the function, or undefined when it is over the payload limit. */
const readBody = async (req: IncomingMessage): Promise<string | undefined> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_PAYLOAD_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
};

/** `POST /events` as the HTTP API routes it: other methods are not a route (404, API Gateway's body). */
const collectorAnswerer =
  (collector: ApiLambda, keyCheck: LocalServerOptions['collectorKeyCheck']) =>
  async (req: IncomingMessage, url: string, requestId: string): Promise<ApiResponse> => {
    const json = { 'content-type': 'application/json' };
    if (req.method !== 'POST') return { status: 404, headers: json, body: JSON.stringify({ message: 'Not Found' }) };
    const refused = keyCheck?.(req.headers as Record<string, string | undefined>, requestId);
    if (refused) {
      req.resume(); // discarded unread, so the answer is not a reset while the sender is still writing
      return fromLambda(refused);
    }
    const body = await readBody(req);
    if (body === undefined) return { status: 413, headers: json, body: JSON.stringify({ message: 'Request Entity Too Large' }) };
    return fromLambda(await collector({ ...apiGatewayEvent(req, url, requestId), body: body === '' ? undefined : body }));
  };

/** What node's parser says when it refuses a request, in the status it would have sent itself. */
const refusal = (error: NodeJS.ErrnoException): { status: number; message: string } =>
  error.code === 'HPE_HEADER_OVERFLOW'
    ? { status: 431, message: 'The request headers are too large.' }
    : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? { status: 408, message: 'The request was not received in time.' }
      : { status: 400, message: 'The request is not valid HTTP/1.1 (request line or headers).' };

/**
 * A request node's HTTP parser refuses never reaches the handler; node would answer a
 * bare 400. Answer it with the API's JSON error body instead, then close the connection.
 */
const answerClientError = (error: NodeJS.ErrnoException, socket: Duplex): void => {
  if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
  const { status, message } = refusal(error);
  const response = unparsableRequest(status, message, randomUUID());
  const headers = { ...response.headers, 'content-length': String(Buffer.byteLength(response.body)), connection: 'close' };
  const head = [`HTTP/1.1 ${status} ${STATUS_CODES[status]}`, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)].join('\r\n');
  socket.end(`${head}\r\n\r\n${response.body}`);
};

export const startLocalServer = async (opts: LocalServerOptions): Promise<LocalServer> => {
  const host = opts.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host) && !opts.exposeBeyondLoopback) {
    throw new Error(`refusing to bind ${host}: the site shows customers' data; pass exposeBeyondLoopback to mean it`);
  }
  const webDir = normalize(opts.webDir).replace(/[\\/]+$/, '');
  const answer = apiAnswerer(opts);
  const configBody = JSON.stringify(opts.runtimeConfig);
  const authorize = opts.auth ? createJwtAuthorizer(opts.auth) : undefined;
  const collect = opts.collector ? collectorAnswerer(opts.collector, opts.collectorKeyCheck) : undefined;
  // CORS preflights carry no token by design; API Gateway answers them before its authorizer too.
  const isOpen = (method: string, path: string) => method === 'OPTIONS' || path === API_ROUTES.health;

  const serveApi = async (req: IncomingMessage, url: string, path: string) => {
    const method = req.method ?? 'GET';
    const requestId = randomUUID();
    let principal: Principal | undefined;
    let response: ApiResponse | undefined;
    if (authorize && !isOpen(method, path)) {
      const verdict = await authorize(req.headers.authorization);
      if (verdict.ok) principal = verdict.principal;
      else response = unauthorized(verdict.reason, requestId, opts.allowedOrigin);
    }
    response ??= await answer(req, url, requestId);
    opts.accessLog?.({ requestId, time: new Date().toISOString(), method, path, status: response.status, ...principal });
    return response;
  };

  const serveCollector = async (req: IncomingMessage, url: string, path: string) => {
    const requestId = randomUUID();
    const response = await collect!(req, url, requestId);
    opts.accessLog?.({ requestId, time: new Date().toISOString(), method: req.method ?? 'GET', path, status: response.status });
    return response;
  };

  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const path = url.split('?')[0];
    const head = req.method === 'HEAD';
    const work =
      collect && path === COLLECTOR_ROUTE
        ? serveCollector(req, url, path).then((r) => send(res, r.status, r.headers, r.body, head))
        : isApiPath(path)
          ? serveApi(req, url, path).then((r) => send(res, r.status, r.headers, r.body, head))
          : path === `/${WEB_RUNTIME_CONFIG_FILE}`
            ? Promise.resolve(send(res, 200, { ...SITE_HEADERS, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache' }, configBody, head))
            : serveStatic(webDir, path, req, res);
    work.catch((error: unknown) => {
      console.error(JSON.stringify({ msg: 'local server error', path, error: String(error) }));
      if (!res.headersSent) send(res, 500, { 'content-type': 'text/plain; charset=utf-8' }, 'Internal error\n', head);
      else res.destroy();
    });
  });

  server.on('clientError', answerClientError);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
};
