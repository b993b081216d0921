/**
 * Issue 27.12: the OpenAPI document (contract/openapi.ts) describes the API as it answers. Its schemas
 * compile; it names every route of API_ROUTES and the collector's; real answers — the deployed API
 * handler's routing behind the local server, over the seeded purchases and the behaviour jobs'
 * committed output, and the collector's own function for its refusals — each match the schema the
 * document gives for their route, status and content type; docs/api.md lists exactly its operations.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ANALYTICS_DOCUMENTS, API_ROUTES, BEHAVIOUR_LAKE } from '../../contract';
import { COLLECTOR_PATH, OPENAPI } from '../../contract/openapi';
import { collect, COLLECTOR_ROUTE } from '../../lambdas/collector/collect';
import { hashWriteKey, writeKeys } from '../../lambdas/collector/write-keys';
import { startLocalServer, type LocalServer } from '../../local/server/server';
import { loadLocalServing } from '../../local/server/serving';
import { BEHAVIOUR_GOLDEN } from './behaviour-golden';
import { SEED_USERS, writeSeedLake } from './seed';
import { PRODUCT_WITHOUT_LIST, SEED_SIMILAR } from './seed-recommender';

// JSON Schema 2020-12, the dialect of OpenAPI 3.1 (ajv ships it as its own class; no types for the subpath here).
const Ajv2020 = require('ajv/dist/2020').default as new (options: object) => {
  addSchema(schema: object, key: string): void;
  compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown[] | null };
};

const ROOT = join(__dirname, '..', '..');
type Operation = { responses: Record<string, { content?: Record<string, { schema: object }> }> };
const paths = OPENAPI.paths as unknown as Record<string, Record<string, Operation>>;

const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema({ components: OPENAPI.components }, 'openapi');
/** The schema the document gives `method path` answering `status` with `type`, with its refs pointing into the document. */
const schemaFor = (path: string, method: string, status: number, type = 'application/json') => {
  const answer = paths[path]?.[method]?.responses[String(status)];
  assert.ok(answer, `the document has no ${status} answer for ${method.toUpperCase()} ${path}`);
  const schema = answer.content?.[type]?.schema;
  assert.ok(schema, `the document gives no ${type} body for ${status} of ${method.toUpperCase()} ${path}`);
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/')) as object;
};
const assertFollows = (path: string, method: string, status: number, body: unknown, type?: string) => {
  const validate = ajv.compile(schemaFor(path, method, status, type));
  assert.ok(validate(body), `${method.toUpperCase()} ${path} ${status}: ${JSON.stringify(validate.errors)}\n${JSON.stringify(body).slice(0, 400)}`);
};

const customerWithEvents = (): string => {
  const dir = join(BEHAVIOUR_GOLDEN, BEHAVIOUR_LAKE.topCategoriesPrefix);
  const file = readdirSync(dir, { recursive: true, encoding: 'utf8' }).find((f) => f.endsWith('.json'))!;
  return (JSON.parse(readFileSync(join(dir, file), 'utf8').split('\n')[0]) as { user_id: string }).user_id;
};

