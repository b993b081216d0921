/**
 * A seeded, streaming generator of behaviour events (REES46 clickstream: view / cart /
 * remove_from_cart / purchase), shaped like the real sample (BEHAVIOUR_PROFILE): short sessions
 * with log-normal gaps, heavy-tailed category, brand and product popularity, missing category
 * codes and brands on whole products/categories, ids as decimal strings.
 *
 * Purchase intent has plausible causes the jobs can learn, never a label planted in a feature:
 * each user has a stable buying propensity and taste; a session's intent (propensity + noise +
 * being a returning user) makes it view more products, stay in one category and dwell longer;
 * the buy decision then depends on that intent, on how focused the browsing was and on the
 * price against the user's usual level.
 *
 * Events come out in time order (a heap holds only the sessions still running), so memory is
 * bounded by the catalogue and the concurrent sessions, not by the number of events.
 */
import { BEHAVIOUR_CSV_COLUMNS, BEHAVIOUR_EVENT_VERSION, type BehaviourEventType, type BehaviourEventV1 } from '../../contract';
import { BEHAVIOUR_PROFILE } from './behaviour-profile';
import { pickByMass } from './catalogue';
import { createRng, cumulative, hashUnit, pickCumulative, type Rng, seedOf, zipfWeights } from './random';

export interface BehaviourOptions {
  events: number;
  seed?: number | string;
  /** First session start (ms); default 2019-11-01 UTC, a month after the real sample so the two are never confused. */
  startMs?: number;
  /** Traffic; sets the time span (default 250,000 events a day: 5 M events cover 20 days). */
  eventsPerDay?: number;
}

export interface BehaviourEvent {
  /** ms since epoch, whole seconds (the real data's resolution). */
  time: number;
  type: BehaviourEventType;
  productId: string;
  categoryId: string;
  /** '' when missing, as in the CSV. */
  categoryCode: string;
  brand: string;
  price: string;
  userId: string | null;
  userSession: string | null;
}

export const DEFAULT_BEHAVIOUR_SEED = 20191001;
export const BEHAVIOUR_CSV_HEADER = BEHAVIOUR_CSV_COLUMNS.join(',');
const DEFAULT_START_MS = Date.UTC(2019, 10, 1);
const DEFAULT_EVENTS_PER_DAY = 250_000;
const DAY_MS = 86_400_000;
const P = BEHAVIOUR_PROFILE;

/** A new session belongs to a user never seen before with this chance; else to an earlier (more likely early) user. */
const NEW_USER_SHARE = 0.45;
const LOYALTY = 1.5;
/** Users who shopped before the generated window began, per expected session: a slice shows returning users it never saw arrive. */
const PRIOR_USERS_PER_SESSION = 0.8;
/** Events per session, used only to spread session starts over the span. */
const MEAN_EVENTS_PER_SESSION = 3.2;

const CATEGORY_CODES = [
  'electronics.smartphone', 'electronics.clocks', 'computers.notebook', 'electronics.audio.headphone',
  'appliances.environment.vacuum', 'appliances.kitchen.refrigerators', 'electronics.video.tv',
  'appliances.kitchen.washer', 'computers.desktop', 'electronics.tablet', 'apparel.shoes', 'apparel.shoes.keds',
  'furniture.living_room.sofa', 'furniture.bedroom.bed', 'kids.carriage', 'kids.toys', 'sport.bicycle',
  'auto.accessories.player', 'construction.tools.drill', 'appliances.kitchen.microwave', 'appliances.iron',
  'appliances.personal.hair_cutter', 'electronics.camera.photo', 'computers.peripherals.printer',
  'accessories.bag', 'apparel.jeans', 'appliances.environment.water_heater', 'country_yard.lawn_mower',
  'medicine.tools.tonometer', 'stationery.cartrige',
] as const;
const SYLLABLES = ['ka', 'lo', 'mi', 'ra', 'ten', 'vo', 'si', 'dex', 'pro', 'na', 'ul', 'ber', 'zo', 'fi', 'gar', 'el', 'tor', 'sun'];

