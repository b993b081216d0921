// The Live page in Chromium: every table shows its rows or, empty, one sentence saying why (issue 24), and no
// row of zeros (a funnel window nobody reached, a minute's revenue without a purchase). Events by device and
// by country: every device class, ten countries by name and the rest summed in one row (so no event drops
// out); a view without them (nothing posted with a user agent or address, or a job from before the enrichment)
// says so instead. Screenshots at 1440 and 390 px. A customer with a live session (an item in the twin's
// DynamoDB-protocol server, as the streaming job writes it) sees their live list on the Recommendations page, each
// "just now" card with the contract's reason for its evidence; the Live page lists them under "changed just now",
// before -> after, linking to their page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { LiveActivity, LiveView } from '../../contract';
import { dynamoLiveActivityStore } from '../../lambdas/shared/serving/live-activity';
import { startDynamoServer, type ChildServer } from '../../local/aws/servers';
import { createLiveStateTable, TWIN_LIVE_TABLE } from '../../local/realtime/job';
import { SEED_USERS } from '../api/seed';
import { chromiumAvailable, launchChromium, screenshotPath } from '../web/site';
import { serveLiveViews, type LivePageServer } from './live-page';

const skip = chromiumAvailable ? false : 'Debian Chromium is not installed (/usr/bin/chromium)';
const COUNTRIES = ['US', 'DE', 'NL', 'JP', 'BR', 'FR', 'GB', 'IN', 'PL', 'ES', 'unknown', 'IT'];

const VIEW: LiveView = {
  v: 1,
  as_of: '2026-11-27T10:14:00Z',
  watermark: '2026-11-27T10:04:00Z',
  written_at: '2026-11-27T10:14:03Z',
  lag_seconds: 1.2,
  batch_id: 7,
  offsets: { events: { '0': 120 } },
  totals: { events: { view: 100, cart: 15, remove_from_cart: 0, purchase: 5 }, purchase_revenue: '99.50', orders: 0, order_lines: 0, order_revenue: '0', late_events: 0, unreadable: 0 },
  per_minute: [],
  funnel: [],
  active_sessions: 40,
  trending: { products: [], categories: [] },
  intent: { model_run: null, unavailable: 'no intent model is served', scored_sessions: 0, likely_buyers: [] },
  by_device: [
    { device: 'mobile', events: 61 },
    { device: 'desktop', events: 40 },
    { device: 'tablet', events: 9 },
    { device: 'bot', events: 6 },
    { device: 'unknown', events: 4 },
  ],
  // Most first, as the job lists them: 12 countries, so two go into the summed row.
  by_country: COUNTRIES.map((country, i) => ({ country, events: 30 - 2 * i })),
};

let live: LivePageServer;
let dynamo: ChildServer;
let client: DynamoDBClient;
before(async () => {
  dynamo = await startDynamoServer('live-page-test');
  client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'twin', secretAccessKey: 'twin' } });
  await createLiveStateTable(client);
  live = await serveLiveViews(dynamoLiveActivityStore(DynamoDBDocumentClient.from(client), TWIN_LIVE_TABLE));
});
after(async () => {
  await live?.close();
  await dynamo?.stop();
});
const writeView = (view: unknown) => live.writeView(view);

test('an empty table says why in one sentence, a window nobody reached is no row, and a minute without purchases shows no revenue', { skip, timeout: 5 * 60_000 }, async () => {
  const quiet: LiveView = {
    ...VIEW,
    orders_as_of: null,
    orders_per_minute: [],
    funnel: [
      { minutes: 15, viewed: 0, carted: 0, bought: 0, view_to_cart: null, cart_to_purchase: null },
      { minutes: 60, viewed: 3, carted: 1, bought: 0, view_to_cart: 0.3333, cart_to_purchase: 0 },
    ],
    per_minute: [{ minute: '2026-11-27T10:13:00Z', events: { view: 4, cart: 0, remove_from_cart: 0, purchase: 0 }, purchase_revenue: '0' }],
  };
  writeView(quiet);
  const browser = await launchChromium();
  try {
    for (const width of [1440, 390]) {
      const page = await browser.newPage({ viewport: { width, height: 1000 } });
      await page.goto(`${live.url}/#/live`);
      const funnel = page.getByRole('table', { name: /Sessions that did each step/ });
      await funnel.waitFor();
      assert.deepEqual((await funnel.locator('tbody tr').allInnerTexts()).map((r) => r.split('\t')[0]), ['last 60 min'], 'the 15-minute window nobody reached is left out');
      assert.deepEqual((await page.getByRole('table', { name: /Events per minute/ }).locator('tbody tr').allInnerTexts()).map((r) => r.split('\t')), [['2026-11-27 10:13:00 UTC', '4', '0', '0', '–']]);
      const sentences = Object.fromEntries(await page.locator('[data-empty]').evaluateAll((ps) => ps.map((p) => [p.getAttribute('data-empty'), p.textContent])));
      assert.deepEqual(sentences, {
        Trending: 'No product was viewed or carted in the 15 minutes before 2026-11-27 10:14:00 UTC.',
        'Orders per minute of the last hour (latest first)': 'No order has arrived on the purchases topic yet.',
      });
      assert.equal(await page.evaluate('document.documentElement.scrollWidth'), width, 'the page does not scroll sideways');
      await page.screenshot({ path: screenshotPath(`live-empty-tables-${width}`), fullPage: true });
      await page.close();
    }
  } finally {
    await browser.close();
  }
});

