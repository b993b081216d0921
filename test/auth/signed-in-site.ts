/**
 * The twin's sign-in set-up on a seeded lake: the local OpenID Connect
 * provider, and the local server serving the built site and the API behind
 * the JWT check, wired as `npm run local` wires them. It counts the serving
 * store's lookups, so a test can tell whether a request reached the API code.
 */
import { cpSync, rmSync } from 'node:fs';
import { apiAuthorizer, siteSignIn, startOidcProvider, type OidcProvider, type OidcProviderOptions } from '../../local/auth/provider';
import type { JwtAuthorizerOptions } from '../../local/auth/verify';
import { startLocalServer, type AccessLogEntry } from '../../local/server/server';
import { loadLocalServing } from '../../local/server/serving';
import { writeSeedLake } from '../api/seed';
import { ensureBuiltSite, WEB_DIST } from '../web/site';

export interface SignedInSite {
  url: string;
  provider: OidcProvider;
  /** Serving-store lookups so far: zero means no request got past the token check into the API. */
  lookups(): number;
  accessLog: AccessLogEntry[];
  close(): Promise<void>;
}

export const startSignedInSite = async (
  options: OidcProviderOptions & { verify?: (provider: OidcProvider) => Partial<JwtAuthorizerOptions>; alsoInLake?: string } = {},
): Promise<SignedInSite> => {
  ensureBuiltSite();
  const lake = writeSeedLake();
  // More of the lake (the behaviour jobs' output, say) beside the seeded purchases.
  if (options.alsoInLake) cpSync(options.alsoInLake, lake, { recursive: true });
  const provider = await startOidcProvider(options);
  const serving = await loadLocalServing(lake);
  let lookups = 0;
  const accessLog: AccessLogEntry[] = [];
  const server = await startLocalServer({
    webDir: WEB_DIST,
    ...serving,
    recommendations: {
      get: (userId) => {
        lookups += 1;
        return serving.recommendations.get(userId);
      },
    },
    runtimeConfig: { apiUrl: '', auth: siteSignIn(provider) },
    auth: { ...apiAuthorizer(provider), ...options.verify?.(provider) },
    accessLog: (entry) => accessLog.push(entry),
  });
  await provider.allowSite(server.url);
  return {
    url: server.url,
    provider,
    lookups: () => lookups,
    accessLog,
    close: async () => {
      await server.close();
      await provider.close();
      rmSync(lake, { recursive: true, force: true });
    },
  };
};
