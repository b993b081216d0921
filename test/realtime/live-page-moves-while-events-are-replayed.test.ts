// End to end in the twin: `recstream replay` of generated events into the events topic, the streaming
// job, the API's /live route and the Live page in Chromium, which moves on its own until it shows them all.
// The purchases topic first holds a store's older history (up to July 2020, newer than the October 2019 events):
// each topic has its own clock, so the events still fill the funnel and trending tables, within 10 s of the
// replay's start (its first line), at desktop (1440 px) and phone (390 px) width; the test says how long each
// step took (the replay's first send, the job's first view with the events, each page showing it). Half way,
// an intent model trained by the batch jobs (sessions, intent) is served in the lake: the page first says there
// are no scores, then lists the open sessions most likely to buy with that run's scores. Last, the same events
// replayed again (already in the topic: with their own times they would be late) are moved to now by the replay
// and fill the windows.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import { chromium, type Page } from 'playwright-core';
import { lakeLiveStore } from '../../lambdas/api/live';
import { REALTIME, type LiveView } from '../../contract';
import { writeBehaviourCsv } from '../../local/generator/behaviour-write';
import { folderLake } from '../../local/server/folder-lake';
import { startLocalServer, type LocalServer } from '../../local/server/server';
import { loadLocalServing } from '../../local/server/serving';
import { writeSeedLake } from '../api/seed';
import { chromiumAvailable, ensureBuiltSite, launchChromium, ROOT, screenshotPath, WEB_DIST } from '../web/site';
import { serveIntentModel, trainIntentModel } from './intent-model';
import { startRealtimeTwin, waitFor, type RealtimeTwin } from './twin';

const EVENTS = 6_000;
/** Replayed before the model is served; the rest after. */
const BEFORE_MODEL = 4_000;
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

/**
 * `recstream replay FILE` through the real CLI; `times`: the file's own (the two halves must follow on) or moved
 * to now. `started` resolves when the replay says what it sends (its first line, before its first record),
 * `firstSent` when it reports its first records sent (the broker has them).
 */