interface Catalogue {
  products: { id: string; category: number; brand: string; price: number }[];
  categories: { id: string; code: string }[];
  categoryPopularity: Float64Array;
  byCategory: { products: Int32Array; popularity: Float64Array }[];
}

const clampRound = (value: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, Math.round(value)));
const scaled = (base: number, events: number, power: number) => base * Math.pow(events / P.sample.events, power);

const brandName = (i: number): string => {
  let name = '';
  for (let n = i + SYLLABLES.length; n > 0; n = Math.floor(n / SYLLABLES.length)) name += SYLLABLES[n % SYLLABLES.length];
  return name;
};

const shuffledIndices = (n: number, rng: Rng): number[] => {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
};

/** Catalogue sizes grow sub-linearly with the data (the sample's 4,489 products at 10,996 events). */
const buildCatalogue = (events: number, rng: Rng): Catalogue => {
  const productCount = clampRound(scaled(P.sample.products, events, 0.6), 300, 150_000);
  const categoryCount = clampRound(scaled(P.sample.categories, events, 0.12), 40, 900);
  const brandCount = clampRound(scaled(P.sample.brands, events, 0.35), 60, 5_000);
  const categoryWeights = cumulative(zipfWeights(categoryCount, 1.1, 1));
  const brandWeights = cumulative(zipfWeights(brandCount, 1.3, 2));
  const codeWeights = cumulative(zipfWeights(CATEGORY_CODES.length, 1, 1));
  const categorySlots = shuffledIndices(categoryCount, rng);
  const categories = categorySlots.map((slot) => ({
    id: (2053013552000000000n + BigInt(slot) * 1_000_000n + BigInt(rng.int(1_000_000))).toString(),
    code: CATEGORY_CODES[pickCumulative(codeWeights, rng.next())] as string,
  }));
  const priceLevel = categories.map(() => Math.exp(0.9 * rng.normal()));
  const brandPools = categories.map(() => Array.from({ length: 5 }, () => brandName(pickCumulative(brandWeights, rng.next()))));
  const weights = zipfWeights(productCount, 1.05, 8);
  const productSlots = shuffledIndices(productCount, rng);
  const products = productSlots.map((slot) => {
    const category = pickCumulative(categoryWeights, rng.next());
    return {
      id: String(1_000_000 + slot * 100 + rng.int(100)),
      category,
      brand: brandPools[category][Math.min(4, Math.floor(-Math.log(1 - rng.next())))],
      price: P.sample.price.median * priceLevel[category] * Math.exp(0.8 * rng.normal()),
    };
  });
  for (const i of pickByMass(weights, P.sample.emptyBrandShare, rng)) products[i].brand = '';
  const members: number[][] = categories.map(() => []);
  products.forEach((p, i) => members[p.category].push(i));
  const categoryMass = members.map((list) => list.reduce((s, i) => s + weights[i], 0));
  for (const c of pickByMass(categoryMass, P.sample.emptyCategoryCodeShare, rng)) categories[c].code = '';
  // A category without products is never picked: its weight is zero.
  return {
    products,
    categories,
    categoryPopularity: cumulative(categoryMass),
    byCategory: members.map((list) => ({ products: Int32Array.from(list.length ? list : [0]), popularity: cumulative(list.length ? list.map((i) => weights[i]) : [1]) })),
  };
};

/** A user's stable traits come from hashing (seed, user): no per-user state is kept. */
const userTraits = (catalogue: Catalogue, seed: number, user: number) => {
  const u1 = Math.max(1e-12, hashUnit(seed, user, 1));
  const propensity = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * hashUnit(seed, user, 2));
  return {
    id: String(512_000_000 + user * 10 + Math.floor(hashUnit(seed, user, 3) * 10)),
    taste: pickCumulative(catalogue.categoryPopularity, hashUnit(seed, user, 4)),
    propensity,
    priceLevel: Math.exp(0.6 * (hashUnit(seed, user, 5) - 0.5)),
  };
};

