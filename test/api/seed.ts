/**
 * A small lake folder as the Spark jobs leave it (recommend output in JSON-lines
 * part files, fallback.json, analytics documents), shared by the API, web and
 * bench runs. Ids are real-shaped (19 digits, beyond 2^53).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { LAKE, analyticsKeyFor, type AnalyticsDocuments, type UserRecommendations } from '../../lib/contract';

const product = (product_id: string, score: number, category_code: string | null, brand: string | null, price: string | null) => ({
  product_id,
  score,
  category_code,
  brand,
  price,
});

export const SEED_USERS: UserRecommendations[] = [
  {
    user_id: '1515915625441993984',
    source: 'als',
    recommendations: [
      product('1515966223509089906', 0.91, 'electronics.smartphone', 'samsung', '162.01'),
      product('2273948184839454837', 0.72, 'computers.notebook', 'lenovo', '512.48'),
      product('1515966223509088509', 0.55, null, null, '8.08'),
    ],
  },
  {
    user_id: '1515915625447879434',
    source: 'repeat',
    recommendations: [
      product('1515966223509104892', 3.0, 'stationery.cartrige', 'canon', '27.75'),
      product('1515966223509089282', 1.0, 'appliances.kitchen.kettle', 'tefal', '25.44'),
      product('1515966223509106786', 0.5, 'electronics.audio.headphone', 'sony', '37.01'),
    ],
  },
  {
    user_id: '1515915625450382722',
    source: 'popular',
    recommendations: [
      product('1515966223509089906', 812, 'electronics.smartphone', 'samsung', '162.01'),
      product('1515966223509088567', 640, 'appliances.kitchen.refrigerators', 'lg', '694.42'),
      product('1515966223509089282', 533, 'appliances.kitchen.kettle', 'tefal', '25.44'),
    ],
  },
];

export const SEED_FALLBACK = {
  recommendations: [
    product('1515966223509089906', 812, 'electronics.smartphone', 'samsung', '162.01'),
    product('1515966223509088567', 640, 'appliances.kitchen.refrigerators', 'lg', '694.42'),
    product('1515966223509089282', 533, 'appliances.kitchen.kettle', 'tefal', '25.44'),
  ],
};

/** A user the store has never seen: gets the fallback list. */
export const UNKNOWN_USER = '1515915625999999999';

/** Lines the loader must count as invalid and skip. */
export const SEED_BAD_LINES = [
  '{"user_id": "not-a-number", "recommendations": [], "source": "als"}',
  '{this is not json',
];

const months = ['2020-01', '2020-02', '2020-03', '2020-04', '2020-05', '2020-06'];
export const SEED_ANALYTICS: AnalyticsDocuments = {
  summary: { orders: 4210, units: 5377, revenue: 812345.67, customers: 1200, products: 1830, average_order_value: 192.96, first_day: '2020-01-05', last_day: '2020-06-30' },
  monthly_sales: months.map((month, i) => ({ month, revenue: 90000 + i * 15000 + (i % 2) * 7000, orders: 500 + i * 60, units: 650 + i * 70 })),
  top_customers: Array.from({ length: 10 }, (_, i) => ({
    user_id: (i < 3 ? SEED_USERS[i].user_id : `15159156254${String(40000000 + i * 7919).padStart(8, '0')}`),
    revenue: Math.round((9000 - i * 650) * 100) / 100,
    orders: 20 - i,
    units: 30 - i,
  })),
  top_categories: ['electronics.smartphone', 'computers.notebook', 'appliances.kitchen.refrigerators', 'electronics.video.tv', 'appliances.kitchen.washer', 'computers.components.videocards', 'electronics.audio.headphone', 'stationery.cartrige'].map(
    (category_code, i) => ({ category_code, revenue: 200000 - i * 21000, units: 900 - i * 80 }),
  ),
  top_brands: ['samsung', 'apple', 'lg', 'lenovo', 'asus', 'sony', 'xiaomi', 'hp', 'acer'].map((brand, i) => ({ brand, revenue: 180000 - i * 17000, units: 800 - i * 70 })),
  hour_weekday: Array.from({ length: 7 * 24 }, (_, k) => {
    const weekday = Math.floor(k / 24) + 1;
    const hour = k % 24;
    return { weekday, hour, orders: Math.round(10 + 30 * Math.max(0, Math.sin(((hour - 4) / 24) * Math.PI * 2)) + (weekday >= 6 ? 8 : 0)) };
  }),
  purchase_frequency: [1, 2, 3, 4, 5, 6, 8, 12, 15].map((orders) => ({ orders, customers: Math.round(700 / orders ** 1.5) })),
};

const write = (root: string, key: string, text: string) => {
  mkdirSync(dirname(join(root, key)), { recursive: true });
  writeFileSync(join(root, key), text);
};

/** Writes the seed lake into a fresh temporary folder and returns its path. */
export const writeSeedLake = (extraUsers = 0): string => {
  const root = mkdtempSync(join(tmpdir(), 'recstream-seed-lake-'));
  const [first, ...rest] = SEED_USERS;
  const generated = Array.from({ length: extraUsers }, (_, i) => ({ ...first, user_id: String(1515915625000000000n + BigInt(i)) }));
  write(root, `${LAKE.recommendationsPrefix}part-00000-seed.json`, [first, ...SEED_BAD_LINES].map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  write(root, `${LAKE.recommendationsPrefix}part-00001-seed.json`, [...rest, ...generated].map((u) => JSON.stringify(u)).join('\n') + '\n');
  write(root, `${LAKE.recommendationsPrefix}_SUCCESS`, '');
  write(root, LAKE.fallbackKey, JSON.stringify(SEED_FALLBACK));
  for (const [name, doc] of Object.entries(SEED_ANALYTICS)) write(root, analyticsKeyFor(name as keyof AnalyticsDocuments), JSON.stringify(doc));
  return root;
};
