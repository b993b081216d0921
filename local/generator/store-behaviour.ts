/**
 * The demo store's clickstream: behaviour events of the same store as the generated purchases (the
 * same seed and rows), so the two data sets tell one story. The products, their categories, brands and
 * prices are the purchases' catalogue; the shoppers are the purchases' customers (browsing what they
 * buy: their two favourite categories) and anonymous visitors (the guests of the purchases, who never
 * sign in); the dates are the purchases' window with its weekly and daily rhythm. Every purchase event
 * is an order line of the purchases CSV: the same customer, product and second, at the end of a
 * session that viewed it first. The session shapes follow the real REES46 sample (BEHAVIOUR_PROFILE):
 * events per session, the gaps between them, the share of sessions that cart or buy.
 *
 * The clickstream holds a sample of the store's sessions, as a tracker does: enough buying sessions
 * for the real share of sessions with a purchase, drawn from the signed-in customers' dated orders,
 * and browsing sessions around them. Streams in time order; memory is bounded by the catalogue, the
 * customers and the sessions still open.
 */
import { BEHAVIOUR_PROFILE } from './behaviour-profile';
import { type BehaviourEvent, EventHeap, uuid } from './behaviour';
import { buildCatalogue, type Catalogue, productsFor } from './catalogue';
import { customerTraits, DEFAULT_SEED, EPOCH_DATE, generate, USER_ID_BASE } from './generate';
import { createRng, pickCumulative, type Rng, seedOf } from './random';

export interface StoreBehaviourOptions {
  events: number;
  seed?: number | string;
  /** The purchases these events belong with: the generated demo data's rows and seed. */
  purchases: { rows: number; seed?: number | string };
}

const P = BEHAVIOUR_PROFILE;
/** Events per session in the real sample (10,996 / 3,447): sets how many sessions the events make. */
const EVENTS_PER_SESSION = P.sample.events / P.sample.sessions;
/** Share of browsing sessions by visitors who never sign in (the purchases' guests). Chosen, not measured. */
const VISITOR_SHARE = 0.5;
/** A browsing session of a customer stays in their two categories with this chance per view. Chosen. */
const FOCUS = 0.65;
/** A returning customer or visitor is more likely an early (loyal) one: index = seen * u^LOYALTY (as the purchases). */
const LOYALTY = 2;
/** Browsing sessions that put something in the cart (and leave it): the real share of carting sessions minus the buying ones that cart. */
const CART_ONLY_SHARE = Math.max(0, P.sample.cartSessionShare - 0.5 * P.sample.purchaseSessionShare);
/** A buying session's first view is at most this long before its order: events older than `anchor - LEAD` are final. */
const MAX_LEAD_MS = 3 * 3_600_000;
/** Where the purchases' window starts: browsing of a store without a signed-in order starts there. */
const FIRST_DAY_MS = Date.UTC(2020, 0, 1);
/** Visitors' ids: 19 digits like the customers', in a range no customer id reaches. */
const VISITOR_ID_BASE = 1515915625900000000n;

interface Order {
  ms: number;
  userId: string;
  products: number[];
}

/** The purchases' catalogue, rebuilt exactly as `generate()` builds it (its first use of the seed's rng). */
const purchasesCatalogue = (rows: number, seed: number): Catalogue => buildCatalogue(productsFor(rows), createRng(seed));

/** The signed-in customers' dated orders of the purchases CSV, in time order, read from the CSV lines themselves. */
function* signedInOrders(rows: number, seed: number | string, productIndex: Map<string, number>): Generator<Order> {
  let current: { id: string; time: string; userId: string; products: number[] } | undefined;
  const finished = (o: NonNullable<typeof current>): Order | undefined =>
    o.userId && o.time !== EPOCH_DATE ? { ms: Date.parse(o.time.replace(' UTC', 'Z').replace(' ', 'T')), userId: o.userId, products: o.products } : undefined;
  let header = true;
  for (const line of generate({ rows, seed })) {
    if (header) {
      header = false;
      continue;
    }
    const f = line.trimEnd().split(',');
    // A shifted row (an uncategorised product) carries its user id, if any, in the brand column.
    const userId = f[3] === '' ? (/^\d{19}$/.test(f[5]) ? f[5] : '') : f[7];
    if (current?.id !== f[1]) {
      const done = current && finished(current);
      if (done) yield done;
      current = { id: f[1], time: f[0], userId: '', products: [] };
    }
    current.userId ||= userId;
    const product = productIndex.get(f[2]);
    if (product !== undefined && !current.products.includes(product)) current.products.push(product);
  }
  const done = current && finished(current);
  if (done) yield done;
}

