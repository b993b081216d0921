import { UserManager, type User } from 'oidc-client-ts';
import type { WebRuntimeConfig } from '../../contract';
import type { Auth } from './api';

/**
 * Sign-in for the site (issue 7): the OpenID Connect authorization-code flow
 * with PKCE against `config.auth.authority` — Cognito on AWS, the twin's local
 * provider on this machine; the same code for both. Without `config.auth` the
 * API is open and there is no token.
 */
export interface Session extends Auth {
  /** Who is signed in, for the header; null when the site is open. */
  readonly analyst: string | null;
  signOut(): Promise<void>;
}

/** Where the analyst was (a hash route), carried through the provider and back. */
interface ReturnTo {
  hash: string;
}

const OPEN: Session = { analyst: null, accessToken: async () => null, signOut: async () => undefined };

/** A promise that never settles: the page is navigating away to the provider. */
const leaving = (): Promise<never> => new Promise(() => undefined);

const nameOf = (user: User): string => {
  const p = user.profile;
  return p.preferred_username ?? p.email ?? (typeof p['cognito:username'] === 'string' ? p['cognito:username'] : p.sub);
};

/** The provider's redirect back: a code, or an error, which must be shown rather than sent round again. */
const isSignInCallback = (url: URL): boolean => url.searchParams.has('state') && (url.searchParams.has('code') || url.searchParams.has('error'));

/**
 * The signed-in session, after handling a redirect back from the provider.
 * A signed-out visit never resolves: it is sent to the provider's sign-in page.
 */
export const startSession = async (config: WebRuntimeConfig): Promise<Session> => {
  if (config.auth === null) return OPEN;
  const { authority, clientId, scopes } = config.auth;
  const site = `${window.location.origin}/`;
  const manager = new UserManager({
    authority,
    client_id: clientId,
    scope: scopes,
    redirect_uri: site,
    post_logout_redirect_uri: site,
    // No hidden-iframe renewals (Cognito has no prompt=none): an expired token sends the analyst through sign-in again.
    automaticSilentRenew: false,
  });
  const signIn = async (): Promise<never> => {
    await manager.signinRedirect({ state: { hash: window.location.hash } satisfies ReturnTo });
    return leaving();
  };

  const here = new URL(window.location.href);
  let user: User | null;
  if (isSignInCallback(here)) {
    user = await manager.signinRedirectCallback();
    // The code is single-use; keep it out of history and bookmarks.
    window.history.replaceState(null, '', `${site}${(user.state as ReturnTo | undefined)?.hash ?? ''}`);
  } else {
    user = await manager.getUser();
  }
  if (!user || user.expired) return signIn();

  return {
    analyst: nameOf(user),
    async accessToken() {
      const current = await manager.getUser();
      return current && !current.expired ? current.access_token : signIn();
    },
    async signOut() {
      // Cognito's logout endpoint wants `client_id` and `logout_uri` (not only the standard id_token_hint and
      // post_logout_redirect_uri); standard providers accept the client id and ignore logout_uri.
      await manager.signoutRedirect({ extraQueryParams: { client_id: clientId, logout_uri: site } });
    },
  };
};
