/**
 * The twin's sign-in: a standards-compliant OpenID Connect provider
 * (oidc-provider) on loopback standing in for Cognito. The site signs in with
 * the authorization-code flow and PKCE (S256, required), exactly as it does
 * against Cognito, and the local API verifies the provider's RS256 JWT access
 * tokens against its JWKS as API Gateway's JWT authorizer does.
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { errors, type Adapter, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { API_SCOPE, type WebRuntimeConfig } from '../../contract';
import { loginPage, logoutPage, PAGE_CSP, signedOutPage } from './login-page';
import { runStore } from './run-store';
import type { JwtAuthorizerOptions } from './verify';

/** The API as a resource server: access tokens carry it as `aud`, and the local API accepts only it. */
export const API_RESOURCE = 'urn:recstream:api';
/** The OpenID scopes the provider knows; the site asks for these and the API's scope (contract API_SCOPE). */
const OIDC_SCOPES = 'openid profile email';
export const SITE_SCOPES = `${OIDC_SCOPES} ${API_SCOPE.scope}`;

export interface Analyst {
  /** Stable subject id (`sub`), as Cognito's is a UUID apart from the username. */
  sub: string;
  username: string;
  password: string;
  name: string;
  email: string;
}

export interface OidcProviderOptions {
  /** 0 (the default) picks a free port; the provider binds 127.0.0.1 only. */
  port?: number;
  /** Access token lifetime; Cognito's default is one hour. Tests shorten it to watch tokens expire. */
  accessTokenTtlSeconds?: number;
  /** The seeded analyst; default: `analyst` with a fresh random password. */
  analyst?: Partial<Analyst>;
}

export interface OidcProvider {
  /** The issuer (`iss`) and the site's `authority`: discovery is at `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  jwksUri: string;
  /** The site's public client (no secret); it may sign in once {@link allowSite} names the site's origin. */
  clientId: string;
  /** What the local API accepts as `aud`. */
  audience: string;
  analyst: Analyst;
  /**
   * Registers the site's origin as the client's redirect and sign-out URIs
   * (`origin` and `origin/`, as lib/auth.ts does for Cognito). Separate from
   * start because the site's port is known only once its server listens.
   */
  allowSite(origin: string): Promise<void>;
  close(): Promise<void>;
}

/** The site's sign-in settings in config.json for this provider, as lib/auth.ts writes them for Cognito. */
export const siteSignIn = (provider: OidcProvider): NonNullable<WebRuntimeConfig['auth']> => ({
  authority: provider.issuer,
  clientId: provider.clientId,
  scopes: SITE_SCOPES,
});

/** The token check the local API runs for this provider, as API Gateway's JWT authorizer is set up for Cognito. */
export const apiAuthorizer = (provider: OidcProvider): JwtAuthorizerOptions => ({
  issuer: provider.issuer,
  audiences: [provider.audience],
  jwksUri: provider.jwksUri,
  requiredScopes: [API_SCOPE.scope],
});

const defaultAnalyst = (given: Partial<Analyst> = {}): Analyst => ({
  sub: randomUUID(),
  username: 'analyst',
  // 18 random bytes: as strong as Cognito's policy asks, and printed by `npm run local`.
  password: randomBytes(18).toString('base64url'),
  name: 'Demo Analyst',
  email: 'analyst@recstream.local',
  ...given,
});

const sameSecret = (given: string, expected: string): boolean => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

const readForm = async (req: IncomingMessage): Promise<URLSearchParams> => {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 16_384) throw new Error('login form too large');
  }
  return new URLSearchParams(body);
};

const sendHtml = (res: ServerResponse, status: number, html: string): void => {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-security-policy': PAGE_CSP,
  });
  res.end(html);
};

