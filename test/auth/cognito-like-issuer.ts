/** A Cognito-like issuer on loopback for the token-check tests: a JWKS endpoint and an RS256 signer with its key. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';

export const ISSUER = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example';
export const CLIENT_ID = '4example0clientid0000000000';

export interface CognitoLikeIssuer {
  jwksUri: string;
  /** A token from ISSUER for subject `a1b2c3` (username `ana`), valid 5 minutes, with these claims added. */
  sign(claims: JWTPayload): Promise<string>;
  close(): void;
}

export async function startCognitoLikeIssuer(): Promise<CognitoLikeIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const kid = 'cognito-like-key';
  const jwks = createServer(async (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }] }));
  });
  await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
  return {
    jwksUri: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`,
    sign: (claims) =>
      new SignJWT({ sub: 'a1b2c3', username: 'ana', ...claims }).setProtectedHeader({ alg: 'RS256', kid }).setIssuer(ISSUER).setIssuedAt().setExpirationTime('5m').sign(privateKey),
    close: () => jwks.close(),
  };
}
