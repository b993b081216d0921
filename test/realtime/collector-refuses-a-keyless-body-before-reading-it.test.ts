// POST /events on the twin's server checks the store's write key from the headers before it reads a
// byte of the body: a 12 MiB POST without a key (or with a wrong one) is a 401 (403), not a connection
// reset after 10 MiB were read. Keyed requests still reach the collector with their body.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { COLLECTOR_ROUTE } from '../../lambdas/collector/collect';
import type * as CollectorLambda from '../../lambdas/collector/handler';
import { hashWriteKey, WRITE_KEY_HEADER, WRITE_KEYS_ENV } from '../../lambdas/collector/write-keys';
import { startLocalServer, type LocalServer } from '../../local/server/server';
import { loadLocalServing } from '../../local/server/serving';
import { writeSeedLake } from '../api/seed';
import { WEB_DIST } from '../web/site';

const KEY = 'wk_test_0d4e1f';
let server: LocalServer;
let lake: string;

before(async () => {
  lake = writeSeedLake();
  process.env[WRITE_KEYS_ENV] = JSON.stringify({ 'store-1': hashWriteKey(KEY) });
  const collector = require('../../lambdas/collector/handler') as typeof CollectorLambda;
  server = await startLocalServer({
    webDir: WEB_DIST,
    ...(await loadLocalServing(lake)),
    runtimeConfig: { apiUrl: '', auth: null },
    collector: collector.handler,
    collectorKeyCheck: collector.refuseWithoutKey,
  });
});
after(async () => {
  await server?.close();
  if (lake) rmSync(lake, { recursive: true, force: true });
});

/** POSTs `bytes` bytes in 64 KiB chunks; resolves with the status and body of the answer, however much was written by then. */
const postLarge = (bytes: number, headers: Record<string, string>) =>
  new Promise<{ status: number; body: string; written: number }>((resolve, reject) => {
    const req = request(`${server.url}${COLLECTOR_ROUTE}`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(bytes), ...headers } });
    let written = 0;
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body, written }));
    });
    req.on('error', reject);
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = () => {
      while (written < bytes) {
        written += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });

test('a 12 MiB POST without a write key is a 401 naming the header', async () => {
  const answer = await postLarge(12 * 1024 * 1024, {});
  assert.equal(answer.status, 401);
  assert.equal(JSON.parse(answer.body).error, 'missing_write_key');
});

test('a 12 MiB POST with a wrong write key is a 403', async () => {
  const answer = await postLarge(12 * 1024 * 1024, { [WRITE_KEY_HEADER]: `${KEY}x` });
  assert.equal(answer.status, 403);
  assert.equal(JSON.parse(answer.body).error, 'invalid_write_key');
});

test('with the key the body is read and judged by the collector: too large for it is a 413', async () => {
  const answer = await postLarge(512 * 1024, { [WRITE_KEY_HEADER]: KEY });
  assert.equal(answer.status, 413);
  assert.equal(JSON.parse(answer.body).error, 'body_too_large');
});
