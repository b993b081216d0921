/**
 * The synthetic store's catalogue: products with a power-law popularity,
 * grouped into categories, each with a brand and a price, and the real data's
 * missing-field quirks assigned by popularity mass so row-level rates match.
 */
import { REAL_PROFILE } from './profile';
import { cumulative, pickCumulative, type Rng, zipfWeights } from './random';

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

const CATEGORY_CODES = [
  'electronics.smartphone', 'electronics.audio.headphone', 'electronics.video.tv', 'electronics.clocks',
  'electronics.tablet', 'electronics.audio.acoustic', 'electronics.camera.photo', 'electronics.telephone',
  'computers.notebook', 'computers.desktop', 'computers.peripherals.printer', 'computers.peripherals.monitor',
  'computers.peripherals.mouse', 'computers.peripherals.keyboard', 'computers.components.cpu',
  'computers.components.memory', 'computers.components.videocards', 'computers.components.hdd',
  'computers.network.router', 'appliances.kitchen.refrigerators', 'appliances.kitchen.washer',
  'appliances.kitchen.microwave', 'appliances.kitchen.kettle', 'appliances.kitchen.blender',
  'appliances.kitchen.coffee_machine', 'appliances.environment.vacuum', 'appliances.environment.air_conditioner',
  'appliances.environment.water_heater', 'appliances.personal.scales', 'appliances.personal.hair_cutter',
  'appliances.iron', 'appliances.sewing_machine', 'furniture.kitchen.table', 'furniture.living_room.chair',
  'furniture.bedroom.bed', 'stationery.cartrige', 'auto.accessories.player', 'sport.bicycle',
  'construction.tools.drill', 'construction.tools.saw', 'kids.toys', 'country_yard.lawn_mower',
  'accessories.bag', 'apparel.glove', 'medicine.tools.tonometer',
] as const;

const BRANDS = [
  'samsung', 'apple', 'xiaomi', 'huawei', 'lg', 'sony', 'asus', 'lenovo', 'hp', 'acer', 'philips', 'bosch',
  'tefal', 'polaris', 'redmond', 'vitek', 'scarlett', 'braun', 'panasonic', 'canon', 'epson', 'intel', 'amd',
  'kingston', 'logitech', 'defender', 'sven', 'jbl', 'honor', 'oppo', 'nokia', 'indesit', 'beko', 'atlant',
  'gorenje', 'electrolux', 'karcher', 'makita', 'dewalt', 'maestro', 'ava', 'sbs', 'geyzer', 'tp-link', 'dell',
  'msi', 'gigabyte', 'seagate', 'wd', 'sandisk', 'moulinex', 'rowenta', 'delonghi', 'smeg', 'candy', 'haier',
  'hisense', 'tcl', 'kivi', 'hyundai', 'dyson', 'garmin', 'fitbit', 'casio', 'omron', 'lego', 'stels', 'huter',
] as const;

const BRANDS_PER_CATEGORY = 6;
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

export const buildCatalogue = (productCount: number, rng: Rng): Catalogue => {
  const { popularity: pop, price } = REAL_PROFILE;
  const categoryCount = Math.max(8, Math.round(productCount / REAL_PROFILE.productsPerCategory));
  const codeWeights = cumulative(zipfWeights(CATEGORY_CODES.length, 1, 2));
  const brandWeights = cumulative(zipfWeights(BRANDS.length, 1.1, 1));
  const categoryWeights = cumulative(zipfWeights(categoryCount, 1, 3));
  const pick = (cum: Float64Array) => pickWith(cum, rng);
  // A category stocks a handful of brands (kettles from tefal and polaris, not from intel).
  const poolWeights = cumulative(zipfWeights(BRANDS_PER_CATEGORY, 1, 0));
  const brandPools = Array.from({ length: categoryCount }, () => Array.from({ length: BRANDS_PER_CATEGORY }, () => BRANDS[pick(brandWeights)]));

  const categorySlots = shuffled(categoryCount, rng);
  const priceLevel = Array.from({ length: categoryCount }, () => Math.exp(0.8 * rng.normal()));
  const categories: Category[] = categorySlots.map((slot) => ({
    id: idAt(CATEGORY_ID_BASE, slot, rng),
    code: CATEGORY_CODES[pick(codeWeights)],
  }));

  const weights = zipfWeights(productCount, pop.exponent, pop.flatHeadPerProduct * productCount);
  const productSlots = shuffled(productCount, rng);
  const products: Product[] = productSlots.map((slot) => {
    const category = pick(categoryWeights);
    return {
      id: idAt(PRODUCT_ID_BASE, slot, rng),
      category,
      brand: brandPools[category][pick(poolWeights)],
      price: formatPrice(price.median * priceLevel[category] * Math.exp(1.4 * rng.normal())),
      uncategorised: false,
    };
  });

  for (const i of pickByMass(weights, REAL_PROFILE.uncategorisedRowShare, rng)) products[i].uncategorised = true;
  const categorisedWeights = products.map((p, i) => (p.uncategorised ? 0 : weights[i]));
  for (const i of pickByMass(categorisedWeights, REAL_PROFILE.emptyBrandShare, rng)) products[i].brand = '';
  const categoryMass = new Array<number>(categoryCount).fill(0);
  products.forEach((p, i) => (categoryMass[p.category] += categorisedWeights[i]));
  for (const c of pickByMass(categoryMass, REAL_PROFILE.emptyCategoryCodeShare, rng)) categories[c].code = '';

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