export const uuid = (rng: Rng): string => {
  const hex = Array.from({ length: 4 }, () => rng.int(0x1_0000_0000).toString(16).padStart(8, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'[rng.int(4)]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

interface SessionContext {
  catalogue: Catalogue;
  seed: number;
  rng: Rng;
  /** Users who ever had a session, counting a base of users known before the first generated day. */
  usersSeen: number;
}

/** All events of one session, starting at `start` (not yet time-ordered against other sessions). */
const session = (ctx: SessionContext, start: number): BehaviourEvent[] => {
  const { catalogue, rng } = ctx;
  const returning = ctx.usersSeen > 0 && !rng.chance(NEW_USER_SHARE);
  const userIndex = returning ? Math.floor(ctx.usersSeen * Math.pow(rng.next(), LOYALTY)) : ctx.usersSeen++;
  const user = userTraits(catalogue, ctx.seed, userIndex);
  const intent = 0.9 * user.propensity + 0.8 * rng.normal() + (returning ? 0.5 : 0);
  const userId = rng.chance(P.missingUserShare) ? null : user.id;
  const userSession = rng.chance(P.missingSessionShare) ? null : uuid(rng);
  const main = returning && rng.chance(0.6) ? user.taste : pickCumulative(catalogue.categoryPopularity, rng.next());
  const focus = 0.3 + 0.6 * sigmoid(intent);
  const gapMedian = P.sample.gapSeconds.median * Math.exp(0.25 * intent - 0.2);
  const events: BehaviourEvent[] = [];
  let time = start;
  const advance = () => {
    const seconds = rng.chance(P.longPauseShare) ? 1_860 + rng.int(5_400) : Math.exp(Math.log(gapMedian) + P.sample.gapSeconds.logSigma * rng.normal());
    time += Math.floor(seconds) * 1000;
  };
  const push = (type: BehaviourEventType, product: number) => {
    const p = catalogue.products[product];
    const c = catalogue.categories[p.category];
    events.push({ time, type, productId: p.id, categoryId: c.id, categoryCode: c.code, brand: p.brand, price: Math.min(99_999, Math.max(0.5, p.price)).toFixed(2), userId, userSession });
  };
  const viewed: number[] = [];
  const view = () => {
    if (events.length) advance();
    let product: number;
    if (viewed.length && rng.chance(0.15)) product = viewed[rng.int(viewed.length)];
    else {
      const category = catalogue.byCategory[rng.chance(focus) ? main : pickCumulative(catalogue.categoryPopularity, rng.next())];
      product = category.products[pickCumulative(category.popularity, rng.next())];
    }
    viewed.push(product);
    push('view', product);
  };

  const meanExtraViews = Math.exp(0.6 * intent - 0.05);
  const views = 1 + Math.min(80, Math.floor(Math.log(1 - rng.next()) / Math.log(meanExtraViews / (1 + meanExtraViews))));
  for (let i = 0; i < views; i++) view();

  const inMain = viewed.filter((i) => catalogue.products[i].category === main).length;
  const item = viewed[viewed.length - 1];
  const relativePrice = catalogue.products[item].price / (P.sample.price.median * user.priceLevel);
  const buy = sigmoid(-5.2 + 1.2 * intent + 0.2 * Math.min(inMain, 8) - 0.3 * Math.log(relativePrice));
  const decision = rng.next();
  if (decision < buy) {
    if (rng.chance(0.5)) {
      advance();
      push('cart', item);
      if (rng.chance(0.3)) view();
    }
    advance();
    push('purchase', item);
    if (viewed.length > 1 && rng.chance(0.06)) {
      advance();
      push('purchase', viewed[rng.int(viewed.length - 1)]);
    }
  } else if (decision < buy * 1.45) {
    advance();
    push('cart', item);
    if (rng.chance(P.removeAfterAbandonedCart)) {
      advance();
      push('remove_from_cart', item);
    }
  }
  if (rng.chance(0.2)) for (let i = 1 + rng.int(3); i > 0; i--) view();
  return events;
};

/** A binary min-heap of events by (time, arrival): the sessions still running. */
export class EventHeap {
  private items: { event: BehaviourEvent; order: number }[] = [];
  private arrivals = 0;
  get size() {
    return this.items.length;
  }
  peekTime(): number {
    return this.items[0].event.time;
  }
  private less(a: number, b: number) {
    const x = this.items[a], y = this.items[b];
    return x.event.time < y.event.time || (x.event.time === y.event.time && x.order < y.order);
  }
  private swap(a: number, b: number) {
    [this.items[a], this.items[b]] = [this.items[b], this.items[a]];
  }
  push(event: BehaviourEvent) {
    this.items.push({ event, order: this.arrivals++ });
    for (let i = this.items.length - 1; i > 0 && this.less(i, (i - 1) >> 1); i = (i - 1) >> 1) this.swap(i, (i - 1) >> 1);
  }
  pop(): BehaviourEvent {
    const top = this.items[0].event;
    const last = this.items.pop()!;
    if (this.items.length) {
      this.items[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < this.items.length && this.less(l, m)) m = l;
        if (r < this.items.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }
}

/** Exactly `events` behaviour events in time order. */
export function* generateBehaviour(options: BehaviourOptions): Generator<BehaviourEvent> {
  const seed = seedOf(options.seed ?? DEFAULT_BEHAVIOUR_SEED);
  const rng = createRng(seed);
  const expectedSessions = Math.max(1, options.events / MEAN_EVENTS_PER_SESSION);
  const ctx: SessionContext = { catalogue: buildCatalogue(options.events, rng), seed, rng, usersSeen: Math.ceil(expectedSessions * PRIOR_USERS_PER_SESSION) };
  const startMs = options.startMs ?? DEFAULT_START_MS;
  const span = (options.events / (options.eventsPerDay ?? DEFAULT_EVENTS_PER_DAY)) * DAY_MS;
  const heap = new EventHeap();
  let emitted = 0;
  for (let s = 0; emitted < options.events; s++) {
    const start = startMs + Math.floor((((s + rng.next()) / expectedSessions) * span) / 1000) * 1000;
    while (heap.size && heap.peekTime() < start && emitted < options.events) {
      yield heap.pop();
      emitted++;
    }
    for (const event of session(ctx, start)) heap.push(event);
  }
}

export const formatBehaviourTime = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

/** The CSV line of an event (no newline), in BEHAVIOUR_CSV_COLUMNS order. */
export const behaviourCsvLine = (e: BehaviourEvent): string =>
  `${formatBehaviourTime(e.time)},${e.type},${e.productId},${e.categoryId},${e.categoryCode},${e.brand},${e.price},${e.userId ?? ''},${e.userSession ?? ''}`;

/** The event as ingest would produce it to Kafka (and Firehose lands it): a BehaviourEventV1. */
export const behaviourEventV1 = (e: BehaviourEvent, source: string, line: number): BehaviourEventV1 => ({
  v: BEHAVIOUR_EVENT_VERSION,
  event_time: formatBehaviourTime(e.time),
  event_type: e.type,
  product_id: e.productId,
  category_id: e.categoryId,
  category_code: e.categoryCode || null,
  brand: e.brand || null,
  price: e.price,
  user_id: e.userId,
  user_session: e.userSession,
  source,
  line,
});

/** Header, then one CSV line per event, each ending with '\n'. */
export function* generateBehaviourCsv(options: BehaviourOptions): Generator<string> {
  yield `${BEHAVIOUR_CSV_HEADER}\n`;
  for (const event of generateBehaviour(options)) yield `${behaviourCsvLine(event)}\n`;
}
