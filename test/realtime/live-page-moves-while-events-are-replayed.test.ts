// End to end in the twin: `recstream replay` of generated events into the events topic, the streaming
// job, the API's /live route and the Live page in Chromium, which moves on its own until it shows them all.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { chromium } from 'playwright-core';
import { lakeLiveStore } from '../../lambdas/api/live';
import { writeBehaviourCsv } from '../../local/generator/behaviour-write';
import { folderLake } from '../../local/server/folder-lake';
import { startLocalServer, type LocalServer } from '../../local/server/server';
import { loadLocalServing } from '../../local/server/serving';
import { writeSeedLake } from '../api/seed';
import { chromiumAvailable, ensureBuiltSite, launchChromium, ROOT, screenshotPath, WEB_DIST } from '../web/site';
import { startRealtimeTwin, waitFor, type RealtimeTwin } from './twin';

const EVENTS = 6_000;
const skip = chromiumAvailable ? false : 'Debian Chromium is not installed (/usr/bin/chromium)';

let twin: RealtimeTwin | undefined;
let server: LocalServer | undefined;
let browser: Awaited<ReturnType<typeof chromium.launch>> | undefined;
let lake: string | undefined;
after(async () => {
  await browser?.close();
  await server?.close();
  await twin?.stop();
  if (lake) rmSync(lake, { recursive: true, force: true });
});

const replayCli = (file: string, bootstrap: string): Promise<number | null> =>
  new Promise((resolve) => {
    const cli = spawn('npx', ['tsx', join(ROOT, 'local', 'bin', 'recstream.ts'), 'replay', file, '--brokers', bootstrap, '--speed', '60'], { cwd: ROOT, stdio: 'ignore' });
    cli.once('exit', resolve);
  });

test('replayed events make the Live page move until it shows every one of them', { skip, timeout: 20 * 60_000 }, async () => {
  ensureBuiltSite();
  lake = writeSeedLake();
  twin = await startRealtimeTwin(lake);
  server = await startLocalServer({ webDir: WEB_DIST, ...(await loadLocalServing(lake)), live: lakeLiveStore(folderLake(lake)), runtimeConfig: { apiUrl: '', auth: null } });
  browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  await page.goto(`${server.url}/#/live`);
  await page.getByText('The streaming job has not written a live view yet').waitFor();

  const csv = join(twin.dir, 'events.csv');
  await writeBehaviourCsv({ events: EVENTS, seed: 16 }, csv);
  await twin.startJob();
  const replaying = replayCli(csv, twin.broker.bootstrap);
  const shown = async () => Number((await page.getByTestId('live-events').textContent({ timeout: 1000 }).catch(() => null))?.replace(/,/g, '') ?? NaN);
  const first = await waitFor('the page to show some events', async () => ((await shown()) > 0 ? shown() : undefined), 10 * 60_000, 1000);
  assert.equal(await replaying, 0, 'recstream replay exits 0');
  // The page polls on its own: no reload, no click.
  await waitFor(`the page to show all ${EVENTS} events`, async () => ((await shown()) === EVENTS ? true : undefined), 10 * 60_000, 1000);
  assert.ok(first < EVENTS, `the page showed ${first} before it showed all ${EVENTS}: it moved while the replay ran`);
  assert.match((await page.getByTestId('live-as-of').textContent()) ?? '', /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);
  assert.match((await page.getByTestId('live-lag').textContent()) ?? '', /^\d+\.\d s$/);
  assert.ok((await page.getByRole('table', { name: /Trending products/ }).locator('tbody tr').count()) > 0);
  await page.screenshot({ path: screenshotPath('live'), fullPage: true });
});
