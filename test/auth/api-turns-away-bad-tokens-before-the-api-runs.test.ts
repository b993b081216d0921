/**
 * The local API behind the twin's sign-in, checked the way API Gateway's JWT
 * authorizer checks: against the real local OpenID Connect provider and the
 * real local server. Every bad token gets 401 with `WWW-Authenticate: Bearer`
 * and the API code never runs (no serving-store lookup); a token from a real
 * code + PKCE sign-in gets the data; /health stays open; the access log names
 * who asked for which customer and never holds the token.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { API_ROUTES, type RecommendationsResponse } from '../../contract';
import { SEED_USERS } from '../api/seed';
import { signInOverHttp } from './sign-in';
import { startSignedInSite, type SignedInSite } from './signed-in-site';

const USER = SEED_USERS[0].user_id;
const RECOMMENDATIONS = API_ROUTES.recommendations.replace('{userId}', USER);

const get = (site: SignedInSite, path: string, authorization?: string) =>
  fetch(`${site.url}${path}`, { headers: authorization === undefined ? {} : { authorization } });

/** 401 as API Gateway answers it, and the API code was not reached. */
const assertTurnedAway = async (site: SignedInSite, authorization: string | undefined, why: RegExp) => {
  const before = site.lookups();
  const response = await get(site, RECOMMENDATIONS, authorization);
  assert.equal(response.status, 401, `${authorization}: ${response.status}`);
  assert.deepEqual(Object.keys((await response.json()) as object).sort(), ['message', 'requestId']);
  const challenge = response.headers.get('www-authenticate') ?? '';
  assert.match(challenge, /^Bearer /);
  assert.match(challenge, why);
  assert.equal(site.lookups(), before, 'the serving store was not asked: the request never reached the API code');
};

/** A token shaped like the provider's, signed by a key of our own. */
const forged = async (site: SignedInSite, kid: string) => {
  const { privateKey } = await generateKeyPair('RS256');
  return new SignJWT({ client_id: site.provider.clientId, username: 'analyst' })
    .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid })
    .setIssuer(site.provider.issuer)
    .setAudience(site.provider.audience)
    .setSubject(site.provider.analyst.sub)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(privateKey);
};

describe('the local API behind sign-in', () => {
  let site: SignedInSite;
  let accessToken: string;
  let idToken: string;

  before(async () => {
    site = await startSignedInSite();
    ({ accessToken, idToken } = await signInOverHttp(site.provider, site.url));
  });
  after(() => site?.close());

  it('a valid access token from a code + PKCE sign-in gets the data', async () => {
    const response = await get(site, RECOMMENDATIONS, `Bearer ${accessToken}`);
    assert.equal(response.status, 200);
    const body = (await response.json()) as RecommendationsResponse;
    assert.equal(body.user_id, USER);
    assert.equal(body.recommendations.length, 3);
    const analytics = await get(site, API_ROUTES.analytics.replace('{name}', 'summary'), `bearer ${accessToken}`);
    assert.equal(analytics.status, 200, 'the scheme is case-insensitive, as in RFC 6750');
  });

  it('/health stays open', async () => {
    const response = await get(site, API_ROUTES.health);
    assert.equal(response.status, 200);
  });

  it('a missing token gets 401', async () => {
    await assertTurnedAway(site, undefined, /no bearer token/);
    await assertTurnedAway(site, 'Bearer', /not of the form Bearer <token>/);
    const analytics = await get(site, API_ROUTES.analytics.replace('{name}', 'summary'));
    assert.equal(analytics.status, 401, 'analytics are guarded too');
  });

  it('a malformed token gets 401', async () => {
    await assertTurnedAway(site, `Basic ${Buffer.from('analyst:pw').toString('base64')}`, /not of the form Bearer <token>/);
    await assertTurnedAway(site, 'Bearer not-a-jwt', /not a well-formed JWT/);
    await assertTurnedAway(site, `Bearer ${accessToken.slice(0, -10)}`, /not signed by the issuer|not a well-formed JWT/);
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${accessToken.split('.')[1]}.`;
    await assertTurnedAway(site, `Bearer ${unsigned}`, /not a well-formed JWT|not signed with RS256/);
  });

  it('a token signed by a key outside the JWKS gets 401, whether its kid is unknown or borrowed', async () => {
    await assertTurnedAway(site, `Bearer ${await forged(site, 'not-in-the-jwks')}`, /not signed by the issuer/);
    const { kid } = decodeProtectedHeader(accessToken);
    await assertTurnedAway(site, `Bearer ${await forged(site, kid!)}`, /not signed by the issuer/);
  });

  it("a genuine token for another audience (the site's ID token) gets 401", async () => {
    await assertTurnedAway(site, `Bearer ${idToken}`, /audience is not accepted/);
  });

  it('the access log names who asked for which customer, never the token', () => {
    const asked = site.accessLog.find((entry) => entry.path === RECOMMENDATIONS && entry.status === 200);
    assert.ok(asked, JSON.stringify(site.accessLog));
    assert.equal(asked.sub, site.provider.analyst.sub);
    assert.equal(asked.username, site.provider.analyst.username);
    const turnedAway = site.accessLog.filter((entry) => entry.status === 401);
    assert.ok(turnedAway.length >= 8, 'every turned-away request is logged');
    assert.ok(turnedAway.every((entry) => entry.sub === undefined), 'nobody is named for a request without a valid token');
    const logged = JSON.stringify(site.accessLog);
    assert.ok(!logged.includes(accessToken.split('.')[2]) && !logged.includes(idToken.split('.')[2]), 'no token in the log');
  });
});

describe('tokens the provider really issued, checked against the wrong settings or too late', () => {
  it('a server expecting another issuer turns away the provider’s genuine token', async () => {
    const site = await startSignedInSite({ verify: () => ({ issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_other' }) });
    try {
      const { accessToken } = await signInOverHttp(site.provider, site.url);
      await assertTurnedAway(site, `Bearer ${accessToken}`, /iss claim is not accepted/);
    } finally {
      await site.close();
    }
  });

  it('an expired token gets 401', async () => {
    const site = await startSignedInSite({ accessTokenTtlSeconds: 1 });
    try {
      const { accessToken } = await signInOverHttp(site.provider, site.url);
      await sleep(2100);
      await assertTurnedAway(site, `Bearer ${accessToken}`, /expired/);
    } finally {
      await site.close();
    }
  });
});
