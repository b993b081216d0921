/**
 * Issue 27.6: the twin's demo events and demo purchases are one store. On the data `npm run local`
 * bundles (the events file the twin itself writes, read back), every event passes the collector's
 * behaviour rules and comes in time order within the purchases' dates; every product is the purchases'
 * product with the same category, code, brand and price; every shopper is a customer of the purchases
 * or an anonymous visitor no customer id belongs to, and the busiest customers all browse (so their
 * page shows cards and browsing); every purchase event is an order line of the CSV (same customer,
 * product and second). The session shapes stay within tolerance of the real REES46 sample.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { BEHAVIOUR_CSV_COLUMNS, CSV_COLUMNS } from '../../contract';
import { toBehaviourEvent } from '../../lambdas/collector/behaviour-rules';
import { BEHAVIOUR_PROFILE } from '../../local/generator/behaviour-profile';
import { DEFAULT_SEED, EPOCH_DATE, generate } from '../../local/generator/generate';
import { BUNDLED_EVENTS, eventsDataSet } from '../../local/pipeline/behaviour';
import { BUNDLED_ROWS } from '../../local/pipeline/run';

type Row = Record<string, string>;
const rowsOf = (columns: readonly string[], lines: string[]): Row[] => lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [columns[i], v])));

describe("the demo events are the demo purchases' store", () => {
  let dir: string;
  let events: Row[];
  /** Product id → `category_id,category_code,brand,price` as the purchases' rows give them. */
  const details = new Map<string, string>();
  const orderLines = new Set<string>();
  const ordersByCustomer = new Map<string, Set<string>>();
  let first = Infinity;
  let last = -Infinity;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'recstream-demo-events-'));
    const file = await eventsDataSet(undefined, dir, () => {}, { rows: BUNDLED_ROWS, seed: DEFAULT_SEED });
    const [header, ...lines] = gunzipSync(readFileSync(file)).toString('utf8').trimEnd().split('\n');
    assert.equal(header, BEHAVIOUR_CSV_COLUMNS.join(','));
    events = rowsOf(BEHAVIOUR_CSV_COLUMNS, lines);
    const [, ...purchaseLines] = [...generate({ rows: BUNDLED_ROWS, seed: DEFAULT_SEED })].map((l) => l.trimEnd());
    const orders = new Map<string, { user: string; time: string; products: string[] }>();
    for (const row of rowsOf(CSV_COLUMNS, purchaseLines)) {
      // A shifted row (a product without a category, as in the real export) has its price in category_code
      // and its customer, if any, in brand; the order's other lines name the customer too.
      const shifted = row.category_id === '';
      details.set(row.product_id, shifted ? ['', '', '', row.category_code].join() : [row.category_id, row.category_code, row.brand, row.price].join());
      const order = orders.get(row.order_id) ?? orders.set(row.order_id, { user: '', time: row.event_time, products: [] }).get(row.order_id)!;
      order.user ||= shifted ? (/^\d{19}$/.test(row.brand) ? row.brand : '') : row.user_id;
      order.products.push(row.product_id);
    }
    for (const [id, order] of orders) {
      if (order.time === EPOCH_DATE) continue;
      const ms = Date.parse(order.time.replace(' UTC', 'Z').replace(' ', 'T'));
      first = Math.min(first, ms);
      last = Math.max(last, ms);
      if (!order.user) continue;
      for (const product of order.products) orderLines.add(`${order.user} ${product} ${order.time}`);
      (ordersByCustomer.get(order.user) ?? ordersByCustomer.set(order.user, new Set()).get(order.user)!).add(id);
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('has the bundled count, each event valid by the collector’s rules, in time order within the purchases’ dates', () => {
    assert.equal(events.length, BUNDLED_EVENTS);
    let previous = -Infinity;
    for (const [i, event] of events.entries()) {
      const outcome = toBehaviourEvent(event, 'test', i + 2);
      assert.ok(!('reason' in outcome) || outcome.reason === 'missing_user_id_and_user_session', `line ${i + 2}: ${JSON.stringify(outcome)}`);
      const ms = Date.parse(event.event_time.replace(' UTC', 'Z').replace(' ', 'T'));
      assert.ok(ms >= previous, `line ${i + 2} is earlier than the one before`);
      previous = ms;
      assert.ok(ms >= first - 3 * 3_600_000 && ms <= Date.UTC(2020, 7, 1), `line ${i + 2}: ${event.event_time} outside the purchases' months`);
    }
    // Both topics end together, so the Live page's windows (which end at the later of them) hold both.
    assert.ok(Math.abs(previous - last) <= 3 * 3_600_000, `the events end within 3 hours of the purchases' last order: ${new Date(previous).toISOString()}`);
  });

  it("sells the purchases' products with the same category, brand and price", () => {
    const shared = events.filter((e) => details.has(e.product_id));
    assert.ok(shared.length >= 0.95 * events.length, `${shared.length} of ${events.length} events are of products the purchases sold`);
    for (const e of shared) assert.equal([e.category_id, e.category_code, e.brand, e.price].join(), details.get(e.product_id), e.product_id);
  });

  it("is browsed by the purchases' customers, the busiest of them all, and by visitors who are no customer", () => {
    const shoppers = new Set(events.map((e) => e.user_id).filter(Boolean));
    const customers = [...shoppers].filter((u) => ordersByCustomer.has(u));
    assert.ok(customers.length >= 0.3 * shoppers.size, `${customers.length} of ${shoppers.size} shoppers are customers`);
    const busiest = [...ordersByCustomer].sort((a, b) => b[1].size - a[1].size).slice(0, 10).map(([id]) => id);
    assert.deepEqual(busiest.filter((id) => !shoppers.has(id)), [], 'the ten customers with most orders all have events');
    for (const visitor of [...shoppers].filter((u) => !ordersByCustomer.has(u))) assert.match(visitor, /^\d{19}$/);
  });

  it('buys only what the purchases CSV holds: the same customer, product and second', () => {
    const purchases = events.filter((e) => e.event_type === 'purchase');
    assert.ok(purchases.length > 100, `${purchases.length} purchase events`);
    const unmatched = purchases.filter((e) => !orderLines.has(`${e.user_id} ${e.product_id} ${e.event_time}`));
    assert.deepEqual(unmatched.slice(0, 3), []);
  });

  it('has the real sample’s session shapes', () => {
    const sessions = new Map<string, Row[]>();
    for (const e of events) (sessions.get(e.user_session || e.user_id) ?? sessions.set(e.user_session || e.user_id, []).get(e.user_session || e.user_id)!).push(e);
    const all = [...sessions.values()];
    const share = (test: (s: Row[]) => boolean) => all.filter(test).length / all.length;
    const real = BEHAVIOUR_PROFILE.sample;
    const perSession = events.length / all.length;
    assert.ok(Math.abs(perSession / (real.events / real.sessions) - 1) < 0.1, `events per session ${perSession.toFixed(2)}`);
    assert.ok(Math.abs(share((s) => s.length === 1) - real.oneEventSessionShare) < 0.05, 'one-event sessions');
    assert.ok(Math.abs(share((s) => s.some((e) => e.event_type === 'purchase')) - real.purchaseSessionShare) < 0.01, 'sessions with a purchase');
    assert.ok(Math.abs(share((s) => s.some((e) => e.event_type === 'cart')) - real.cartSessionShare) < 0.01, 'sessions with a cart');
  });
});
