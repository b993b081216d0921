import type { WebRuntimeConfig } from '../../lib/contract';

/**
 * The sign-in seam (issue 7): the API client asks for a token before every
 * call and sends it as `Authorization: Bearer …`. Without `config.auth` the
 * API is open and there is no token.
 */
export interface Auth {
  accessToken(): Promise<string | null>;
}

export const createAuth = (config: WebRuntimeConfig): Auth => ({
  async accessToken() {
    if (config.auth === null) return null;
    throw new Error(`This build cannot sign in to ${config.auth.authority} yet.`);
  },
});