interface Shopper {
  userId: string | null;
  /** Categories the shopper browses most; empty: anything popular. */
  tastes: number[];
}

interface SessionWriter {
  catalogue: Catalogue;
  rng: Rng;
}

/** Seconds between two events of a session: the real sample's log-normal gaps, now and then a pause of over 30 minutes. */
const gapMs = (rng: Rng): number =>
  1000 * Math.floor(rng.chance(P.longPauseShare) ? 1_860 + rng.int(5_400) : Math.exp(Math.log(P.sample.gapSeconds.median) + P.sample.gapSeconds.logSigma * rng.normal()));

/** Views before a session's end: one in ~43 % of sessions, a long tail (the real sample's shape, fitted by the test). */
const viewCount = (rng: Rng, extra = 0): number => {
  const mean = Math.exp(0.9 * rng.normal() + 0.32 + extra);
  return 1 + Math.min(60, Math.floor(Math.log(1 - rng.next()) / Math.log(mean / (1 + mean))));
};

const eventOf = (w: SessionWriter, time: number, type: BehaviourEvent['type'], product: number, shopper: Shopper, session: string | null): BehaviourEvent => {
  const p = w.catalogue.products[product];
  const c = p.uncategorised ? undefined : w.catalogue.categories[p.category];
  return { time, type, productId: p.id, categoryId: c?.id ?? '', categoryCode: c?.code ?? '', brand: p.brand, price: p.price, userId: shopper.userId, userSession: session };
};

/** A product to view: from the shopper's (or the given) categories with chance `focus`, else any, by popularity. */
const browse = (w: SessionWriter, categories: number[], focus: number): number => {
  if (categories.length && w.rng.chance(focus)) {
    const category = w.catalogue.byCategory[categories[w.rng.int(categories.length)]];
    if (category.products.length) return category.products[pickCumulative(category.popularity, w.rng.next())];
  }
  return pickCumulative(w.catalogue.popularity, w.rng.next());
};

const sessionId = (w: SessionWriter): string | null => (w.rng.chance(P.missingSessionShare) ? null : uuid(w.rng));
const visibleUser = (w: SessionWriter, shopper: Shopper): Shopper => (w.rng.chance(P.missingUserShare) ? { ...shopper, userId: null } : shopper);

/** A session that views, perhaps carts and leaves, from `start` on. */
const browsingSession = (w: SessionWriter, shopper: Shopper, start: number): BehaviourEvent[] => {
  const who = visibleUser(w, shopper);
  const session = sessionId(w);
  const events: BehaviourEvent[] = [];
  let time = start;
  const viewed: number[] = [];
  for (let i = viewCount(w.rng); i > 0; i--) {
    if (events.length) time += gapMs(w.rng);
    const product = viewed.length && w.rng.chance(0.15) ? viewed[w.rng.int(viewed.length)] : browse(w, shopper.tastes, FOCUS);
    viewed.push(product);
    events.push(eventOf(w, time, 'view', product, who, session));
  }
  if (w.rng.chance(CART_ONLY_SHARE / (1 - P.sample.purchaseSessionShare))) {
    const item = viewed[viewed.length - 1];
    time += gapMs(w.rng);
    events.push(eventOf(w, time, 'cart', item, who, session));
    if (w.rng.chance(P.removeAfterAbandonedCart)) events.push(eventOf(w, (time += gapMs(w.rng)), 'remove_from_cart', item, who, session));
  }
  return events;
};

/**
 * The session of an order: views of its products and their categories (more, and more focused, than a
 * browsing session's), half the time each product carted, then every product bought at the order's second.
 */
const buyingSession = (w: SessionWriter, shopper: Shopper, order: Order): BehaviourEvent[] => {
  const who = visibleUser(w, shopper);
  const session = sessionId(w);
  const categories = order.products.map((i) => w.catalogue.products[i]).filter((p) => !p.uncategorised).map((p) => p.category);
  const steps: [BehaviourEvent['type'], number][] = [];
  for (let i = viewCount(w.rng, 0.6) - 1; i > 0; i--) steps.push(['view', browse(w, categories, 0.85)]);
  for (const product of order.products) steps.push(['view', product]);
  if (w.rng.chance(0.5)) for (const product of order.products) steps.push(['cart', product]);
  // Backwards from the order: the purchases share its second, each step before it one real gap earlier.
  const events = order.products.map((product) => eventOf(w, order.ms, 'purchase', product, who, session));
  let time = order.ms;
  for (let i = steps.length - 1; i >= 0 && order.ms - time < MAX_LEAD_MS - 60 * 60_000; i--) {
    time -= gapMs(w.rng);
    events.unshift(eventOf(w, time, steps[i][0], steps[i][1], who, session));
  }
  return events;
};

