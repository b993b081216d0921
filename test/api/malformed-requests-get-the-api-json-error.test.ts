/**
 * Requests that are not well-formed still get the API's JSON error body: an empty
 * user id is a bad id (400, not a missing route), and a request node's HTTP parser
 * refuses (which never reaches the handler) gets the same `{ error, message,
 * requestId }` shape from the local server instead of node's bare 400. Sent over
 * raw sockets, because fetch and http.request would refuse to send them.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { USER_ID_RULE } from '../../contract';
import { MemoryRecommendationStore } from '../../local/server/memory-store';
import { startLocalServer, type LocalServer } from '../../local/server/server';

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Writes `bytes` to the server as they are and reads the answer until the server closes or a full response is in. */
const raw = (url: string, bytes: string): Promise<RawAnswer> =>
  new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname);
    let text = '';
    const done = () => {
      const [head, ...rest] = text.split('\r\n\r\n');
      const [statusLine, ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') });
    };
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
      const [head, body = ''] = text.split('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(head)?.[1];
      if (length !== undefined && Buffer.byteLength(body) >= Number(length)) socket.destroy(), done();
    });
    socket.on('end', done);
    socket.on('error', reject);
    socket.write(bytes);
  });

const assertJsonError = (a: RawAnswer, status: number, error: string) => {
  assert.equal(a.status, status, JSON.stringify(a));
  assert.equal(a.headers['content-type'], 'application/json; charset=utf-8');
  const body = JSON.parse(a.body);
  assert.equal(body.error, error);
  assert.equal(typeof body.message, 'string');
  assert.ok(body.message.length > 0);
  assert.equal(body.requestId, a.headers['x-request-id'], 'the body names the request id the headers carry');
  return body;
};

describe('malformed requests get the API’s JSON error', () => {
  let site: string;
  let server: LocalServer;

  before(async () => {
    site = mkdtempSync(join(tmpdir(), 'recstream-empty-site-'));
    server = await startLocalServer({ recommendations: new MemoryRecommendationStore(), analytics: { get: async () => undefined }, webDir: site, runtimeConfig: { apiUrl: '', auth: null } });
  });
  after(async () => {
    await server.close();
    rmSync(site, { recursive: true, force: true });
  });

  it('/users//recommendations is a bad id: 400 with the id rule, like any other bad id', async () => {
    const a = await raw(server.url, 'GET /users//recommendations HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    assert.equal(assertJsonError(a, 400, 'invalid_user_id').message, USER_ID_RULE);
  });

  const refused: [string, string, number][] = [
    ['a header line without a colon', 'GET /health HTTP/1.1\r\nHost: localhost\r\nthis is not a header\r\n\r\n', 400],
    ['a space inside the request target', 'GET /users/1 2/recommendations HTTP/1.1\r\nHost: localhost\r\n\r\n', 400],
    ['a request line that is not HTTP', 'HELLO\r\n\r\n', 400],
    ['a header with a control character', 'GET /health HTTP/1.1\r\nHost: local\x01host\r\n\r\n', 400],
    ['a bad Content-Length', 'GET /health HTTP/1.1\r\nHost: localhost\r\nContent-Length: abc\r\n\r\n', 400],
    ['headers larger than node accepts', `GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
  ];
  for (const [what, bytes, status] of refused) {
    it(`${what}: ${status} with the JSON error body, not node's bare answer`, async () => {
      const a = await raw(server.url, bytes);
      assertJsonError(a, status, 'bad_request');
      assert.equal(a.headers.connection, 'close');
      assert.equal(a.headers['cache-control'], 'no-store');
    });
  }

  it('the server still answers normally after refusing a request', async () => {
    const a = await raw(server.url, 'GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    assert.equal(a.status, 200);
    assert.deepEqual(JSON.parse(a.body), { status: 'ok' });
  });
});
