/**
 * Issue 15.6 in Debian's Chromium: the Behaviour page over the behaviour jobs' real output (the committed
 * golden, test/api/behaviour-golden.ts) shows the funnel, breakdowns, session metrics and model card with
 * the documents' own numbers, and a customer's page shows their top categories and recent sessions beside
 * the top-3 products.
 */
import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { BEHAVIOUR_LAKE, type CategoriesMetrics, type FunnelDocument, type IntentRun } from '../../contract';
import { formatCategory, formatNumber } from '../../web/src/format';
import { categoriesSentence, formatRate, funnelFigureLines, funnelSentence, GENERATED_DATA_NOTE, modelSentence, notServedSentence } from '../../web/src/behaviour-text';
import { startLocalServer } from '../../local/server/server';
import { loadLocalServing } from '../../local/server/serving';
import { BEHAVIOUR_GOLDEN, goldenIntent, goldenStaleness, REGENERATE } from '../api/behaviour-golden';
import { writeSeedLake } from '../api/seed';
import { chromiumAvailable, ensureBuiltSite, launchChromium, screenshotPath, WEB_DIST } from './site';

const skip = chromiumAvailable ? false : 'Debian Chromium is not installed (/usr/bin/chromium)';
const golden = <T,>(key: string): T => JSON.parse(readFileSync(join(BEHAVIOUR_GOLDEN, key), 'utf8')) as T;
const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));

