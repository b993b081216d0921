/**
 * Issue 25.4 in Debian's Chromium: every table of the Dashboard and the Behaviour page has a "Download CSV"
 * button, and the file it saves holds exactly what the table shows: its header and every row, each value as
 * formatted on the page (the decision: shown values, not raw ones; raw values are what `recstream sql` and
 * Athena answer). The CSV is read back with csv-parse (not the site's writer) and compared with the table's
 * rendered cells, and for two tables with the documents the page draws (the analyse job's golden output,
 * the behaviour jobs' golden funnel).
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { Browser, Locator, Page } from 'playwright-core';
import { BEHAVIOUR_LAKE, type FunnelDocument } from '../../contract';
import { loadLocalServing } from '../../local/server/serving';
import { startLocalServer } from '../../local/server/server';
import { formatDuration, formatRate } from '../../web/src/behaviour-text';
import { formatCategory, formatMoney, formatMonth, formatNumber } from '../../web/src/format';
import { BEHAVIOUR_GOLDEN } from '../api/behaviour-golden';
import { SEED_ANALYTICS, writeSeedLake } from '../api/seed';
import { chromiumAvailable, ensureBuiltSite, launchChromium, WEB_DIST } from './site';

const skip = chromiumAvailable ? false : 'Debian Chromium is not installed (/usr/bin/chromium)';

interface Saved {
  name: string;
  bytes: Buffer;
  rows: string[][];
}

describe('every Dashboard and Behaviour table downloads as the CSV it shows', { skip }, () => {
  let lake: string;
  let server: { url: string; close(): Promise<void> };
  let browser: Browser;
  let page: Page;

  before(async () => {
    ensureBuiltSite();
    lake = writeSeedLake();
    cpSync(BEHAVIOUR_GOLDEN, lake, { recursive: true });
    server = await startLocalServer({ webDir: WEB_DIST, ...(await loadLocalServing(lake)), runtimeConfig: { apiUrl: '', auth: null } });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    if (lake) rmSync(lake, { recursive: true, force: true });
  });

  const open = async (route: string, ready: string) => {
    await page.goto(`${server.url}/#/${route}`);
    await page.getByRole('heading', { name: ready }).waitFor();
    await page.locator('[data-csv]').first().waitFor();
    // Charts keep their data table in a closed <details>: opened, the table is shown and its cells rendered.
    const closed = page.locator('details:not([open]) > summary', { hasText: 'Show data' });
    while ((await closed.count()) > 0) await closed.first().click();
  };

  const download = async (box: Locator): Promise<Saved> => {
    const [file] = await Promise.all([page.waitForEvent('download'), box.getByRole('button', { name: /^Download .* as CSV$/ }).click()]);
    const bytes = readFileSync((await file.path())!);
    return { name: file.suggestedFilename(), bytes, rows: parse(bytes.toString('utf8').replace(/^\uFEFF/, ''), { relax_column_count: false }) as string[][] };
  };

  /** The table's rendered cells, as a reader sees them (drawn bars are aria-hidden and have no text). */
  const shown = (box: Locator): Promise<string[][]> =>
    box.locator('table').evaluate((t) => {
      const table = t as unknown as { rows: ArrayLike<{ cells: ArrayLike<{ innerText: string }> }> };
      return Array.from(table.rows, (r) => Array.from(r.cells, (c) => c.innerText.replace(/\s+/g, ' ').trim()));
    });
  const withoutEmptyColumns = (cells: string[][]) => {
    const kept = cells[0].map((_, i) => i).filter((i) => cells.some((r) => r[i] !== ''));
    return cells.map((r) => kept.map((i) => r[i]));
  };

  const everyTable = async (route: string, ready: string) => {
    await open(route, ready);
    const tables = await page.locator('table').count();
    const boxes = await page.locator('[data-csv]').all();
    assert.ok(tables > 0);
    assert.equal(boxes.length, tables, `${route}: one download per table`);
    for (const box of boxes) {
      assert.equal(await box.locator('table').count(), 1);
      const saved = await download(box);
      assert.match(saved.name, /^[a-z0-9-]+\.csv$/);
      assert.deepEqual(saved.bytes.subarray(0, 3), Buffer.from([0xef, 0xbb, 0xbf]), 'a UTF-8 byte-order mark, so spreadsheets read → and …');
      assert.deepEqual(saved.rows, withoutEmptyColumns(await shown(box)), `${saved.name} holds what the table shows`);
    }
    return boxes.length;
  };

  it('the Dashboard: every chart table, one file each', async () => {
    assert.equal(await everyTable('dashboard', 'Dashboard'), 6);
  });

  it('the monthly revenue file is the analytics document, formatted as the page formats it', async () => {
    await open('dashboard', 'Dashboard');
    const saved = await download(page.locator('[data-csv="Monthly revenue and orders"]'));
    assert.equal(saved.name, 'monthly-revenue-and-orders.csv');
    assert.deepEqual(saved.rows, [
      ['Month', 'Revenue', 'Orders', 'Units'],
      ...SEED_ANALYTICS.monthly_sales.map((m) => [formatMonth(m.month), formatMoney(m.revenue), formatNumber(m.orders), formatNumber(m.units)]),
    ]);
    assert.ok(saved.rows.some((r) => r[1].includes(',')), 'a value with a thousands comma survives quoting');
  });

  it('the Behaviour page: the funnel breakdowns, the session histogram and the model card tables', async () => {
    await open('behaviour', 'Purchase-intent model');
    await page.locator('[data-csv="Sessions by number of events"]').waitFor();
    // 4 funnel breakdowns, the session histogram, and the model card's tables (as many as the golden run has).
    assert.ok((await everyTable('behaviour', 'Purchase-intent model')) >= 6);
  });

  it('the funnel-by-category file is the funnel document, its 10 most viewed categories as shown', async () => {
    await open('behaviour', 'Purchase-intent model');
    const saved = await download(page.locator('[data-csv="Funnel by category (sessions)"]'));
    const rows = (JSON.parse(readFileSync(join(BEHAVIOUR_GOLDEN, BEHAVIOUR_LAKE.funnelKey), 'utf8')) as FunnelDocument).session.by_category.slice(0, 10);
    assert.deepEqual(
      saved.rows.slice(1),
      rows.map((r) => [
        r.category_code ? formatCategory(r.category_code) : `category ${r.category_id}`,
        formatNumber(r.reached.view),
        formatNumber(r.reached.cart),
        formatNumber(r.reached.purchase),
        formatRate(r.conversion.view_to_cart),
        formatRate(r.conversion.cart_to_purchase),
        formatRate(r.cart_abandonment),
        formatDuration(r.median_seconds.view_to_cart),
      ]),
    );
  });
});