/** Exactly `events` events in time order, over the purchases' months and ending shortly after their last order. */
export function* generateStoreBehaviour(options: StoreBehaviourOptions): Generator<BehaviourEvent> {
  const purchasesSeed = options.purchases.seed ?? DEFAULT_SEED;
  const catalogue = purchasesCatalogue(options.purchases.rows, seedOf(purchasesSeed));
  const rng = createRng(seedOf(options.seed ?? `store-behaviour-${purchasesSeed}`));
  const w: SessionWriter = { catalogue, rng };
  const productIndex = new Map(catalogue.products.map((p, i) => [p.id, i]));

  const orders = () => signedInOrders(options.purchases.rows, purchasesSeed, productIndex);
  // Counted first (the purchases are generated twice): the buying sessions are a share of these orders.
  let signedIn = 0;
  for (const _ of orders()) signedIn++;
  const sessions = options.events / EVENTS_PER_SESSION;
  const orderChance = Math.min(1, (sessions * P.sample.purchaseSessionShare) / Math.max(1, signedIn));

  const customers: string[] = [];
  const seenCustomers = new Set<string>();
  let visitors = 0;
  const customerShopper = (userId: string): Shopper => {
    const traits = customerTraits(catalogue, seedOf(purchasesSeed), Number((BigInt(userId) - USER_ID_BASE) / 1000n));
    return { userId, tastes: traits.tastes };
  };
  const someShopper = (): Shopper => {
    if (customers.length === 0 || rng.chance(VISITOR_SHARE)) {
      const index = visitors === 0 || rng.chance(0.6) ? visitors++ : Math.floor(visitors * Math.pow(rng.next(), LOYALTY));
      return { userId: (VISITOR_ID_BASE + BigInt(index)).toString(), tastes: [] };
    }
    return customerShopper(customers[Math.floor(customers.length * Math.pow(rng.next(), LOYALTY))]);
  };

  const heap = new EventHeap();
  let emitted = 0;
  let previous: number | undefined;
  let browsingDue = 0;
  // Events of the sessions made so far, and per kind: how many browsing sessions the remaining orders need.
  let planned = 0;
  const made = { browsing: { sessions: 0, events: 0 }, buying: { sessions: 0, events: 0 } };
  const add = (kind: keyof typeof made, events: BehaviourEvent[]) => {
    made[kind].sessions++;
    made[kind].events += events.length;
    planned += events.length;
    for (const event of events) heap.push(event);
  };
  const mean = (kind: keyof typeof made, prior: number) => (made[kind].events + 10 * prior) / (made[kind].sessions + 10);
  function* release(before: number): Generator<BehaviourEvent> {
    while (heap.size && heap.peekTime() < before && emitted < options.events) {
      emitted++;
      yield heap.pop();
    }
  }
  let ordersLeft = signedIn;
  for (const order of orders()) {
    if (!seenCustomers.has(order.userId)) {
      seenCustomers.add(order.userId);
      customers.push(order.userId);
    }
    // Browsing sessions since the last order, spread over the gap between them: as many as the events still
    // to make need, beside the buying sessions the remaining orders will bring, shared out over those orders.
    const buyingEventsAhead = ordersLeft * orderChance * mean('buying', 8);
    browsingDue += Math.max(0, (options.events - planned - buyingEventsAhead) / mean('browsing', EVENTS_PER_SESSION)) / ordersLeft--;
    const from = previous ?? order.ms - 3_600_000;
    for (; browsingDue >= 1; browsingDue--) add('browsing', browsingSession(w, someShopper(), from + Math.floor((rng.next() * (order.ms - from)) / 1000) * 1000));
    previous = order.ms;
    if (order.products.length && rng.chance(orderChance)) add('buying', buyingSession(w, customerShopper(order.userId), order));
    yield* release(order.ms - MAX_LEAD_MS);
    if (emitted >= options.events) return;
  }
  // The count's remainder (a session's worth at most): browsing right after the last order.
  for (let start = previous ?? FIRST_DAY_MS; emitted < options.events; ) {
    start += 1000 * (1 + rng.int(600));
    add('browsing', browsingSession(w, someShopper(), start));
    yield* release(start);
  }
  yield* release(Number.POSITIVE_INFINITY);
}
