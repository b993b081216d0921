/**
 * Issue 27.9 and 27.11: what the served summary tells a newcomer to run runs. The printed `curl` is run
 * as printed (bash, the real curl) against a loopback server that keeps what arrives: the write key
 * arrives in the header, and every event of the body passes the collector's own rules with an
 * event time of now. The replay line names the run's broker. The API's bad-id example is a customer
 * of the demo data.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { BEHAVIOUR_LAKE, EXAMPLE_USER_ID, LAKE, USER_ID_RULE } from '../../contract';
import { toBehaviourEvent } from '../../lambdas/collector/behaviour-rules';
import { WRITE_KEY_HEADER } from '../../lambdas/collector/write-keys';
import { generate } from '../../local/generator/generate';
import type { TwinSummary } from '../../local/pipeline/run';
import { summaryLines } from '../../local/pipeline/summary';
import { browsingCustomers, exampleUsers } from '../../local/pipeline/example-users';
import { folderLake } from '../../local/server/folder-lake';

const served = (): TwinSummary => ({
  csv: '/repo/.work/local/data/generated-200000-seed-20200424.csv.gz',
  lake: '/repo/.work/local/lake',
  upload: { endpoint: 'http://127.0.0.1:44335', bucket: 'landing', key: 'uploads/generated-200000-seed-20200424.csv.gz' },
  clean: undefined,
  metrics: undefined,
  exampleUsers: { users: [EXAMPLE_USER_ID, '1515915625440001748'], sources: ['repeat', 'category', 'popular'], product: '1515966223509088509' },
  timings: [{ stage: 'ingest', ms: 8000 }],
  signIn: { username: 'analyst', password: 'pw', accessLog: '/repo/.work/local/logs/api-access.log' },
  collector: { route: '/events', header: WRITE_KEY_HEADER, store: 'demo-store', writeKey: 'wk_demo_AbC-123_x', brokers: '127.0.0.1:40123' },
  behaviour: undefined,
});

/** The line after the one matching `label`: the summary prints each command indented under its label. */
const commandAfter = (lines: string[], label: RegExp): string => {
  const at = lines.findIndex((l) => label.test(l));
  assert.ok(at >= 0, `a line matching ${label}`);
  return lines[at + 1].trim();
};

test('the printed curl runs as printed and posts one event, stamped now, that the collector takes', async () => {
  const received: { headers: Record<string, string | string[] | undefined>; body: string; url?: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body, url: req.url });
      res.writeHead(202, { 'content-type': 'application/json' }).end('{"accepted":1}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const now = Date.now();
    const lines = summaryLines(served(), url, now);
    const curl = commandAfter(lines, /storefront events/);
    assert.doesNotMatch(curl, /…/, 'no ellipsis left for the reader to fill in');
    // Run by bash as a reader would paste it (async: the server answering it lives in this process).
    await promisify(execFile)('bash', ['-c', `${curl} --silent --show-error --fail --max-time 20`]);
    assert.equal(received.length, 1);
    const [request] = received;
    assert.equal(request.url, '/events');
    assert.equal(request.headers[WRITE_KEY_HEADER], 'wk_demo_AbC-123_x');
    const { events } = JSON.parse(request.body) as { events: Record<string, unknown>[] };
    assert.equal(events.length, 1);
    const outcome = toBehaviourEvent(events[0], 'collector/demo-store/test', 2);
    assert.ok(!('reason' in outcome), JSON.stringify(outcome));
    assert.ok(Math.abs(outcome.timeMs - now) < 1000, `stamped now: ${events[0].event_time}`);
    assert.equal(events[0].user_id, EXAMPLE_USER_ID, 'a customer the site has');
    assert.equal(events[0].product_id, '1515966223509088509', 'a product the recommendations serve');
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test('the replay line is the exact command with the run’s broker and data file', () => {
  const lines = summaryLines(served(), 'http://127.0.0.1:8080');
  assert.equal(
    commandAfter(lines, /replay a CSV/),
    'npx tsx local/bin/recstream.ts replay /repo/.work/local/data/generated-200000-seed-20200424.csv.gz --brokers 127.0.0.1:40123 --speed 60',
  );
});

test('the example ids come with the card reasons their pages show, in the badges’ words', () => {
  const lines = summaryLines(served(), 'http://127.0.0.1:8080');
  assert.ok(lines.includes(`  try user ids: ${EXAMPLE_USER_ID}, 1515915625440001748 (their cards say: bought before, their category, popular now)`), lines.join('\n'));
});

test("the bad-id message's example is a customer of the demo data", () => {
  assert.match(USER_ID_RULE, new RegExp(`e\\.g\\. ${EXAMPLE_USER_ID}\\.$`));
  let found = false;
  let rows = 0;
  for (const line of generate({ rows: 2_000 })) {
    if (rows++ > 0 && line.trimEnd().endsWith(`,${EXAMPLE_USER_ID}`)) found = true;
  }
  assert.ok(found, `${EXAMPLE_USER_ID} buys in the first 2,000 generated rows`);
});

test('the example customers cover every card reason served, each one who browsed where one did (issue 27.6)', async () => {
  const lake = mkdtempSync(join(tmpdir(), 'recstream-examples-'));
  const item = (product: string, source: string) => ({ product_id: product, score: 1, category_code: null, brand: null, price: '1.00', source, ...(source === 'repeat' ? { times_bought: 1 } : {}) });
  const list = (user: string, sources: string[]) => JSON.stringify({ user_id: user, source: sources[0], recommendations: sources.map((s, i) => item(String(10 + i), s)) });
  const write = (key: string, lines: string[]) => {
    mkdirSync(join(lake, dirname(key)), { recursive: true });
    writeFileSync(join(lake, key), `${lines.join('\n')}\n`);
  };
  try {
    write(`${LAKE.recommendationsPrefix}part-00000.json`, [
      list('101', ['repeat', 'category', 'popular']),
      list('102', ['repeat', 'category', 'popular']),
      list('103', ['popular', 'popular', 'popular']),
      list('104', ['repeat', 'als', 'popular']),
    ]);
    write(`${BEHAVIOUR_LAKE.topCategoriesPrefix}part-00000.json`, [JSON.stringify({ user_id: '102', categories: [] }), 'not json']);
    const folder = folderLake(lake);
    const browsed = await browsingCustomers(folder);
    assert.deepEqual([...browsed], ['102']);
    const examples = await exampleUsers(folder, 4, (u) => browsed.has(u));
    assert.deepEqual(examples.users, ['102', '104']);
    assert.deepEqual(new Set(examples.sources), new Set(['repeat', 'category', 'popular', 'als']));
  } finally {
    rmSync(lake, { recursive: true, force: true });
  }
});
