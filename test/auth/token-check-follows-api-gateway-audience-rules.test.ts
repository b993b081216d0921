/**
 * The local token check applies API Gateway's audience rule, so the same
 * settings accept Cognito's tokens: `aud` must be a configured audience; only
 * when a token has no `aud` (Cognito access tokens) must `client_id` be one.
 * Keys are served from a JWKS endpoint on loopback, as a provider serves them.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JWTPayload } from 'jose';
import { createJwtAuthorizer } from '../../local/auth/verify';
import { CLIENT_ID, ISSUER, startCognitoLikeIssuer, type CognitoLikeIssuer } from './cognito-like-issuer';

describe('token check audience rules', () => {
  let issuer: CognitoLikeIssuer;
  let sign: (claims: JWTPayload) => Promise<string>;
  let verify: ReturnType<typeof createJwtAuthorizer>;

  before(async () => {
    issuer = await startCognitoLikeIssuer();
    sign = issuer.sign;
    verify = createJwtAuthorizer({ issuer: ISSUER, audiences: [CLIENT_ID], jwksUri: issuer.jwksUri });
  });
  after(() => issuer?.close());

  it("accepts a Cognito-shaped access token (no aud) by its client_id, and names who it is", async () => {
    const verdict = await verify(`Bearer ${await sign({ client_id: CLIENT_ID, token_use: 'access', scope: 'openid email' })}`);
    assert.deepEqual(verdict, { ok: true, principal: { sub: 'a1b2c3', username: 'ana' } });
  });

  it('accepts a token whose aud lists the audience', async () => {
    assert.equal((await verify(`Bearer ${await sign({ aud: ['other', CLIENT_ID] })}`)).ok, true);
  });

  it('refuses a token for another client, and an aud mismatch even when client_id matches', async () => {
    assert.equal((await verify(`Bearer ${await sign({ client_id: 'another-client' })}`)).ok, false);
    assert.equal((await verify(`Bearer ${await sign({ aud: 'another-api', client_id: CLIENT_ID })}`)).ok, false);
    assert.equal((await verify(`Bearer ${await sign({})}`)).ok, false, 'neither aud nor client_id');
  });

  it('refuses a token not yet valid', async () => {
    const verdict = await verify(`Bearer ${await sign({ client_id: CLIENT_ID, nbf: Math.floor(Date.now() / 1000) + 600 })}`);
    assert.deepEqual(verdict, { ok: false, reason: "the token's nbf claim is not accepted" });
  });
});
