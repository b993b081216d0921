/**
 * The behaviour data product through the whole twin on the real sample
 * (../shared/data/behaviour/events-2019-10-01-sample.csv.gz, 10,996 REES46 events; skipped when
 * absent): `runPipeline({ events })` alone uploads it to the landing bucket, the deployed ingest
 * handler streams it to the events topic, the sink lands it under raw/events/, the behaviour Spark
 * steps (sessions, funnel, intent, categories) run, and the site's Behaviour page — signed in, in
 * Debian's Chromium — shows the session funnel. Every number is checked against a plain recount of
 * the CSV by the documented session rule (emr-jobs/README-behaviour.md "sessions", funnel.py's
 * definition), not against the jobs' own output. One twin run serves every assertion.
 */
import assert from 'node:assert/strict';
import { createReadStream, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createGunzip } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse';
import type { Browser, Page } from 'playwright-core';
import { API_ROUTES, BEHAVIOUR_CSV_COLUMNS, BEHAVIOUR_LAKE, SESSION_INACTIVITY_SECONDS, type FunnelDocument } from '../../contract';
import { runPipeline, type ServedRun } from '../../local/pipeline/run';
import { summaryLines } from '../../local/pipeline/summary';
import { formatNumber } from '../../web/src/format';
import { signInOverHttp } from '../auth/sign-in';
import { chromiumAvailable, launchChromium, screenshotPath } from '../web/site';

const SAMPLE = resolve(__dirname, '..', '..', '..', 'shared', 'data', 'behaviour', 'events-2019-10-01-sample.csv.gz');
const skip = !existsSync(SAMPLE) ? `${SAMPLE} absent` : chromiumAvailable ? false : 'Debian Chromium is not installed (/usr/bin/chromium)';

interface Recount {
  rows: number;
  sessions: number;
  funnel: { view: number; cart: number; purchase: number };
}

const TYPE_ORDER: Record<string, number> = { view: 0, cart: 1, remove_from_cart: 2, purchase: 3 };

/**
 * The documented rule, written plainly: identical events count once; a `user_session` used by one user
 * is a session, else (no session, or two users) the user's events are; either is cut where two
 * consecutive events are more than 30 minutes apart. A session reaches view with a view, cart with a
 * cart at or after its first view, purchase with a purchase at or after that cart.
 */
async function recount(path: string): Promise<Recount> {
  type Row = Record<(typeof BEHAVIOUR_CSV_COLUMNS)[number], string>;
  const unique = new Map<string, Row>();
  let rows = 0;
  for await (const record of createReadStream(path).pipe(createGunzip()).pipe(parse({ columns: true })) as AsyncIterable<Row>) {
    rows++;
    unique.set(BEHAVIOUR_CSV_COLUMNS.map((c) => record[c]).join('\u0001'), record);
  }
  const usersOf = new Map<string, Set<string>>();
  for (const r of unique.values()) if (r.user_session && r.user_id) usersOf.set(r.user_session, (usersOf.get(r.user_session) ?? new Set()).add(r.user_id));
  const groups = new Map<string, { t: number; type: string; product: string }[]>();
  for (const r of unique.values()) {
    const key = r.user_session && (usersOf.get(r.user_session)?.size ?? 0) <= 1 ? `s:${r.user_session}` : `u:${r.user_id}`;
    const t = Date.parse(r.event_time.replace(' UTC', 'Z').replace(' ', 'T')) / 1000;
    groups.set(key, [...(groups.get(key) ?? []), { t, type: r.event_type, product: r.product_id }]);
  }
  const funnel = { view: 0, cart: 0, purchase: 0 };
  let sessions = 0;
  const reach = (events: { t: number; type: string }[]) => {
    sessions++;
    const first = (type: string, from: number | undefined) =>
      from === undefined ? undefined : events.filter((e) => e.type === type && e.t >= from).reduce<number | undefined>((m, e) => (m === undefined || e.t < m ? e.t : m), undefined);
    const viewed = first('view', -Infinity);
    const carted = first('cart', viewed);
    const bought = first('purchase', carted);
    if (viewed !== undefined) funnel.view++;
    if (carted !== undefined) funnel.cart++;
    if (bought !== undefined) funnel.purchase++;
  };
  for (const events of groups.values()) {
    events.sort((a, b) => a.t - b.t || TYPE_ORDER[a.type] - TYPE_ORDER[b.type] || a.product.localeCompare(b.product));
    let start = 0;
    for (let i = 1; i <= events.length; i++) {
      if (i === events.length || events[i].t - events[i - 1].t > SESSION_INACTIVITY_SECONDS) {
        reach(events.slice(start, i));
        start = i;
      }
    }
  }
  return { rows, sessions, funnel };
}

