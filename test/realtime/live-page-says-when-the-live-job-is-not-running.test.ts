// The Live page in Chromium says "the live job is not running since …" when the job's heartbeat
// (`alive_at`, rewritten every REALTIME.heartbeatSeconds while the job runs with nothing to read) is
// three beats old, and says nothing of the kind while it is fresh, however old the last batch is (a
// quiet store is not a stopped job). A view from a job that predates the heartbeat claims neither.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { REALTIME, type LiveView } from '../../contract';
import { chromiumAvailable, launchChromium } from '../web/site';
import { serveLiveViews, type LivePageServer } from './live-page';

const skip = chromiumAvailable ? false : 'Debian Chromium is not installed (/usr/bin/chromium)';
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

const view = (writtenMs: number, aliveMs: number | undefined): LiveView => ({
  v: 1,
  as_of: '2019-10-01T02:39:00Z',
  watermark: '2019-10-01T02:29:00Z',
  written_at: iso(writtenMs),
  ...(aliveMs === undefined ? {} : { alive_at: iso(aliveMs) }),
  lag_seconds: 0.8,
  batch_id: 12,
  offsets: { events: { '0': 40 } },
  totals: { events: { view: 30, cart: 6, remove_from_cart: 0, purchase: 4 }, purchase_revenue: '40', orders: 0, order_lines: 0, order_revenue: '0', late_events: 0, unreadable: 0 },
  per_minute: [],
  funnel: [],
  active_sessions: 3,
  trending: { products: [], categories: [] },
  by_device: [],
  by_country: [],
});

let live: LivePageServer;
before(async () => {
  live = await serveLiveViews();
});
after(async () => live?.close());
const writeView = (view: unknown) => live.writeView(view);

test('the Live page says the job is not running since its last heartbeat, and only then', { skip, timeout: 5 * 60_000 }, async () => {
  const beat = REALTIME.heartbeatSeconds * 1000;
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    // Quiet for an hour but beating: running.
    writeView(view(Date.now() - 3_600_000, Date.now()));
    await page.goto(`${live.url}/#/live`);
    await page.getByTestId('live-events').waitFor();
    assert.equal(await page.getByTestId('live-not-running').count(), 0);

    const stoppedAt = Date.now() - 4 * beat;
    writeView(view(stoppedAt - 60_000, stoppedAt));
    const notice = page.getByTestId('live-not-running');
    await notice.waitFor({ timeout: 15_000 });
    assert.equal(await notice.textContent(), `The live job is not running since ${iso(stoppedAt).replace('T', ' ').replace('Z', ' UTC')}: the figures below are as it left them.`);

    // A view without the heartbeat (a job from before it) claims nothing either way.
    writeView(view(stoppedAt - 60_000, undefined));
    await notice.waitFor({ state: 'detached', timeout: 15_000 });
  } finally {
    await browser.close();
  }
});
