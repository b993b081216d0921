/**
 * Issue 27.7 in Debian's Chromium: at 390 × 844 (a phone held upright) every page of the signed-in
 * site — the sign-in page, recommendations, a customer with browsing behaviour, the dashboard, the
 * behaviour page, the live page — is no wider than the screen: the page never scrolls sideways, wide
 * tables scroll inside their card, and the navigation's every link is on the screen. The lake holds
 * the seeded purchases and the behaviour jobs' real output (the committed golden). The pages are the
 * navigation's links, so a page added to it is checked too.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { BEHAVIOUR_LAKE } from '../../contract';
import { BEHAVIOUR_GOLDEN } from '../api/behaviour-golden';
import { startSignedInSite, type SignedInSite } from '../auth/signed-in-site';
import { chromiumAvailable, launchChromium, screenshotPath } from './site';

const skip = chromiumAvailable ? false : 'Debian Chromium is not installed (/usr/bin/chromium)';
const PHONE = { width: 390, height: 844 };

/** A customer the behaviour jobs served top categories for: their page has both cards and browsing. */
const customerWithBehaviour = (): string => {
  const dir = join(BEHAVIOUR_GOLDEN, BEHAVIOUR_LAKE.topCategoriesPrefix);
  const file = readdirSync(dir, { recursive: true, encoding: 'utf8' }).find((f) => f.endsWith('.json'))!;
  return (JSON.parse(readFileSync(join(dir, file), 'utf8').split('\n')[0]) as { user_id: string }).user_id;
};

/**
 * How wide the page is, and what sticks out past the right edge of the screen: in-page code (a string, as
 * this project's node types have no DOM), skipping what sits in a box that scrolls or clips it.
 */
const MEASURE = `(() => {
  const width = document.documentElement.clientWidth;
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement)
      if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowX)) return true;
    return false;
  };
  const past = [...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > width + 0.5 && !clipped(el))
    .map((el) => el.tagName.toLowerCase() + (typeof el.className === 'string' && el.className ? '.' + el.className.split(' ').join('.') : '') + ' to ' + Math.round(el.getBoundingClientRect().right) + 'px');
  return { scrollWidth: document.documentElement.scrollWidth, width, past: past.slice(0, 8) };
})()`;

const overflow = (page: Page) => page.evaluate<{ scrollWidth: number; width: number; past: string[] }>(MEASURE);

const assertFits = async (page: Page, name: string) => {
  await page.screenshot({ path: screenshotPath(`phone-${name}`), fullPage: true });
  const { scrollWidth, width, past } = await overflow(page);
  assert.equal(width, PHONE.width);
  assert.ok(scrollWidth <= width, `${name}: the page is ${scrollWidth}px wide on a ${width}px screen; past the edge: ${past.join(', ')}`);
  assert.deepEqual(past, [], `${name}: elements past the screen's edge`);
};

describe('every page fits a 390 px phone screen', { skip }, () => {
  let site: SignedInSite;
  let browser: Browser;
  let page: Page;

  before(async () => {
    site = await startSignedInSite({ alsoInLake: BEHAVIOUR_GOLDEN });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  });
  after(async () => {
    await browser?.close();
    await site?.close();
  });

  it('the sign-in page', async () => {
    await page.goto(`${site.url}/#/`);
    await page.getByRole('heading', { name: 'Sign in to recstream' }).waitFor();
    await assertFits(page, 'sign-in');
    await page.getByLabel('Username').fill(site.provider.analyst.username);
    await page.getByLabel('Password').fill(site.provider.analyst.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  });

  it('the recommendations page, and its navigation keeps every link on the screen', async () => {
    await page.getByLabel('Customer user id').waitFor();
    await assertFits(page, 'recommendations');
    for (const link of await page.getByRole('navigation', { name: 'Pages' }).getByRole('link').all()) {
      const box = (await link.boundingBox())!;
      assert.ok(box.x >= 0 && box.x + box.width <= PHONE.width, `${await link.innerText()} at ${box.x}..${box.x + box.width}`);
    }
  });

  it('a customer with cards and browsing behaviour', async () => {
    await page.getByLabel('Customer user id').fill(customerWithBehaviour());
    await page.getByRole('button', { name: 'Show recommendations' }).click();
    await page.getByRole('heading', { name: 'Browsing behaviour' }).waitFor();
    await assertFits(page, 'customer');
  });

  it('every page of the navigation, each once its data is in (tables scroll inside their cards)', async () => {
    const links = page.getByRole('navigation', { name: 'Pages' }).getByRole('link');
    const hashes = await links.evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    assert.ok(hashes.length >= 4, hashes.join(' '));
    for (const hash of hashes) {
      await page.goto(`${site.url}/${hash}`);
      await page.locator('main h1').first().waitFor();
      await page.waitForLoadState('networkidle');
      // Loading notices gone (a page that waits for data it never gets says so in words, not "Loading").
      await page.waitForFunction('!/Loading/.test(document.querySelector("main").innerText)');
      await assertFits(page, hash.replace(/\W+/g, '') || 'home');
    }
  });
});
