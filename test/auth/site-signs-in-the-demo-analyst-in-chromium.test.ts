/**
 * The site's sign-in end to end in Debian's Chromium: a signed-out visit is
 * sent to the local provider's sign-in page, the demo analyst signs in (code
 * flow + PKCE, done by the site's own oidc-client-ts code), lands back on the
 * site with the code cleaned from the URL, searches a customer and sees three
 * cards; signing out ends the provider session too. Screenshots in
 * artifacts/screenshots/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { SEED_USERS } from '../api/seed';
import { chromiumAvailable, launchChromium, screenshotPath } from '../web/site';
import { startSignedInSite, type SignedInSite } from './signed-in-site';

const skip = chromiumAvailable ? false : 'Debian Chromium is not installed (/usr/bin/chromium)';

const onSignInPage = async (page: Page, site: SignedInSite) => {
  await page.waitForURL((url) => url.href.startsWith(`${site.provider.issuer}/interaction/`));
  await page.getByRole('heading', { name: 'Sign in to recstream' }).waitFor();
};

const signIn = async (page: Page, username: string, password: string) => {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
};

describe('sign-in on the site in Chromium', { skip }, () => {
  let site: SignedInSite;
  let browser: Browser;
  let page: Page;
  const bearerCalls: string[] = [];

  before(async () => {
    site = await startSignedInSite();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.on('request', (r) => r.url().includes('/users/') && bearerCalls.push(r.headers().authorization ?? 'none'));
  });
  after(async () => {
    await browser?.close();
    await site?.close();
  });

  it('a signed-out visit is sent to the provider’s sign-in page', async () => {
    await page.goto(`${site.url}/#/dashboard`);
    await onSignInPage(page, site);
    await page.screenshot({ path: screenshotPath('sign-in-page'), fullPage: true });
    assert.equal(site.lookups(), 0);
  });

  it('a wrong password is refused on the sign-in page', async () => {
    await signIn(page, site.provider.analyst.username, 'not-the-password');
    await page.getByRole('alert').filter({ hasText: 'Wrong username or password.' }).waitFor();
    assert.ok(page.url().startsWith(`${site.provider.issuer}/interaction/`));
  });

  it('the demo analyst signs in, lands back where they were, and sees a customer’s three cards', async () => {
    await signIn(page, site.provider.analyst.username, site.provider.analyst.password);
    await page.getByText(`Signed in as ${site.provider.analyst.username}`).waitFor();
    const back = new URL(page.url());
    assert.equal(back.origin, site.url);
    assert.equal(back.search, '', 'the code and state are cleaned from the address bar');
    assert.equal(back.hash, '#/dashboard', 'the page asked for before sign-in is restored');

    await page.getByRole('link', { name: 'Recommendations' }).click();
    await page.getByLabel('Customer user id').fill(SEED_USERS[0].user_id);
    await page.getByLabel('Customer user id').press('Enter');
    const cards = page.getByRole('list', { name: 'Recommended products' }).getByRole('listitem');
    await cards.first().waitFor();
    assert.equal(await cards.count(), 3);
    assert.match(await cards.first().innerText(), new RegExp(SEED_USERS[0].recommendations[0].product_id));
    assert.ok(bearerCalls.length > 0 && bearerCalls.every((h) => /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/.test(h)), 'the site sends its access token');
    assert.ok(site.accessLog.some((e) => e.path.includes(SEED_USERS[0].user_id) && e.status === 200 && e.username === site.provider.analyst.username));
    await page.screenshot({ path: screenshotPath('signed-in-recommendations'), fullPage: true });
  });

  it('signing out ends the session: the next visit must sign in again; every page on the way is styled and fetches nothing from outside', async () => {
    const requests: string[] = [];
    const failures: string[] = [];
    const onRequest = (r: { url(): string }) => requests.push(r.url());
    const onResponse = (r: { url(): string; status(): number }) => r.status() >= 400 && failures.push(`${r.status()} ${r.url()}`);
    const onFailed = (r: { url(): string }) => failures.push(`failed ${r.url()}`);
    page.on('request', onRequest);
    page.on('response', onResponse);
    page.on('requestfailed', onFailed);
    try {
      await page.getByRole('button', { name: 'Sign out' }).click();
      // The provider asks to confirm (RP-initiated logout), then returns to the site, which is signed out.
      const confirm = page.getByRole('button', { name: /yes, sign me out/i });
      await confirm.waitFor();
      assert.equal(await page.title(), 'Sign out of recstream? · recstream');
      assert.equal(await page.locator('header').innerText(), 'recstream', 'the site’s header, not the provider’s bare page');
      assert.match(await page.locator('body').evaluate((body) => body.ownerDocument.defaultView!.getComputedStyle(body).fontFamily), /^system-ui,/, 'the system fonts, none downloaded');
      assert.equal(await confirm.evaluate((b) => b.ownerDocument.defaultView!.getComputedStyle(b).backgroundColor), 'rgb(31, 95, 139)', 'the site’s accent colour');
      await page.screenshot({ path: screenshotPath('sign-out-confirm'), fullPage: true });
      await confirm.click();
      await onSignInPage(page, site);
    } finally {
      page.off('request', onRequest);
      page.off('response', onResponse);
      page.off('requestfailed', onFailed);
    }
    assert.ok(requests.length > 0);
    const outside = requests.filter((url) => !/^(data:|https?:\/\/127\.0\.0\.1[:/])/.test(url));
    assert.deepEqual(outside, [], 'nothing is fetched from beyond 127.0.0.1 (no web fonts)');
    assert.deepEqual(failures, [], 'no request fails on the way (no missing favicon)');
  });

  it('an error sent back by the provider is shown with a way to start again, not sent round in a loop', async () => {
    await page.goto(`${site.url}/?error=access_denied&state=unknown`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /could not start/);
    assert.ok(page.url().startsWith(site.url), 'still on the site');
    await alert.getByRole('link', { name: 'Start again' }).click();
    await onSignInPage(page, site);
  });
});
