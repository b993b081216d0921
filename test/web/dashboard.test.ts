/**
 * The dashboard in Debian's Chromium: every chart draws one mark per data
 * point of the analytics documents (the analyse job's golden output).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { frequencyBars } from '../../web/src/frequency';
import { SEED_ANALYTICS } from '../api/seed';
import { chromiumAvailable, launchChromium, screenshotPath, startSeededSite } from './site';

const skip = chromiumAvailable ? false : 'Debian Chromium is not installed (/usr/bin/chromium)';

describe('dashboard in Chromium', { skip }, () => {
  let server: { url: string; close(): Promise<void> };
  let browser: Browser;
  let page: Page;
  const figure = (name: string) => page.getByRole('figure', { name });
  const bars = (name: string) => figure(name).locator('.recharts-bar-rectangle').count();

  before(async () => {
    server = await startSeededSite();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.url}/#/dashboard`);
    await figure('How often customers order').locator('.recharts-bar-rectangle').first().waitFor();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the summary numbers, money in dollars: revenue compact, exact in its title', async () => {
    const summary = await page.getByRole('region', { name: 'Summary' }).innerText();
    const s = SEED_ANALYTICS.summary;
    assert.match(summary, /Revenue\s+\$983K/);
    assert.equal(await page.getByText('$983K').getAttribute('title'), '$983,055.10');
    assert.match(summary, new RegExp(`Average order\\s+\\$${s.average_order_value}`));
    assert.match(summary, new RegExp(s.orders.toLocaleString('en-US')));
    assert.match(summary, new RegExp(`${s.first_day} to ${s.last_day}`));
  });

  it('draws the monthly trend: a revenue bar and an orders point per month', async () => {
    const months = SEED_ANALYTICS.monthly_sales.length;
    assert.ok(months > 0);
    assert.equal(await bars('Monthly revenue and orders'), months);
    assert.equal(await figure('Monthly revenue and orders').locator('.recharts-line-curve').count(), 1);
    assert.equal(await figure('Monthly revenue and orders').locator('.recharts-line-dot, .recharts-line-dots circle').count(), months);
  });

  it('category bars are named by their whole path, their revenue in dollars', async () => {
    const categories = figure('Top categories by revenue');
    // Each label: the parent path on its first line, the category itself on its second.
    const ticks = await categories.locator('text.name-tick').evaluateAll((ts) => ts.map((t) => [...t.querySelectorAll('tspan')].map((l) => l.textContent).join(' ')));
    assert.deepEqual(ticks, SEED_ANALYTICS.top_categories.map((c) => c.category_code.split('.').join(' › ')));
    assert.ok(ticks.includes('appliances › kitchen › washer'));
    const revenues = await categories.locator('tbody td:nth-child(2)').allTextContents();
    assert.deepEqual(revenues, SEED_ANALYTICS.top_categories.map((c) => `$${c.revenue.toLocaleString('en-US', { minimumFractionDigits: 2 })}`));
  });

  it('draws the top-10 customers, categories and brands', async () => {
    assert.equal(await bars('Top 10 customers by spend'), SEED_ANALYTICS.top_customers.length);
    assert.equal(SEED_ANALYTICS.top_customers.length, 10);
    assert.equal(await bars('Top categories by revenue'), SEED_ANALYTICS.top_categories.length);
    assert.equal(await bars('Top brands by revenue'), SEED_ANALYTICS.top_brands.length);
    assert.match(await figure('Top 10 customers by spend').innerText(), new RegExp(SEED_ANALYTICS.top_customers[0].user_id));
  });

  it('draws the hour × weekday heatmap: 168 cells, the busiest darkest', async () => {
    const cells = figure('Orders by weekday and hour (UTC)').locator('rect.heat-cell');
    assert.equal(await cells.count(), 7 * 24);
    const busiest = SEED_ANALYTICS.hour_weekday.reduce((a, b) => (b.orders > a.orders ? b : a));
    const fills = await cells.evaluateAll((rects) => rects.map((r) => r.getAttribute('fill') ?? ''));
    const opacity = (fill: string) => Number(/([\d.]+)\)$/.exec(fill)?.[1]);
    const darkest = Math.max(...fills.map(opacity));
    assert.equal(darkest, 1);
    const titles = await cells.evaluateAll((rects) => rects.map((r) => r.textContent ?? ''));
    assert.match(titles[fills.findIndex((f) => opacity(f) === 1)], new RegExp(`${busiest.hour}:00.*: ${busiest.orders.toLocaleString('en-US')} orders`));
    const legend = figure('Orders by weekday and hour (UTC)').getByRole('img', { name: /Colour scale/ });
    assert.match(await legend.innerText(), new RegExp(`0 orders[\\s\\S]*${busiest.orders.toLocaleString('en-US')} orders in an hour`));
  });

  it('draws the purchase frequency with the long tail in one bar', async () => {
    const expected = frequencyBars(SEED_ANALYTICS.purchase_frequency);
    assert.equal(await bars('How often customers order'), expected.length);
    assert.equal(expected.at(-1)?.label, '10+');
    assert.equal(
      expected.reduce((n, b) => n + b.customers, 0),
      SEED_ANALYTICS.purchase_frequency.reduce((n, b) => n + b.customers, 0),
      'no customer lost by the grouping',
    );
    await page.screenshot({ path: screenshotPath('dashboard'), fullPage: true });
  });

  it('fits a phone screen', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    try {
      await phone.goto(`${server.url}/#/dashboard`);
      await phone.getByRole('figure', { name: 'How often customers order' }).locator('.recharts-bar-rectangle').first().waitFor();
      const overflow = await phone.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
      assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px`);
      await phone.screenshot({ path: screenshotPath('dashboard-phone'), fullPage: true });
    } finally {
      await phone.close();
    }
  });
});

/** A store-sized revenue (the bundled 1M-row CSV sums to $109,816,281.36) must still fit its card. */
const STORE_SIZED = { ...SEED_ANALYTICS, summary: { ...SEED_ANALYTICS.summary, revenue: 109_816_281.36 } };

