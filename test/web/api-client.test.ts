/**
 * The website's API client (web/src/api.ts) against the real API on the local
 * server: the sign-in seam's token goes out as a bearer header, answers map to
 * the page's states, and the client-side id check mirrors the API's.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { USER_ID_RULE } from '../../contract';
import { checkUserId, createApiClient, type Auth } from '../../web/src/api';
import { SEED_USERS, UNKNOWN_USER } from '../api/seed';
import { startSeededSite } from './site';

/** The site without sign-in (`config.auth` null): no token. */
const open: Auth = { accessToken: async () => null };

describe('web API client', () => {
  let site: { url: string; close(): Promise<void> };
  before(async () => {
    site = await startSeededSite();
  });
  after(() => site.close());

  it('maps the API answers to the page states', async () => {
    const api = createApiClient(site.url, open);
    const known = await api.recommendations(SEED_USERS[0].user_id);
    assert.ok(known.ok && known.data.personalized && known.data.recommendations.length === 3);
    const fallback = await api.recommendations(UNKNOWN_USER);
    assert.ok(fallback.ok && fallback.data.source === 'fallback' && !fallback.data.personalized);
    assert.deepEqual(await api.recommendations('12ab'), { ok: false, kind: 'bad-input', message: USER_ID_RULE });
    const top = await api.analytics('top_customers');
    assert.ok(top.ok && top.data.length === 10);
  });

  it('the client-side check agrees with the API on every id', async () => {
    for (const id of ['1', '1515915625440942150', '12345678901234567890', '123456789012345678901', '12ab', '', '-1', '1.5']) {
      const local = checkUserId(id);
      const r = await fetch(`${site.url}/users/${encodeURIComponent(id)}/recommendations`);
      const apiAccepts = r.status !== 400 && r.status !== 404;
      assert.equal(local.ok, apiAccepts, `id ${JSON.stringify(id)}: client ${local.ok}, API ${r.status}`);
    }
  });

  it('sends the sign-in token as a bearer header, and none without sign-in', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await createApiClient(url, { accessToken: async () => 'token-123' }).analytics('summary');
      await createApiClient(url, open).analytics('summary');
      assert.equal(seen[0].authorization, 'Bearer token-123');
      assert.equal(seen[1].authorization, undefined);
    } finally {
      server.close();
    }
  });

  it('an unreachable API and a failed sign-in are told apart', async () => {
    const down = createApiClient('http://127.0.0.1:9', open);
    const r = await down.recommendations('1');
    assert.equal(!r.ok && r.kind, 'unreachable');
    const signIn = createApiClient(site.url, { accessToken: () => Promise.reject(new Error('the provider is unreachable')) });
    const s = await signIn.recommendations('1');
    assert.ok(!s.ok && s.kind === 'failed' && s.status === 401 && /provider is unreachable/.test(s.message));
  });
});
