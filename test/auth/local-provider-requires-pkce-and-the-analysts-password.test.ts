/**
 * The twin's OpenID Connect provider is strict where Cognito is: the site's
 * public client must use PKCE with S256, only registered redirect URIs are
 * honoured, the seeded analyst's password is checked, and access tokens are
 * RS256 JWTs for the API, signed by a key the JWKS publishes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { startOidcProvider, type OidcProvider } from '../../local/auth/provider';
import { signInOverHttp } from './sign-in';

const SITE = 'http://127.0.0.1:9';

describe('local OpenID Connect provider', () => {
  let provider: OidcProvider;
  before(async () => {
    provider = await startOidcProvider();
    await provider.allowSite(SITE);
  });
  after(() => provider?.close());

  /** Where the authorization endpoint sends the browser for these parameters. */
  const authorize = async (params: Record<string, string>): Promise<URL> => {
    const url = new URL('/auth', provider.issuer);
    url.search = new URLSearchParams({ client_id: provider.clientId, response_type: 'code', scope: 'openid', state: 's', ...params }).toString();
    const response = await fetch(url, { redirect: 'manual' });
    return new URL(response.headers.get('location') ?? `${SITE}/?status=${response.status}`, provider.issuer);
  };

  it('turns away an authorization request without PKCE, or with the plain method', async () => {
    const missing = await authorize({ redirect_uri: `${SITE}/` });
    assert.equal(missing.searchParams.get('error'), 'invalid_request');
    assert.match(missing.searchParams.get('error_description') ?? '', /requires PKCE/);
    const plain = await authorize({ redirect_uri: `${SITE}/`, code_challenge: 'x'.repeat(43), code_challenge_method: 'plain' });
    assert.equal(plain.searchParams.get('error'), 'invalid_request');
  });

  it('never redirects to an unregistered address', async () => {
    const response = await fetch(`${provider.issuer}/auth?client_id=${provider.clientId}&response_type=code&scope=openid&redirect_uri=${encodeURIComponent('https://attacker.example/')}`, {
      redirect: 'manual',
    });
    assert.equal(response.headers.get('location'), null);
    assert.equal(response.status, 400);
  });

  it('refuses a wrong password and signs the seeded analyst in with the right one', async () => {
    await assert.rejects(signInOverHttp(provider, SITE, { username: provider.analyst.username, password: 'wrong' }), /rejected the credentials/);
    await assert.rejects(signInOverHttp(provider, SITE, { username: 'someone-else', password: provider.analyst.password }), /rejected the credentials/);
    const { accessToken } = await signInOverHttp(provider, SITE);
    assert.deepEqual(decodeProtectedHeader(accessToken).typ, 'at+jwt');
    const jwks = (await (await fetch(provider.jwksUri)).json()) as JSONWebKeySet;
    assert.ok(jwks.keys.every((k) => !('d' in k)), 'the JWKS publishes no private key material');
    const { payload } = await jwtVerify(accessToken, createLocalJWKSet(jwks), { issuer: provider.issuer, audience: provider.audience, algorithms: ['RS256'] });
    assert.equal(payload.sub, provider.analyst.sub);
    assert.equal(payload.client_id, provider.clientId);
    assert.equal(payload.username, provider.analyst.username);
  });

  it('answers the token endpoint’s CORS preflight for the site’s origin only', async () => {
    const preflight = (origin: string) =>
      fetch(`${provider.issuer}/token`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
    assert.equal((await preflight(SITE)).headers.get('access-control-allow-origin'), SITE);
    const other = await fetch(`${provider.issuer}/token`, {
      method: 'POST',
      headers: { origin: 'https://attacker.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x', client_id: provider.clientId, redirect_uri: `${SITE}/`, code_verifier: 'v'.repeat(43) }).toString(),
    });
    assert.notEqual(other.headers.get('access-control-allow-origin'), 'https://attacker.example');
  });
});