describe('Behaviour page in Chromium on the behaviour jobs output', { skip }, () => {
  let lake: string;
  let server: { url: string; close(): Promise<void> };
  let browser: Browser;
  let page: Page;
  const funnel = () => golden<FunnelDocument>(BEHAVIOUR_LAKE.funnelKey);

  before(async () => {
    const stale = goldenStaleness();
    assert.equal(stale, undefined, `the behaviour golden is stale (${stale}): regenerate it with ${REGENERATE}`);
    ensureBuiltSite();
    // The seeded purchases lake (recommendations, fallback, analytics) with the behaviour output beside it.
    lake = writeSeedLake();
    cpSync(BEHAVIOUR_GOLDEN, lake, { recursive: true });
    server = await startLocalServer({ webDir: WEB_DIST, ...(await loadLocalServing(lake)), runtimeConfig: { apiUrl: '', auth: null } });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(`${server.url}/#/behaviour`);
    await page.getByRole('heading', { name: 'Purchase-intent model' }).waitFor();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    if (lake) rmSync(lake, { recursive: true, force: true });
  });

  it('draws the session funnel with the counts and drop-off of the funnel document, and says them', async () => {
    const overall = funnel().session.overall;
    for (const step of ['view', 'cart', 'purchase'] as const) {
      assert.equal(await page.locator(`[data-count="${step}"]`).innerText(), formatNumber(overall.reached[step]));
    }
    assert.match(await page.locator('[data-drop="view_to_cart"]').innerText(), new RegExp(`${formatRate(overall.drop_off.view_to_cart).replace('.', '\\.')} drop off`));
    assert.match(await page.locator('[data-drop="cart_to_purchase"]').innerText(), new RegExp(`${formatRate(overall.drop_off.cart_to_purchase).replace('.', '\\.')} drop off`));
    assert.equal(await page.locator('[data-sentence="funnel"]').innerText(), funnelSentence(overall, 'session'));
    // One line per figure, with the document's numbers (issue 27.4: the figures reconcile at a glance).
    for (const line of funnelFigureLines(overall, 'session')) {
      assert.equal(await page.locator(`[data-figure-line="${line.figure}"] [data-counts]`).innerText(), line.counts);
    }
    await page.screenshot({ path: screenshotPath('behaviour-page'), fullPage: true });
  });

  it('switches to users and shows the user funnel', async () => {
    await page.getByRole('radio', { name: 'users' }).check();
    const overall = funnel().user.overall;
    assert.equal(await page.locator('[data-count="view"]').innerText(), formatNumber(overall.reached.view));
    assert.equal(await page.locator('[data-sentence="funnel"]').innerText(), funnelSentence(overall, 'user'));
    await page.getByRole('radio', { name: 'sessions' }).check();
  });

  it('lists the breakdowns: the top categories by viewing sessions with their counts', async () => {
    const rows = funnel().session.by_category.slice(0, 10);
    const table = page.locator('[data-breakdown="By category"] tbody tr');
    assert.equal(await table.count(), rows.length);
    const first = await table.first().innerText();
    const label = rows[0].category_code ? formatCategory(rows[0].category_code) : `category ${rows[0].category_id}`;
    assert.ok(first.startsWith(label), first);
    assert.match(first, new RegExp(`\\t${formatNumber(rows[0].reached.view)}\\t${formatNumber(rows[0].reached.cart)}\\t${formatNumber(rows[0].reached.purchase)}\\t`));
    assert.equal(await page.locator('[data-breakdown="By hour (UTC)"] tbody tr').count(), funnel().session.by_hour.length);
  });

  it('shows the session metrics of the sessions report', async () => {
    const report = golden<{ sessions: number; events: number; purchasing_sessions: number }>(BEHAVIOUR_LAKE.sessionsReportKey);
    assert.equal(await page.locator('[data-metric="sessions"]').innerText(), formatNumber(report.sessions));
    assert.equal(await page.locator('[data-metric="events"]').innerText(), formatNumber(report.events));
    assert.equal(await page.locator('[data-metric="purchasing_sessions"]').innerText(), formatNumber(report.purchasing_sessions));
    assert.match(await page.locator('[data-sentence="sessions"]').innerText(), new RegExp(`^${formatNumber(report.sessions)} sessions`));
  });

  it('shows the model card: the served run with its baselines and intervals, or why none is served; the categories; the run history', async () => {
    const history = golden<{ served_run: string | null; runs: { run_id: string }[] }>(BEHAVIOUR_LAKE.intentHistoryKey);
    const { servedRun, latestRun } = goldenIntent();
    assert.equal(await page.locator('[data-sentence="generated"]').innerText(), GENERATED_DATA_NOTE);
    if (servedRun === null) {
      // Issue 27.5: a model without skill over its baseline is not presented; the page says so.
      const latest = golden<IntentRun>(`${BEHAVIOUR_LAKE.intentModelsPrefix}${latestRun}/run.json`);
      assert.equal(await page.locator('[data-sentence="model"]').innerText(), notServedSentence('purchase-intent', latest));
      assert.equal(await page.locator('[data-cell="tp"]').count(), 0);
    } else {
      const run = golden<IntentRun>(`${BEHAVIOUR_LAKE.intentModelsPrefix}${servedRun}/run.json`);
      assert.equal(await page.locator('[data-sentence="model"]').innerText(), modelSentence(run));
      for (const cell of ['tp', 'fp', 'fn', 'tn'] as const) {
        assert.equal(await page.locator(`[data-cell="${cell}"]`).innerText(), formatNumber(run.test!.chosen.confusion![cell]));
      }
      assert.equal(await page.locator('[data-feature]').count(), run.features.length);
      assert.equal(await page.locator('[data-feature]').first().getAttribute('data-feature'), run.feature_importances!.by_feature[0].feature);
      assert.match(await page.locator(`[data-run="${servedRun}"]`).innerText(), /\tyes\t?/);
    }
    const categories = golden<CategoriesMetrics>(BEHAVIOUR_LAKE.topCategoriesMetricsKey);
    assert.equal(await page.locator('[data-sentence="categories"]').innerText(), categoriesSentence(categories));
    assert.equal(await page.locator('[data-run]').count(), history.runs.length);
  });

  it("shows a customer's top categories and recent sessions beside the top-3 products", async () => {
    const line = filesUnder(join(BEHAVIOUR_GOLDEN, BEHAVIOUR_LAKE.topCategoriesPrefix))
      .filter((f) => f.endsWith('.json'))
      .flatMap((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)))[0] as { user_id: string; categories: { category_id: string }[] };
    await page.goto(`${server.url}/#/`);
    await page.getByLabel('Customer user id').fill(line.user_id);
    await page.getByRole('button', { name: 'Show recommendations' }).click();
    await page.getByRole('heading', { name: 'Browsing behaviour' }).waitFor();
    assert.equal(await page.getByRole('list', { name: 'Recommended products' }).getByRole('listitem').count(), 3);
    const shown = await page.locator('[data-category]').evaluateAll((els) => els.map((e) => e.getAttribute('data-category')));
    assert.deepEqual(shown, line.categories.slice(0, 3).map((c) => c.category_id));
    assert.ok((await page.locator('[data-session]').count()) > 0, 'the customer has sessions');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export as CSV' }).click()]);
    assert.equal(download.suggestedFilename(), `customer-${line.user_id}-behaviour.csv`);
    await page.screenshot({ path: screenshotPath('customer-behaviour'), fullPage: true });
  });
});
