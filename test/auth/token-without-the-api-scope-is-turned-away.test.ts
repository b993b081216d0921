/**
 * Issue 12.5: the API's data routes require the API scope (contract API_SCOPE), as API Gateway's route
 * AuthorizationScopes do, so an ID token (no `scope`) or an access token without it is refused locally too.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { API_SCOPE } from '../../contract';
import { createJwtAuthorizer } from '../../local/auth/verify';

const ISSUER = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example';
const CLIENT_ID = '4example0clientid0000000000';

describe('token check scope rule', () => {
  let jwks: Server;
  let sign: (claims: JWTPayload) => Promise<string>;
  let verify: ReturnType<typeof createJwtAuthorizer>;

  before(async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    jwks = createServer(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k', alg: 'RS256', use: 'sig' }] }));
    });
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    const jwksUri = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
    verify = createJwtAuthorizer({ issuer: ISSUER, audiences: [CLIENT_ID], jwksUri, requiredScopes: [API_SCOPE.scope] });
    sign = (claims) => new SignJWT({ sub: 'a1b2c3', ...claims }).setProtectedHeader({ alg: 'RS256', kid: 'k' }).setIssuer(ISSUER).setIssuedAt().setExpirationTime('5m').sign(privateKey);
  });
  after(() => jwks?.close());

  it('accepts an access token carrying the API scope among others', async () => {
    const token = await sign({ client_id: CLIENT_ID, token_use: 'access', scope: `openid email ${API_SCOPE.scope}` });
    assert.equal((await verify(`Bearer ${token}`)).ok, true);
  });

  it('refuses an ID token (aud = the client, no scope) and an access token without the API scope', async () => {
    const idToken = await sign({ aud: CLIENT_ID, token_use: 'id', email: 'ana@store.example' });
    assert.deepEqual(await verify(`Bearer ${idToken}`), { ok: false, reason: "the token lacks the API's scope" });
    const narrow = await sign({ client_id: CLIENT_ID, token_use: 'access', scope: 'openid email profile' });
    assert.equal((await verify(`Bearer ${narrow}`)).ok, false);
  });
});