describe('the API answers as its OpenAPI document says', () => {
  let lake: string;
  let server: LocalServer;
  const get = async (route: string) => {
    const response = await fetch(`${server.url}${route}`);
    const type = (response.headers.get('content-type') ?? '').split(';')[0];
    return { status: response.status, type, body: type === 'application/json' ? await response.json() : await response.text() };
  };
  /** GET `concrete`, and check the answer against the document's entry for `route`. */
  const check = async (route: string, concrete = route, expected?: number) => {
    const answer = await get(concrete);
    if (expected !== undefined) assert.equal(answer.status, expected, `${concrete}: ${JSON.stringify(answer.body)}`);
    assertFollows(route, 'get', answer.status, answer.body, answer.type);
    return answer;
  };

  before(async () => {
    lake = writeSeedLake();
    cpSync(BEHAVIOUR_GOLDEN, lake, { recursive: true });
    const site = mkdtempSync(join(tmpdir(), 'recstream-openapi-site-'));
    server = await startLocalServer({ webDir: site, ...(await loadLocalServing(lake)), runtimeConfig: { apiUrl: '', auth: null } });
  });
  after(async () => {
    await server?.close();
    if (lake) rmSync(lake, { recursive: true, force: true });
  });

  it('is OpenAPI 3.1 and names every route the API and the collector serve', () => {
    assert.equal(OPENAPI.openapi, '3.1.0');
    assert.equal(COLLECTOR_PATH, COLLECTOR_ROUTE);
    const missing = Object.entries(API_ROUTES).filter(([, route]) => !(route in paths)).map(([name, route]) => `${name} ${route}`);
    assert.deepEqual(missing, [], 'routes of API_ROUTES without an entry in contract/openapi.ts');
    for (const path of Object.keys(paths)) assert.ok(path === COLLECTOR_PATH || Object.values<string>(API_ROUTES).includes(path), `${path} is not a route`);
    for (const [path, ops] of Object.entries(paths))
      for (const [method, op] of Object.entries(ops))
        for (const [status, answer] of Object.entries(op.responses))
          for (const type of Object.keys(answer.content ?? {})) ajv.compile(schemaFor(path, method, Number(status), type));
  });

  it('health, recommendations (known, unknown, bad id) and every analytics document', async () => {
    await check(API_ROUTES.health, API_ROUTES.health, 200);
    const route = API_ROUTES.recommendations;
    for (const user of SEED_USERS) await check(route, route.replace('{userId}', user.user_id), 200);
    await check(route, route.replace('{userId}', '999999999'), 200);
    await check(route, route.replace('{userId}', '12ab'), 400);
    for (const name of ANALYTICS_DOCUMENTS) await check(API_ROUTES.analytics, API_ROUTES.analytics.replace('{name}', name), 200);
    await check(API_ROUTES.analytics, API_ROUTES.analytics.replace('{name}', 'no_such_document'), 404);
  });

  it('the behaviour routes over the jobs’ real output, and a customer as JSON and CSV', async () => {
    await check(API_ROUTES.behaviourFunnel, API_ROUTES.behaviourFunnel, 200);
    await check(API_ROUTES.behaviourSessions, API_ROUTES.behaviourSessions, 200);
    await check(API_ROUTES.behaviourIntent, API_ROUTES.behaviourIntent, 200);
    const route = API_ROUTES.customerBehaviour;
    // A customer with events (the categories job served them) and one without.
    for (const id of [customerWithEvents(), SEED_USERS[0].user_id]) {
      await check(route, route.replace('{userId}', id), 200);
      await check(route, `${route.replace('{userId}', id)}?format=csv`, 200);
    }
    await check(route, `${route.replace('{userId}', customerWithEvents())}?format=xml`, 400);
  });

  it('the recommender routes (issue 21): the model card, a product with and without a list, a bad id', async () => {
    await check(API_ROUTES.recommenderModel, API_ROUTES.recommenderModel, 200);
    const route = API_ROUTES.similarProducts;
    await check(route, route.replace('{productId}', SEED_SIMILAR[0].product_id), 200);
    await check(route, route.replace('{productId}', PRODUCT_WITHOUT_LIST), 404);
    await check(route, route.replace('{productId}', '12ab'), 400);
  });

  it('the live route before the streaming job wrote a view', async () => {
    await check(API_ROUTES.live, API_ROUTES.live, 404);
  });

  it("the collector's refusals", async () => {
    const deps = { writeKeys: writeKeys({ shop: hashWriteKey('wk_test') }), send: async () => assert.fail('a refused request produces nothing') };
    const cases: [Record<string, string>, string | undefined, number][] = [
      [{}, '{"events":[]}', 401],
      [{ 'x-recstream-write-key': 'wrong' }, '{"events":[]}', 403],
      [{ 'x-recstream-write-key': 'wk_test' }, '', 400],
      [{ 'x-recstream-write-key': 'wk_test' }, 'not json', 400],
      [{ 'x-recstream-write-key': 'wk_test' }, '{"events":[]}', 400],
      [{ 'x-recstream-write-key': 'wk_test' }, JSON.stringify({ events: [{ event_type: 'view' }] }), 400],
      [{ 'x-recstream-write-key': 'wk_test' }, JSON.stringify({ events: Array.from({ length: 501 }, () => ({})) }), 413],
    ];
    for (const [headers, body, status] of cases) {
      const answer = await collect({ headers, body, requestId: 'req-1' }, deps);
      assert.equal(answer.status, status, JSON.stringify(answer));
      assertFollows(COLLECTOR_PATH, 'post', answer.status, JSON.parse(answer.body));
    }
  });

  it('docs/api.md lists exactly the operations of the document', () => {
    const documented = [...readFileSync(join(ROOT, 'docs', 'api.md'), 'utf8').matchAll(/^\| `(GET|POST) ([^`]+)`/gm)].map((m) => `${m[1]} ${m[2]}`);
    const operations = Object.entries(paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`));
    assert.deepEqual([...new Set(documented)].sort(), operations.sort());
  });
});