const configuration = (analyst: Analyst, accessTokenTtl: number, clientId: string): Configuration => ({
  // The site's client is registered later (allowSite); until then it is unknown and every request for it fails.
  clients: [],
  pkce: { required: () => true },
  scopes: OIDC_SCOPES.split(' '),
  claims: { openid: ['sub'], profile: ['name', 'preferred_username'], email: ['email'] },
  // Put profile claims in the ID token too (as Cognito does), so the site can name the analyst without a userinfo call.
  conformIdTokenClaims: false,
  findAccount: (_ctx, id) =>
    id === analyst.sub
      ? { accountId: id, claims: () => ({ sub: id, name: analyst.name, preferred_username: analyst.username, email: analyst.email }) }
      : undefined,
  // Cognito access tokens carry `username`; the audit log records it next to `sub`.
  extraTokenClaims: (_ctx, token) => ('accountId' in token && token.accountId === analyst.sub ? { username: analyst.username } : undefined),
  features: {
    devInteractions: { enabled: false },
    // The provider's own sign-out pages load Google's web fonts; these are the site's look, self-contained.
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: (ctx, form) => {
        ctx.set('content-security-policy', PAGE_CSP);
        ctx.body = logoutPage(form);
      },
      postLogoutSuccessSource: (ctx) => {
        ctx.set('content-security-policy', PAGE_CSP);
        ctx.body = signedOutPage();
      },
    },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => API_RESOURCE,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, resource) => {
        if (resource !== API_RESOURCE) throw new errors.InvalidTarget(`unknown resource ${resource}`);
        return { scope: API_SCOPE.scope, audience: API_RESOURCE, accessTokenFormat: 'jwt', accessTokenTTL: accessTokenTtl, jwt: { sign: { alg: 'RS256' } } };
      },
    },
  },
  // The analysts' own site: no consent screen, the grant covers what the site asks for.
  loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
    const { client, session } = ctx.oidc;
    if (!client || client.clientId !== clientId || !session?.accountId) return undefined;
    const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
    grant.addOIDCScope(OIDC_SCOPES);
    grant.addResourceScope(API_RESOURCE, API_SCOPE.scope);
    await grant.save();
    return grant;
  },
  // The site calls the token endpoint from its own origin.
  clientBasedCORS: (_ctx, origin, client) => (client.redirectUris ?? []).some((uri) => new URL(uri).origin === origin),
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  ttl: { AccessToken: accessTokenTtl, IdToken: accessTokenTtl, AuthorizationCode: 60, Interaction: 600, Session: 12 * 3600, Grant: 12 * 3600 },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  renderError: (ctx, out) => {
    ctx.type = 'html';
    ctx.set('content-security-policy', PAGE_CSP);
    ctx.body = loginPage({ title: 'Sign-in failed', error: `${out.error}: ${out.error_description ?? ''}` });
  },
});

/** The login step of an interaction: the form, or the checked credentials handed back to the provider. */
const interaction = async (provider: Provider, analyst: Analyst, req: IncomingMessage, res: ServerResponse): Promise<void> => {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name !== 'login') {
    return sendHtml(res, 400, loginPage({ title: 'Sign-in failed', error: `unexpected step "${details.prompt.name}"` }));
  }
  const action = `/interaction/${details.uid}`;
  if (req.method !== 'POST') return sendHtml(res, 200, loginPage({ title: 'Sign in to recstream', action }));
  const form = await readForm(req);
  const username = form.get('username') ?? '';
  if (username !== analyst.username || !sameSecret(form.get('password') ?? '', analyst.password)) {
    return sendHtml(res, 401, loginPage({ title: 'Sign in to recstream', action, username, error: 'Wrong username or password.' }));
  }
  await provider.interactionFinished(req, res, { login: { accountId: analyst.sub } }, { mergeWithLastSubmission: false });
};

export const startOidcProvider = async (options: OidcProviderOptions = {}): Promise<OidcProvider> => {
  const analyst = defaultAnalyst(options.analyst);
  const clientId = `recstream-site-${randomBytes(4).toString('hex')}`;
  // Set once the port (and so the issuer) is known; a request before that gets 503.
  let provider: Provider | undefined;
  let handle: ReturnType<Provider['callback']> | undefined;
  const server = createServer((req, res) => {
    if (!provider || !handle) return void res.writeHead(503).end();
    const work = req.url?.startsWith('/interaction/') ? interaction(provider, analyst, req, res) : Promise.resolve(handle(req, res));
    work.catch((error: unknown) => {
      // An expired or unknown interaction lands here: say so instead of dropping the connection.
      if (!res.headersSent) sendHtml(res, 400, loginPage({ title: 'Sign-in failed', error: `${String(error)} Start again from the site.` }));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // A fresh signing key per start: tokens from an earlier run never verify.
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'RS256', use: 'sig' };
  const ready = new Provider(issuer, { ...configuration(analyst, options.accessTokenTtlSeconds ?? 3600, clientId), jwks: { keys: [jwk] }, adapter: runStore() });
  provider = ready;
  handle = ready.callback();

  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    clientId,
    audience: API_RESOURCE,
    analyst,
    allowSite: async (origin) => {
      const bare = origin.replace(/\/+$/, '');
      const uris = [bare, `${bare}/`];
      // Clients not in `clients` are looked up through the adapter, so registering one there is the provider's own path.
      // (@types/oidc-provider omits the Client model's static adapter, which the provider itself uses.)
      await (ready.Client as unknown as { adapter: Adapter }).adapter.upsert(clientId, {
        client_id: clientId,
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: uris,
        post_logout_redirect_uris: uris,
      });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
};
