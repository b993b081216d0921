/**
 * A seeded, streaming generator of purchase rows in exactly the schema a store
 * uploads (CSV_COLUMNS), shaped like the real electronics data: power-law
 * product popularity, customers with category tastes who come back and re-buy,
 * orders of 1..n line items in time order with the real weekly and daily rhythm, and the
 * real quirks (guest rows, 1970 dates, missing category/brand, shifted rows of
 * uncategorised products, duplicate rows as quantity). Memory is bounded by
 * the catalogue, not by the number of rows.
 */
import { CSV_COLUMNS } from '../../contract';
import { buildCatalogue, type Catalogue, productsFor } from './catalogue';
import { REAL_PROFILE } from './profile';
import { WEEKDAY_ROWS } from './store-profile';
import { createRng, cumulative, hashUnit, pickCumulative, type Rng, seedOf } from './random';

export interface GenerateOptions {
  rows: number;
  seed?: number | string;
  /** Catalogue size; defaults to one that scales like the real data's. */
  products?: number;
  /** Share of orders placed by signed-in customers. */
  customerShare?: number;
  /** Extra identical rows per line item (quantity > 1). */
  duplicateShare?: number;
}

export const DEFAULT_SEED = 20200424;
export const CSV_HEADER = CSV_COLUMNS.join(',');
export const EPOCH_DATE = '1970-01-01 00:00:00 UTC';

/** Real order ids are snowflakes: milliseconds since this epoch, shifted left 23 bits. */
const ORDER_ID_EPOCH_MS = 1_314_220_021_500;
export const USER_ID_BASE = 1515915625440000000n;
const WINDOW_START_MS = Date.UTC(2020, 0, 1);
/** 2020-01-01..2020-07-31. */
const DAYS_2020_H1 = 31 + 29 + 31 + 30 + 31 + 30 + 31;
const HOUR_MS = 3_600_000;
/** A returning customer is more likely an early (loyal) one: index = seen * u^LOYALTY. */
const LOYALTY = 2;
const NEW_CUSTOMER_SHARE = 0.7;
/** Line-item choice of a customer: a staple they buy again, their categories, or anything popular. */
const STAPLE_SHARE = 0.2;
const TASTE_SHARE = 0.55;
/** Shifted rows keep the user id (in the brand column) for 27% of customers' rows (3.4% of shifted rows). */
const SHIFTED_KEEPS_USER = 0.27;

/**
 * Weight of every hour of 2020-01..2020-07: weekday x hour-of-day profile at one
 * level for the seven months. The real export's months are not: April 2020 fell
 * to 15% of March (the store's COVID-19 lockdown from 30 March) and from 5 June
 * it holds ~400 rows a day (a gap in the export). A demo store shown without
 * that story would look broken, so the generated one keeps its pre-lockdown pace.
 */
const hourlyWeights = (): Float64Array => {
  const weights: number[] = [];
  for (let day = 0; day < DAYS_2020_H1; day++) {
    const isoWeekday = ((new Date(WINDOW_START_MS + day * 24 * HOUR_MS).getUTCDay() + 6) % 7) + 1;
    for (let hour = 0; hour < 24; hour++) weights.push(WEEKDAY_ROWS[isoWeekday - 1] * REAL_PROFILE.hourRows[hour]);
  }
  return cumulative(weights);
};

/** Monotone map from u in [0,1) to a time in the window, following the weights. */
const timeAt = (hours: Float64Array, u: number): number => {
  const hour = pickCumulative(hours, u);
  const before = hour === 0 ? 0 : hours[hour - 1];
  const within = (u * hours[hours.length - 1] - before) / (hours[hour] - before);
  return WINDOW_START_MS + hour * HOUR_MS + Math.floor(Math.min(0.999999, Math.max(0, within)) * HOUR_MS);
};

export const formatEventTime = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

const orderIdAt = (ms: number, rng: Rng): string =>
  ((BigInt(ms - ORDER_ID_EPOCH_MS) << 23n) | BigInt(rng.int(1 << 23))).toString();

