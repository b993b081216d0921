/**
 * What API Gateway's JWT authorizer checks, for the local API: a bearer token
 * signed by a key in the issuer's JWKS, from that issuer, not expired or not
 * yet valid, whose `aud` — or, only when there is no `aud`, `client_id` (Cognito
 * access tokens carry no `aud`) — is one of the configured audiences, and whose
 * `scope` holds one of the route's authorization scopes when the route names any.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html
 */
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';

export interface JwtAuthorizerOptions {
  issuer: string;
  /** Accepted `aud` (or `client_id`) values, as `jwtAudience` on the HTTP API authorizer. */
  audiences: string[];
  jwksUri: string;
  /** The route's `AuthorizationScopes`: the token's `scope` claim must hold at least one. None: not checked. */
  requiredScopes?: string[];
}

/** Who asked, for the access log. */
export interface Principal {
  sub: string;
  username?: string;
}

export type Verdict = { ok: true; principal: Principal } | { ok: false; reason: string };

const BEARER = /^Bearer[ ]+([^ ]+)[ ]*$/i;

const hasScope = (payload: JWTPayload, required: string[] | undefined): boolean => {
  if (!required?.length) return true;
  const granted = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
  return required.some((scope) => granted.includes(scope));
};

const audienceMatches = (payload: JWTPayload, audiences: string[]): boolean => {
  if (payload.aud !== undefined) return [payload.aud].flat().some((aud) => audiences.includes(aud));
  return typeof payload.client_id === 'string' && audiences.includes(payload.client_id);
};

/** A reason for the `WWW-Authenticate` header that helps the caller and never echoes the token. */
const reasonFor = (error: unknown): string => {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `the token's ${error.claim} claim is not accepted`;
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) return 'the token is not signed by the issuer';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'the token is not signed with RS256';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid || error instanceof errors.JOSENotSupported) return 'the token is not a well-formed JWT';
  throw error;
};

/**
 * `verify(authorizationHeader)` → the principal, or why the request gets 401.
 * Signing keys are fetched once and refetched when a token names an unknown
 * key id (key rotation); a provider that cannot be reached is an error, not a 401.
 */
export const createJwtAuthorizer = (options: JwtAuthorizerOptions) => {
  const keys = createRemoteJWKSet(new URL(options.jwksUri));
  return async (authorization: string | undefined): Promise<Verdict> => {
    if (!authorization) return { ok: false, reason: 'no bearer token' };
    const token = BEARER.exec(authorization)?.[1];
    if (!token) return { ok: false, reason: 'the Authorization header is not of the form Bearer <token>' };
    try {
      const { payload } = await jwtVerify(token, keys, { issuer: options.issuer, algorithms: ['RS256'] });
      if (!audienceMatches(payload, options.audiences)) return { ok: false, reason: "the token's audience is not accepted" };
      if (!hasScope(payload, options.requiredScopes)) return { ok: false, reason: "the token lacks the API's scope" };
      if (typeof payload.sub !== 'string') return { ok: false, reason: 'the token names no subject' };
      const username = typeof payload.username === 'string' ? payload.username : undefined;
      return { ok: true, principal: { sub: payload.sub, ...(username ? { username } : {}) } };
    } catch (error) {
      return { ok: false, reason: reasonFor(error) };
    }
  };
};
