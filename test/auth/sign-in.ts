/**
 * A real authorization-code + PKCE sign-in done over HTTP from node, the way
 * the browser does it: authorize → login form → redirect with a code → token
 * endpoint. Tests use it to get genuine access tokens from the local provider.
 */
import { createHash, randomBytes } from 'node:crypto';
import { SITE_SCOPES, type OidcProvider } from '../../local/auth/provider';

/** Cookies by name, for one host: enough for the provider's interaction and session cookies. */
const cookieJar = () => {
  const cookies = new Map<string, string>();
  return {
    store: (response: Response) => {
      for (const line of response.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const at = pair.indexOf('=');
        cookies.set(pair.slice(0, at), pair.slice(at + 1));
      }
    },
    header: () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
  };
};

const base64url = (bytes: Buffer) => bytes.toString('base64url');

export interface SignInResult {
  accessToken: string;
  idToken: string;
}

export const signInOverHttp = async (
  provider: OidcProvider,
  siteOrigin: string,
  credentials: { username: string; password: string } = provider.analyst,
): Promise<SignInResult> => {
  const jar = cookieJar();
  const go = async (url: string, init: RequestInit = {}) => {
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...init.headers, cookie: jar.header() } });
    jar.store(response);
    return response;
  };
  const next = (response: Response, from: string) => {
    const location = response.headers.get('location');
    if (!location) throw new Error(`expected a redirect from ${from}, got ${response.status}: ${response.statusText}`);
    return new URL(location, from).href;
  };

  const discovery = (await (await fetch(`${provider.issuer}/.well-known/openid-configuration`)).json()) as {
    authorization_endpoint: string;
    token_endpoint: string;
  };
  const verifier = base64url(randomBytes(32));
  const state = base64url(randomBytes(16));
  const redirectUri = `${siteOrigin}/`;
  const authorize = new URL(discovery.authorization_endpoint);
  authorize.search = new URLSearchParams({
    client_id: provider.clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    // What the site asks for (config.json's scopes): the OpenID scopes and the API's.
    scope: SITE_SCOPES,
    state,
    code_challenge: base64url(createHash('sha256').update(verifier).digest()),
    code_challenge_method: 'S256',
  }).toString();

  const loginUrl = next(await go(authorize.href), authorize.href);
  const form = await go(loginUrl);
  if (form.status !== 200) throw new Error(`login page answered ${form.status}: ${await form.text()}`);
  const posted = await go(loginUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(credentials).toString(),
  });
  if (posted.status === 401) throw new Error('the provider rejected the credentials');
  // The provider resumes the authorization request, then sends the browser back to the site with a code.
  let url = next(posted, loginUrl);
  while (!url.startsWith(redirectUri)) url = next(await go(url), url);
  const back = new URL(url);
  if (back.searchParams.get('state') !== state) throw new Error(`state mismatch in ${url}`);
  const code = back.searchParams.get('code') ?? '';
  if (!code) throw new Error(`no code in ${url}`);

  const token = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: siteOrigin },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: provider.clientId, code_verifier: verifier }),
  });
  const body = (await token.json()) as { access_token?: string; id_token?: string; error?: string; error_description?: string };
  if (!body.access_token || !body.id_token) throw new Error(`token endpoint: ${token.status} ${body.error}: ${body.error_description}`);
  return { accessToken: body.access_token, idToken: body.id_token };
};