const itemsPerOrder = cumulative(REAL_PROFILE.itemsPerOrder);
const tailShare = 0.5;
const sampleItems = (rng: Rng): number => {
  let n = pickCumulative(itemsPerOrder, rng.next()) + 1;
  if (n === REAL_PROFILE.itemsPerOrder.length) while (rng.chance(tailShare)) n++;
  return n;
};
const MEAN_ITEMS =
  REAL_PROFILE.itemsPerOrder.reduce((s, c, i) => s + c * (i + 1), 0) / REAL_PROFILE.itemsPerOrder.reduce((a, b) => a + b, 0);

/** A customer's stable traits come from hashing (seed, customer), so no per-customer state is kept. */
export const customerTraits = (catalogue: Catalogue, seed: number, customer: number) => {
  const tastes = [1, 2].map((k) => pickCumulative(catalogue.categoryPopularity, hashUnit(seed, customer, k)));
  const staples = [3, 4].map((k) => {
    const category = catalogue.byCategory[tastes[k - 3]];
    return category.products[pickCumulative(category.popularity, hashUnit(seed, customer, k))];
  });
  const jitter = BigInt(Math.floor(hashUnit(seed, customer, 5) * 1000));
  return { tastes, staples, userId: (USER_ID_BASE + BigInt(customer) * 1000n + jitter).toString() };
};
type Customer = ReturnType<typeof customerTraits>;

const pickProduct = (catalogue: Catalogue, customer: Customer | null, rng: Rng): number => {
  const r = rng.next();
  if (customer && r < STAPLE_SHARE) return customer.staples[rng.int(customer.staples.length)];
  if (customer && r < STAPLE_SHARE + TASTE_SHARE) {
    const category = catalogue.byCategory[customer.tastes[rng.int(customer.tastes.length)]];
    return category.products[pickCumulative(category.popularity, rng.next())];
  }
  return pickCumulative(catalogue.popularity, rng.next());
};

/** One CSV line for a line item; uncategorised products come out shifted as in the real file. */
const rowFor = (catalogue: Catalogue, productIndex: number, time: string, orderId: string, userId: string, rng: Rng): string => {
  const p = catalogue.products[productIndex];
  if (p.uncategorised) {
    const brandColumn = userId && rng.chance(SHIFTED_KEEPS_USER) ? userId : '';
    return `${time},${orderId},${p.id},,${p.price},${brandColumn},,`;
  }
  const c = catalogue.categories[p.category];
  return `${time},${orderId},${p.id},${c.id},${c.code},${p.brand},${p.price},${userId}`;
};

/** Yields the header, then exactly `rows` data lines, each ending with '\n'. */
export function* generate(options: GenerateOptions): Generator<string> {
  const seed = seedOf(options.seed ?? DEFAULT_SEED);
  const rng = createRng(seed);
  const catalogue = buildCatalogue(options.products ?? productsFor(options.rows), rng);
  const customerShare = options.customerShare ?? REAL_PROFILE.customerRowShare;
  const duplicateShare = options.duplicateShare ?? REAL_PROFILE.duplicateShare;
  const hours = hourlyWeights();
  const expectedOrders = Math.max(1, Math.ceil(options.rows / MEAN_ITEMS));

  yield `${CSV_HEADER}\n`;
  let written = 0;
  let customersSeen = 0;
  for (let order = 0; written < options.rows; order++) {
    const ms = timeAt(hours, Math.min(0.999999, (order + rng.next()) / expectedOrders));
    const time = rng.chance(REAL_PROFILE.epochDateShare) ? EPOCH_DATE : formatEventTime(ms);
    const orderId = orderIdAt(ms, rng);
    let customer: Customer | null = null;
    if (rng.chance(customerShare)) {
      const index = customersSeen === 0 || rng.chance(NEW_CUSTOMER_SHARE) ? customersSeen++ : Math.floor(customersSeen * Math.pow(rng.next(), LOYALTY));
      customer = customerTraits(catalogue, seed, index);
    }
    const chosen = new Set<number>();
    for (let item = sampleItems(rng); item > 0 && written < options.rows; item--) {
      let product = pickProduct(catalogue, customer, rng);
      for (let retry = 0; chosen.has(product) && retry < 5; retry++) product = pickProduct(catalogue, customer, rng);
      chosen.add(product);
      const line = `${rowFor(catalogue, product, time, orderId, customer?.userId ?? '', rng)}\n`;
      yield line;
      written++;
      while (written < options.rows && rng.chance(duplicateShare)) {
        yield line;
        written++;
      }
    }
  }
}