test('the Live page lists events by device and by country, the countries past ten in one row', { skip, timeout: 5 * 60_000 }, async () => {
  writeView(VIEW);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
    await page.goto(`${live.url}/#/live`);
    const devices = page.getByRole('table', { name: /Events by device, last 15 min/ });
    await devices.waitFor();
    const rows = async (table: typeof devices) => (await table.locator('tbody tr').allInnerTexts()).map((r) => r.split('\t'));
    assert.deepEqual(await rows(devices), VIEW.by_device.map((d) => [d.device, String(d.events)]));
    const countries = await rows(page.getByRole('table', { name: /Events by country, last 15 min/ }));
    assert.deepEqual(countries.slice(0, 10), VIEW.by_country.slice(0, 10).map((c) => [c.country, String(c.events)]));
    assert.deepEqual(countries[10], ['2 other countries', String(VIEW.by_country[10].events + VIEW.by_country[11].events)]);
    assert.equal(countries.length, 11);
    await page.screenshot({ path: screenshotPath('live-devices-and-countries'), fullPage: true });

    // A view with neither list: the page says why there is nothing, and the rest of it still shows.
    const { by_device: _d, by_country: _c, ...older } = VIEW;
    writeView(older);
    await page.getByTestId('live-audience-none').waitFor({ timeout: 10_000 });
    assert.equal(await page.getByTestId('live-events').textContent(), '120');
  } finally {
    await browser.close();
  }
});

test('a customer with a live session sees their live list: the "just now" cards say what they did and when', { skip, timeout: 5 * 60_000 }, async () => {
  const customer = SEED_USERS[0];
  const at = new Date(Date.now() - 4 * 60_000).toISOString().slice(0, 19) + 'Z';
  const item: LiveActivity = {
    user_id: customer.user_id,
    session: 's-live',
    interactions: [{ at, kind: 'view', product_id: '1515966223509089906', category_code: 'electronics.smartphone', brand: 'samsung', price: '162.01' }],
    written_at: at,
    expires_at: Math.floor(Date.now() / 1000) + 600,
  };
  await DynamoDBDocumentClient.from(client).send(new PutCommand({ TableName: TWIN_LIVE_TABLE, Item: item }));
  const browser = await launchChromium();
  try {
    for (const width of [1440, 390]) {
      const page = await browser.newPage({ viewport: { width, height: 1100 } });
      await page.goto(`${live.url}/#/`);
      await page.getByLabel('Customer user id').fill(customer.user_id);
      await page.getByRole('button', { name: 'Show recommendations' }).click();
      const notice = page.getByTestId('live-list');
      await notice.waitFor();
      assert.match((await notice.textContent()) ?? '', /^Changed by what this customer did in their session \(as of \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\)/);
      const cards = page.getByRole('list', { name: 'Recommended products' }).locator(':scope > li');
      const texts = await cards.allInnerTexts();
      // The viewed smartphone itself, then its bought-together kettle (the seed's item-to-item list), then the batch list.
      assert.match(texts[0], /just now\s+Viewed 4 minutes ago; not bought yet\./i);
      assert.match(texts[1], /just now\s+Viewed 4 minutes ago: product 1515966223509089906 \(samsung, electronics › smartphone\)\. Bought together with it in 4 orders\./i);
      assert.ok(!/just now/i.test(texts[2]), 'the third card is the batch list\'s');
      await page.screenshot({ path: screenshotPath(`recommendations-live-${width}`), fullPage: true });
      await page.close();
    }
    // The Live page lists the customer under "changed just now", before -> after, and links to their page.
    writeView({ ...VIEW, live_customers: [{ user_id: customer.user_id, at, kind: 'view', product_id: '1515966223509089906' }] });
    const page = await browser.newPage({ viewport: { width: 1440, height: 1100 } });
    await page.goto(`${live.url}/#/live`);
    const row = page.getByRole('table', { name: /Customers whose top-3 their session changed/ }).locator('tbody tr');
    await row.first().waitFor();
    const before = customer.recommendations.slice(0, 3).map((c) => c.product_id).join('\n');
    assert.deepEqual((await row.allInnerTexts()).map((r) => r.split('\t').map((cell) => cell.trim())), [
      [customer.user_id, `viewed 1515966223509089906 at ${at.replace('T', ' ').replace('Z', ' UTC')}`, before, `1515966223509089906\n1515966223509089282\n${customer.recommendations[1].product_id}`],
    ]);
    await page.screenshot({ path: screenshotPath('live-changed-just-now'), fullPage: true });
    await row.getByRole('link', { name: customer.user_id }).click();
    await page.getByTestId('live-list').waitFor();
    assert.match(await page.getByRole('heading', { level: 2 }).first().textContent() ?? '', new RegExp(`Top 3 for ${customer.user_id}`));
  } finally {
    await browser.close();
  }
});