describe('dashboard figures fit their cards (desktop and phone)', { skip }, () => {
  let server: { url: string; close(): Promise<void> };
  let browser: Browser;

  before(async () => {
    server = await startSeededSite('', STORE_SIZED);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const [name, viewport] of [
    ['desktop', { width: 1280, height: 900 }],
    ['phone', { width: 390, height: 844 }],
  ] as const) {
    it(`${name}: every summary value inside its card, the revenue compact with the exact figure in its title; the whole heatmap and its legend on screen`, async () => {
      const page = await browser.newPage({ viewport, isMobile: name === 'phone' });
      try {
        await page.goto(`${server.url}/#/dashboard`);
        const revenue = page.getByRole('region', { name: 'Summary' }).getByText('$110M');
        await revenue.waitFor();
        assert.equal(await revenue.getAttribute('title'), '$109,816,281.36');
        const stats = await page.locator('.stat').evaluateAll((cards) =>
          cards.map((card) => {
            const value = card.querySelector('.stat-value')!;
            const c = card.getBoundingClientRect();
            const v = value.getBoundingClientRect();
            return { text: value.textContent, overflow: value.scrollWidth - value.clientWidth, left: v.left - c.left, right: c.right - v.right };
          }),
        );
        for (const s of stats) assert.ok(s.overflow <= 0 && s.left >= 0 && s.right >= 0, `${s.text} overflows its card: ${JSON.stringify(s)}`);

        const heat = page.getByRole('figure', { name: 'Orders by weekday and hour (UTC)' });
        const box = await heat.boundingBox();
        const cells = await heat.locator('rect.heat-cell').evaluateAll((rects) => rects.map((r) => r.getBoundingClientRect()).map((b) => [b.left, b.right]));
        assert.equal(cells.length, 7 * 24);
        assert.ok(box && box.x >= 0 && box.x + box.width <= viewport.width, 'the heatmap card is on screen');
        for (const [left, right] of cells) assert.ok(left >= box!.x && right <= box!.x + box!.width, `a cell is cut off at ${left}..${right}`);
        assert.equal(await heat.getByRole('img', { name: /Colour scale/ }).count(), 1);
        await page.screenshot({ path: screenshotPath(`dashboard-store-sized-${name}`), fullPage: true });
      } finally {
        await page.close();
      }
    });
  }
});
