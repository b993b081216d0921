/**
 * The synthetic store's catalogue: products with a power-law popularity,
 * grouped into categories whose codes, brands and prices are the real store's
 * (STORE_CATEGORIES), and the real data's missing-field quirks assigned by
 * popularity mass so row-level rates match.
 */
import { REAL_PROFILE } from './profile';
import { cumulative, pickCumulative, type Rng, zipfWeights } from './random';
import { STORE_CATEGORIES, UNCATEGORISED_PRICE } from './store-profile';

export interface Category {
  id: string;
  /** '' when the store never filled it in (as in the real data). */
  code: string;
}

export interface Product {
  id: string;
  category: number;
  brand: string;
  price: string;
  /** Has no category at all: its CSV rows come out shifted (see REAL_PROFILE). */
  uncategorised: boolean;
}

export interface Catalogue {
  products: Product[];
  categories: Category[];
  /** Cumulative popularity over all products. */
  popularity: Float64Array;
  /** Per category: its products and their cumulative popularity. */
  byCategory: { products: Int32Array; popularity: Float64Array }[];
  /** Cumulative popularity of categories (sum of their products'). */
  categoryPopularity: Float64Array;
}

const PRODUCT_ID_BASE = 1515966223509000000n;
const CATEGORY_ID_BASE = 2268105400000000000n;

/** A 19-digit id: base + slot*stride + jitter, unique because jitter < stride. */
const idAt = (base: bigint, slot: number, rng: Rng): string =>
  (base + BigInt(slot) * 1000n + BigInt(rng.int(1000))).toString();

/**
 * Indices (visited in random order) whose weights sum to about `share` of the
 * total: the way a missing field lands on whole products or categories yet
 * shows up at the real data's row rate.
 */
export const pickByMass = (weights: readonly number[], share: number, rng: Rng): Set<number> => {
  const total = weights.reduce((a, b) => a + b, 0);
  const order = shuffled(weights.length, rng);
  const picked = new Set<number>();
  let mass = 0;
  for (const i of order) {
    if (mass + weights[i] <= share * total) {
      picked.add(i);
      mass += weights[i];
    }
  }
  return picked;
};

const shuffled = (n: number, rng: Rng): number[] => {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
};

/** Catalogue size for a data set: 16,270 products at 1M rows, growing sub-linearly. */
export const productsFor = (rows: number): number =>
  Math.min(30_000, Math.max(300, Math.round(REAL_PROFILE.products * Math.pow(rows / REAL_PROFILE.rows, 0.7))));

const formatPrice = (value: number): string => Math.min(9999.99, Math.max(0.02, value)).toFixed(2);

/**
 * A price around the real median of the code, spread like its real p50..p90 and
 * kept within [max(p10, p50/4), 1.25 p90]: a washer never costs 0.90, though the
 * real code's own p10 may be an accessory filed under it.
 */
export const priceWithin = ([p10, p50, p90]: readonly [number, number, number], rng: Rng): string => {
  const sigma = Math.log(p90 / p50) / 1.2816;
  return formatPrice(Math.min(1.25 * p90, Math.max(p10, p50 / 4, p50 * Math.exp(sigma * rng.normal()))));
};

/**
 * Gives each category a code so that the codes' row shares follow the real
 * ones: heaviest category first, to the code furthest below its share.
 */
const assignCodes = (categoryMass: readonly number[], shares: readonly number[]): number[] => {
  const total = categoryMass.reduce((a, b) => a + b, 0);
  const assigned = new Array<number>(shares.length).fill(0);
  const codeOf = new Array<number>(categoryMass.length).fill(0);
  const deficit = (c: number) => shares[c] * total - assigned[c];
  const order = categoryMass.map((mass, i) => [mass, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [mass, category] of order) {
    let best = 0;
    for (let c = 1; c < shares.length; c++) if (deficit(c) > deficit(best)) best = c;
    codeOf[category] = best;
    assigned[best] += mass;
  }
  return codeOf;
};

/** Share of categorised rows per code: no code at the real rate, the codes kept pro rata to their real rows. */
const CODE_SHARES = (() => {
  const coded = STORE_CATEGORIES.reduce((a, c) => a + (c.code ? c.rows : 0), 0);
  const empty = REAL_PROFILE.emptyCategoryCodeShare;
  return STORE_CATEGORIES.map((c) => (c.code ? ((1 - empty) * c.rows) / coded : empty));
})();

export const buildCatalogue = (productCount: number, rng: Rng): Catalogue => {
  const { popularity: pop } = REAL_PROFILE;
  const categoryCount = Math.max(8, Math.round(productCount / REAL_PROFILE.productsPerCategory));
  const categoryWeights = cumulative(zipfWeights(categoryCount, 1, 3));
  const categorySlots = shuffled(categoryCount, rng);
  const weights = zipfWeights(productCount, pop.exponent, pop.flatHeadPerProduct * productCount);
  const productSlots = shuffled(productCount, rng);
  const products: Product[] = productSlots.map((slot) => ({
    id: idAt(PRODUCT_ID_BASE, slot, rng),
    category: pickWith(categoryWeights, rng),
    brand: '',
    price: '',
    uncategorised: false,
  }));
  for (const i of pickByMass(weights, REAL_PROFILE.uncategorisedRowShare, rng)) products[i].uncategorised = true;
  const categorisedWeights = products.map((p, i) => (p.uncategorised ? 0 : weights[i]));
  const categoryMass = new Array<number>(categoryCount).fill(0);
  products.forEach((p, i) => (categoryMass[p.category] += categorisedWeights[i]));

  const codeOf = assignCodes(categoryMass, CODE_SHARES);
  const categories: Category[] = categorySlots.map((slot, c) => ({ id: idAt(CATEGORY_ID_BASE, slot, rng), code: STORE_CATEGORIES[codeOf[c]].code }));
  const brandPicks = STORE_CATEGORIES.map((code) => cumulative(code.brands.map(([, rows]) => rows)));
  for (const p of products) {
    if (p.uncategorised) {
      p.price = priceWithin(UNCATEGORISED_PRICE, rng);
      continue;
    }
    const code = codeOf[p.category];
    p.brand = STORE_CATEGORIES[code].brands[pickWith(brandPicks[code], rng)][0];
    p.price = priceWithin(STORE_CATEGORIES[code].price, rng);
  }
  for (const i of pickByMass(categorisedWeights, REAL_PROFILE.emptyBrandShare, rng)) products[i].brand = '';

  const members: number[][] = Array.from({ length: categoryCount }, () => []);
  products.forEach((p, i) => members[p.category].push(i));
  return {
    products,
    categories,
    popularity: cumulative(weights),
    byCategory: members.map((list) => ({
      products: Int32Array.from(list),
      popularity: cumulative(list.map((i) => weights[i])),
    })),
    categoryPopularity: cumulative(members.map((list) => list.reduce((s, i) => s + weights[i], 0))),
  };
};

const pickWith = (cum: Float64Array, rng: Rng): number => pickCumulative(cum, rng.next());