describe('the real events sample through the twin to the Behaviour page', { skip }, () => {
  let run: ServedRun;
  let expected: Recount;
  let browser: Browser;
  let page: Page;
  const printed: string[] = [];

  before(async () => {
    const workDir = mkdtempSync(join(tmpdir(), 'recstream-twin-events-'));
    [run, expected] = await Promise.all([
      runPipeline({ events: SAMPLE, workDir, print: (line) => console.log(`# ${line}`) }),
      recount(SAMPLE),
    ]);
    for (const line of summaryLines(run.summary, run.url)) printed.push(line);
    for (const line of printed) console.log(`# ${line}`);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  });
  after(async () => {
    await browser?.close();
    await run?.stop();
  });

  it('ingests every row once into the events topic and lands each under raw/events/', () => {
    const behaviour = run.summary.behaviour!;
    assert.equal(run.summary.ingest, undefined, 'events alone: no purchases ingest');
    assert.equal(behaviour.ingest.kind, 'events');
    assert.deepEqual([behaviour.ingest.read, behaviour.ingest.produced, behaviour.ingest.rejected], [expected.rows, expected.rows, 0]);
    assert.equal(behaviour.sink.rows, expected.rows, 'no completion record on the events topic, so exactly the rows');
    const raw = join(run.summary.lake, BEHAVIOUR_LAKE.rawPrefix);
    assert.ok(readdirSync(raw, { recursive: true }).some((f) => String(f).endsWith('.gz')), `objects under ${raw}`);
  });

  it('prints the session count and the funnel equal to the recount', () => {
    const { funnel, sessions } = expected;
    assert.ok(printed.includes(`  sessions: ${formatNumber(sessions)}`), printed.join('\n'));
    assert.ok(printed.includes(`  funnel: view ${funnel.view} → cart ${funnel.cart} → purchase ${funnel.purchase} (sessions)`), printed.join('\n'));
  });

  it('the API serves the funnel document with the recounted numbers', async () => {
    const { accessToken } = await signInOverHttp(run.identity, run.url);
    const response = await fetch(`${run.url}${API_ROUTES.behaviourFunnel}`, { headers: { authorization: `Bearer ${accessToken}` } });
    assert.equal(response.status, 200);
    const document = (await response.json()) as FunnelDocument;
    assert.deepEqual(document.session.overall.reached, expected.funnel);
  });

  it('the signed-in Behaviour page shows the recounted funnel', async () => {
    await page.goto(`${run.url}/#/behaviour`);
    await page.waitForURL((url) => url.href.startsWith(`${run.identity.issuer}/interaction/`));
    await page.getByLabel('Username').fill(run.identity.analyst.username);
    await page.getByLabel('Password').fill(run.identity.analyst.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('[data-count="view"]').waitFor();
    for (const step of ['view', 'cart', 'purchase'] as const)
      assert.equal(await page.locator(`[data-count="${step}"]`).innerText(), formatNumber(expected.funnel[step]), step);
    assert.equal(await page.locator('[data-metric="sessions"]').innerText(), formatNumber(expected.sessions));
    await page.screenshot({ path: screenshotPath('twin-behaviour-real-sample'), fullPage: true });
  });
});
