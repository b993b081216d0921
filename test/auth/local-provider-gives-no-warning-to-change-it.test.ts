/**
 * Issue 27.10: the twin's sign-in provider keeps its state in a store chosen for one run
 * (local/auth/run-store.ts), so oidc-provider prints no "you MUST change it" to a newcomer, and a
 * real code + PKCE sign-in still goes through it (sessions, interactions, codes, grants).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startOidcProvider } from '../../local/auth/provider';
import { signInOverHttp } from './sign-in';

test('the provider starts, signs the analyst in and out of its store, and warns nothing to change', async () => {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => warnings.push(args.join(' '));
  const provider = await startOidcProvider();
  try {
    const site = 'http://127.0.0.1:9';
    await provider.allowSite(site);
    const { accessToken } = await signInOverHttp(provider, site);
    assert.equal(accessToken.split('.').length, 3, 'a JWT access token');
  } finally {
    console.warn = warn;
    await provider.close();
  }
  assert.deepEqual(warnings.filter((w) => /MUST change/.test(w)), []);
});
