/**
 * Issue 12.5: the API's data routes require the API scope (contract API_SCOPE), as API Gateway's route
 * AuthorizationScopes do, so an ID token (no `scope`) or an access token without it is refused locally too.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { API_SCOPE } from '../../contract';
import { createJwtAuthorizer } from '../../local/auth/verify';
import { CLIENT_ID, ISSUER, startCognitoLikeIssuer, type CognitoLikeIssuer } from './cognito-like-issuer';

describe('token check scope rule', () => {
  let issuer: CognitoLikeIssuer;
  let verify: ReturnType<typeof createJwtAuthorizer>;

  before(async () => {
    issuer = await startCognitoLikeIssuer();
    verify = createJwtAuthorizer({ issuer: ISSUER, audiences: [CLIENT_ID], jwksUri: issuer.jwksUri, requiredScopes: [API_SCOPE.scope] });
  });
  after(() => issuer?.close());

  it('accepts an access token carrying the API scope among others', async () => {
    const token = await issuer.sign({ client_id: CLIENT_ID, token_use: 'access', scope: `openid email ${API_SCOPE.scope}` });
    assert.equal((await verify(`Bearer ${token}`)).ok, true);
  });

  it('refuses an ID token (aud = the client, no scope) and an access token without the API scope', async () => {
    const idToken = await issuer.sign({ aud: CLIENT_ID, token_use: 'id', email: 'ana@store.example' });
    assert.deepEqual(await verify(`Bearer ${idToken}`), { ok: false, reason: "the token lacks the API's scope" });
    const narrow = await issuer.sign({ client_id: CLIENT_ID, token_use: 'access', scope: 'openid email profile' });
    assert.equal((await verify(`Bearer ${narrow}`)).ok, false);
  });
});
