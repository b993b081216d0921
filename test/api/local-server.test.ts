/**
 * The local server's site side: built files with their content types and
 * cache rules, the SPA fallback, /config.json from the runtime config, no way
 * out of the site folder, and loopback-only binding unless asked.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { WebRuntimeConfig } from '../../contract';
import { MemoryRecommendationStore } from '../../local/server/memory-store';
import { startLocalServer, type LocalServer } from '../../local/server/server';

const stores = { recommendations: new MemoryRecommendationStore(), analytics: { get: async () => undefined } };
const runtimeConfig: WebRuntimeConfig = { apiUrl: '', auth: { authority: 'http://127.0.0.1:9/oidc', clientId: 'site', scopes: 'openid' } };

/** fetch() normalises `..` away; send the raw path. */
const rawGet = (url: string, path: string) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(url + path, { method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });

describe('local server: the built site', () => {
  let root: string;
  let site: string;
  let server: LocalServer;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'recstream-site-'));
    site = join(root, 'dist');
    mkdirSync(join(site, 'assets'), { recursive: true });
    writeFileSync(join(site, 'index.html'), '<!doctype html><title>t</title>');
    writeFileSync(join(site, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(join(site, 'assets', 'index-abc123.css'), 'body{}');
    writeFileSync(join(site, 'favicon.svg'), '<svg/>');
    writeFileSync(join(root, 'secret.txt'), 'outside the site');
    server = await startLocalServer({ ...stores, webDir: site, runtimeConfig });
  });
  after(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('binds 127.0.0.1 on a free port by default', () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('serves files with their content types; fingerprinted assets are immutable, the page is revalidated', async () => {
    const cases: [string, string, string][] = [
      ['/', 'text/html; charset=utf-8', 'no-cache'],
      ['/index.html', 'text/html; charset=utf-8', 'no-cache'],
      ['/assets/index-abc123.js', 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable'],
      ['/assets/index-abc123.css', 'text/css; charset=utf-8', 'public, max-age=31536000, immutable'],
      ['/favicon.svg', 'image/svg+xml', 'no-cache'],
    ];
    for (const [path, type, cache] of cases) {
      const r = await fetch(server.url + path);
      assert.equal(r.status, 200, path);
      assert.equal(r.headers.get('content-type'), type, path);
      assert.equal(r.headers.get('cache-control'), cache, path);
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    }
    assert.equal(await (await fetch(server.url + '/assets/index-abc123.js')).text(), 'console.log(1)');
  });

  it('a rebuilt file is served fresh', async () => {
    writeFileSync(join(site, 'favicon.svg'), '<svg id="rebuilt"/>');
    assert.equal(await (await fetch(server.url + '/favicon.svg')).text(), '<svg id="rebuilt"/>');
  });

  it('client-side routes fall back to index.html; missing assets are 404', async () => {
    const route = await fetch(server.url + '/dashboard');
    assert.equal(route.status, 200);
    assert.match(await route.text(), /<title>t<\/title>/);
    assert.equal((await fetch(server.url + '/assets/missing-123.js')).status, 404);
  });

  it('serves /config.json from the runtime config', async () => {
    const r = await fetch(server.url + '/config.json');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('cache-control'), 'no-cache');
    assert.deepEqual(await r.json(), runtimeConfig);
  });

  it('never serves a file outside the site folder', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%2fsecret.txt']) {
      const r = await rawGet(server.url, path);
      assert.equal(r.status, 404, path);
      assert.doesNotMatch(r.body, /outside the site/, path);
    }
    // A NUL byte is no file name: the page itself answers, never an error page.
    assert.doesNotMatch((await rawGet(server.url, '/%00')).body, /outside the site/);
  });

  it('routes API paths to the API, not to the site', async () => {
    const r = await fetch(server.url + '/users/12ab/recommendations');
    assert.equal(r.status, 400);
    assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal((await fetch(server.url + '/health')).status, 200);
  });

  it('refuses other methods on the site', async () => {
    assert.equal((await fetch(server.url + '/index.html', { method: 'POST' })).status, 405);
  });
});

describe('local server: setup errors', () => {
  it('says how to build the site when it is not built', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'recstream-nosite-'));
    const server = await startLocalServer({ ...stores, webDir: empty, runtimeConfig });
    try {
      const r = await fetch(server.url + '/');
      assert.equal(r.status, 503);
      assert.match(await r.text(), /npm run build:web/);
    } finally {
      await server.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('refuses to bind beyond loopback unless exposeBeyondLoopback is set', async () => {
    await assert.rejects(startLocalServer({ ...stores, webDir: '/nonexistent', runtimeConfig, host: '0.0.0.0' }), /refusing to bind 0\.0\.0\.0/);
  });
});