const replayCli = (file: string, bootstrap: string, times: 'original' | 'now', speed = '60'): Promise<number | null> & { started: Promise<number>; firstSent: Promise<number> } => {
  const args = ['tsx', join(ROOT, 'local', 'bin', 'recstream.ts'), 'replay', file, '--brokers', bootstrap, '--speed', speed, ...(times === 'original' ? ['--original-times'] : [])];
  const cli = spawn('npx', args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  const lines = createInterface({ input: cli.stderr });
  const started = new Promise<number>((resolve) => lines.once('line', () => resolve(Date.now())));
  const exited = new Promise<number | null>((resolve) => cli.once('exit', resolve));
  const firstSent = new Promise<number>((resolve) => {
    lines.on('line', (line) => / sent, event time /.test(line) && resolve(Date.now()));
    void exited.then(() => resolve(NaN));
  });
  return Object.assign(exited, { started, firstSent });
};
const PURCHASES = join(ROOT, 'test', 'fixtures', 'purchases-slice.csv.gz');
/** Rows of a table named `name` on `page`, or 0 while the card shows its empty sentence. */
const tableRows = (page: Page, name: RegExp) => page.getByRole('table', { name }).locator('tbody tr').count();

/** The CSV as two files, the earlier events in the first (replay sorts each file by time; the second must not be late). */
const splitByTime = (csv: string, first: string, second: string): void => {
  const [header, ...rows] = readFileSync(csv, 'utf8').trimEnd().split('\n');
  rows.sort(); // event_time (`yyyy-MM-dd HH:mm:ss UTC`) is the first column
  writeFileSync(first, [header, ...rows.slice(0, BEFORE_MODEL)].join('\n') + '\n');
  writeFileSync(second, [header, ...rows.slice(BEFORE_MODEL)].join('\n') + '\n');
};

test('replayed events make the Live page move until it shows every one of them, and the open sessions most likely to buy once a model is served', { skip, timeout: 30 * 60_000 }, async () => {
  ensureBuiltSite();
  lake = writeSeedLake();
  twin = await startRealtimeTwin(lake);
  const trainingLake = join(twin.dir, 'training-lake');
  const servedRun = await trainIntentModel(trainingLake, join(twin.dir, 'training.log'));
  server = await startLocalServer({ webDir: WEB_DIST, ...(await loadLocalServing(lake)), live: lakeLiveStore(folderLake(lake)), runtimeConfig: { apiUrl: '', auth: null } });
  browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
  for (const p of [page, phone]) {
    await p.goto(`${server.url}/#/live`);
    await p.getByText('The streaming job has not written a live view yet').waitFor();
  }

  const csv = join(twin.dir, 'events.csv');
  const [early, late] = [join(twin.dir, 'events-early.csv'), join(twin.dir, 'events-late.csv')];
  await writeBehaviourCsv({ events: EVENTS, seed: 16 }, csv);
  splitByTime(csv, early, late);
  await twin.startJob();
  // The store's older purchase history first, with its own times (the job has run a batch once it has counted it).
  assert.equal(await replayCli(PURCHASES, twin.broker.bootstrap, 'original', 'max'), 0, 'recstream replay of the purchases exits 0');
  const history = await twin.caughtUp(5 * 60_000);
  assert.ok(history.totals.orders > 0 && history.as_of === null, 'orders counted, no event yet');
  const replaying = replayCli(early, twin.broker.bootstrap, 'original');
  const started = await replaying.started;
  const shown = async () => Number((await page.getByTestId('live-events').textContent({ timeout: 1000 }).catch(() => null))?.replace(/,/g, '') ?? NaN);
  // Where the 10 s go: the replay's first send, the job's first view with the events, each page showing them
  // (each wait runs past 10 s, so a slow run still says which step was slow before it fails).
  const within = (what: string, probe: () => Promise<number | undefined>) => waitFor(what, probe, 30_000, 250).catch(() => Infinity);
  const viewed = within('a view with the replayed events', async () => (((await twin!.view())?.funnel[0]?.viewed ?? 0) > 0 ? Date.now() : undefined));
  const filled = await Promise.all(
    ([[page, 1440], [phone, 390]] as const).map(([p, width]) =>
      within(`the funnel and trending tables to fill at ${width} px`, async () =>
        (await tableRows(p, /Sessions that did each step/)) > 0 && (await tableRows(p, /Trending products/)) > 0 && (await tableRows(p, /Trending categories/)) > 0 ? Date.now() : undefined,
      ),
    ),
  );
  const after = (at: number) => `${((at - started) / 1000).toFixed(1)} s`;
  const filledAfter = (Math.max(...filled) - started) / 1000;
  console.log(`# after the replay started: first events sent ${after(await replaying.firstSent)}, counted in a view ${after(await viewed)}, shown at 1440 px ${after(filled[0])} and 390 px ${after(filled[1])}`);
  // The job's batches up to now: which one counted the first events, and where its time went.
  for (const line of readFileSync(twin.logFile, 'utf8').split('\n').filter((l) => /\] batch \d+: /.test(l)).slice(-3)) console.log(`# job: ${line}`);
  assert.ok(filledAfter <= 10, `windows filled ${filledAfter.toFixed(1)} s after the replay started`);
  await page.screenshot({ path: screenshotPath('live-filling-1440'), fullPage: true });
  await phone.screenshot({ path: screenshotPath('live-filling-390'), fullPage: true });
  assert.equal(await phone.evaluate('document.documentElement.scrollWidth'), 390, 'the phone page does not scroll sideways');
  const first = await shown();
  assert.equal(await replaying, 0, 'recstream replay exits 0');
  // The page polls on its own: no reload, no click.
  await waitFor(`the page to show the first ${BEFORE_MODEL} events`, async () => ((await shown()) === BEFORE_MODEL ? true : undefined), 10 * 60_000, 1000);
  assert.ok(first < BEFORE_MODEL, `the page showed ${first} before it showed all ${BEFORE_MODEL}: it moved while the replay ran`);
  assert.match((await page.getByTestId('live-intent-unavailable').textContent()) ?? '', /^No purchase-intent scores: no intent model is served yet/);
  assert.equal(await page.getByRole('table', { name: /most likely to buy/ }).count(), 0, 'no scores without a served model');

  const noLateYet = ((await twin.view()) as LiveView).totals.late_events;
  assert.equal(noLateYet, 0, 'July 2020 orders make no October 2019 event late');

  serveIntentModel(trainingLake, lake, servedRun);
  assert.equal(await replayCli(late, twin.broker.bootstrap, 'original'), 0, 'recstream replay exits 0');
  await waitFor(`the page to show all ${EVENTS} events`, async () => ((await shown()) === EVENTS ? true : undefined), 10 * 60_000, 1000);
  const buyers = page.getByRole('table', { name: /most likely to buy/ }).locator('tbody tr');
  await waitFor('the most likely buyers', async () => ((await buyers.count()) > 0 ? true : undefined), 60_000, 1000);
  assert.match((await page.getByTestId('live-intent-model').textContent()) ?? '', new RegExp(`^Model run ${servedRun}: [\\d,]+ open sessions`));
  const intent = ((await twin.view()) as LiveView).intent;
  assert.ok(intent, 'the view has the intent section');
  assert.equal(intent.model_run, servedRun);
  assert.ok(intent.likely_buyers.length > 0 && intent.likely_buyers.length <= REALTIME.likelyBuyersTop);
  const scores = intent.likely_buyers.map((b) => b.score);
  assert.ok(scores.every((s) => s >= 0 && s <= 1), `probabilities: ${scores.join(', ')}`);
  assert.deepEqual(scores, [...scores].sort((a, b) => b - a), 'best first');
  assert.equal(await buyers.count(), intent.likely_buyers.length);
  assert.match((await buyers.first().textContent()) ?? '', /\d+\.\d %/);
  assert.match((await page.getByTestId('live-as-of').textContent()) ?? '', /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);
  assert.match((await page.getByTestId('live-lag').textContent()) ?? '', /^\d+\.\d s$/);
  assert.ok((await page.getByRole('table', { name: /Trending products/ }).locator('tbody tr').count()) > 0);
  await page.screenshot({ path: screenshotPath('live'), fullPage: true });
  await phone.screenshot({ path: screenshotPath('live-390'), fullPage: true });

  // The same events again, as `recstream replay` sends them by default: moved to end now, so none is late.
  const before = (await twin.view()) as LiveView;
  assert.equal(await replayCli(early, twin.broker.bootstrap, 'now', 'max'), 0, 'recstream replay exits 0');
  const again = await twin.caughtUp(5 * 60_000);
  assert.equal(again.totals.late_events, before.totals.late_events, 'no replayed event is late');
  assert.ok(Math.abs(Date.parse(again.as_of!) - Date.now()) < 5 * 60_000, `as of ${again.as_of}: now`);
  assert.ok(again.funnel[0].viewed > 0 && again.trending.products.length > 0, 'the replayed events fill the windows at now');
});
