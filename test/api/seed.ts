/**
 * A small lake folder as the Spark jobs leave it (recommend output in JSON-lines
 * part files, fallback.json, analytics documents), shared by the API, web and
 * bench runs. Ids are real-shaped (19 digits, beyond 2^53).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ANALYTICS_DOCUMENTS, LAKE, SERVING_TABLE, analyticsKeyFor, type AnalyticsDocuments, type UserRecommendations } from '../../contract';
import { recommenderSeedObjects } from './seed-recommender';

const product = (product_id: string, score: number, category_code: string | null, brand: string | null, price: string | null) => ({
  product_id,
  score,
  category_code,
  brand,
  price,
});

/** The analyse job's output on the fixture slice (emr-jobs/tests/golden), so the dashboard draws real numbers. */
const GOLDEN = join(__dirname, '..', '..', 'emr-jobs', 'tests', 'golden', 'analytics');
export const SEED_ANALYTICS = Object.fromEntries(
  ANALYTICS_DOCUMENTS.map((name) => [name, JSON.parse(readFileSync(join(GOLDEN, `${name}.json`), 'utf8'))]),
) as unknown as AnalyticsDocuments;

const BEST_SELLERS = [
  product('1515966223509089906', 812, 'electronics.smartphone', 'samsung', '162.01'),
  product('1515966223509088567', 640, 'appliances.kitchen.refrigerators', 'lg', '694.42'),
  product('1515966223509089282', 533, 'appliances.kitchen.kettle', 'tefal', '25.44'),
];

/** The recommend job's shape: every item says where it came from, a repeat how many units the customer bought. */
export const SEED_USERS: UserRecommendations[] = [
  {
    // The top customer, so the page's example ids lead to a personal list: one card per personal reason.
    user_id: SEED_ANALYTICS.top_customers[0].user_id,
    source: 'repeat',
    recommendations: [
      { ...product('1515966223509089906', 13, 'electronics.smartphone', 'samsung', '162.01'), source: 'repeat', times_bought: 13, last_bought: '2020-07-21' },
      { ...product('2273948184839454837', 0.72, 'computers.notebook', 'lenovo', '512.48'), source: 'category', category_rank: 2, window_days: 90 },
      {
        ...product('1515966223509088509', 0.55, null, null, '8.08'),
        source: 'als',
        because_of: { product_id: '1515966223509089906', category_code: 'electronics.smartphone', brand: 'samsung' },
        customers_also: 5,
      },
    ],
  },
  {
    user_id: '1515915625447879434',
    source: 'repeat',
    recommendations: [
      // Two repeats, then a product bought together with one of them.
      { ...product('1515966223509104892', 3.0, 'stationery.cartrige', 'canon', '27.75'), source: 'repeat', times_bought: 3, last_bought: '2020-06-02' },
      { ...product('1515966223509089282', 1.0, 'appliances.kitchen.kettle', 'tefal', '25.44'), source: 'repeat', times_bought: 1, last_bought: '2020-03-15' },
      {
        ...product('1515966223509106786', 0.5, 'electronics.audio.headphone', 'sony', '37.01'),
        source: 'copurchase',
        because_of: { product_id: '1515966223509089282', category_code: 'appliances.kitchen.kettle', brand: 'tefal' },
        customers_also: 4,
      },
    ],
  },
  {
    // A customer in the data whose list holds nothing personal: the best sellers.
    user_id: '1515915625450382722',
    source: 'popular',
    recommendations: BEST_SELLERS.map((p, i) => ({ ...p, source: 'popular' as const, popular_rank: i + 1, window_days: 30 })),
  },
  {
    // Stored before items carried their own source: only the first item's (the list's) is known.
    user_id: '1515915625450382999',
    source: 'als',
    recommendations: [
      product('1515966223509106786', 0.91, 'electronics.audio.headphone', 'sony', '37.01'),
      product('2273948184839454837', 0.72, 'computers.notebook', 'lenovo', '512.48'),
      product('1515966223509088509', 0.55, null, null, '8.08'),
    ],
  },
];

/** The popularity list, as the recommend job writes it for ids without history. */
export const SEED_FALLBACK = { recommendations: BEST_SELLERS.map((p, i) => ({ ...p, source: 'fallback' as const, popular_rank: i + 1, window_days: 30 })) };

/** An id no customer has in the data: gets the fallback list, marked unknown. */
export const UNKNOWN_USER = '1515915625999999999';

/** Lines the loader must count as invalid and skip. */
export const SEED_BAD_LINES = [
  '{"user_id": "not-a-number", "recommendations": [], "source": "als"}',
  '{this is not json',
];

const write = (root: string, key: string, text: string) => {
  mkdirSync(dirname(join(root, key)), { recursive: true });
  writeFileSync(join(root, key), text);
};

/** Writes the seed lake into a fresh temporary folder and returns its path. */
export const writeSeedLake = (extraUsers = 0, analytics: AnalyticsDocuments = SEED_ANALYTICS): string => {
  const root = mkdtempSync(join(tmpdir(), 'recstream-seed-lake-'));
  const [first, ...rest] = SEED_USERS;
  const generated = Array.from({ length: extraUsers }, (_, i) => ({ ...first, user_id: String(1515915625000000000n + BigInt(i)) }));
  write(root, `${LAKE.recommendationsPrefix}part-00000-seed.json`, [first, ...SEED_BAD_LINES].map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  // Like the recommend job, the part files carry the fallback row too.
  const fallbackRow = { user_id: SERVING_TABLE.fallbackUserId, ...SEED_FALLBACK, source: 'fallback' };
  write(root, `${LAKE.recommendationsPrefix}part-00001-seed.json`, [...rest, fallbackRow, ...generated].map((u) => JSON.stringify(u)).join('\n') + '\n');
  write(root, `${LAKE.recommendationsPrefix}_SUCCESS`, '');
  write(root, LAKE.fallbackKey, JSON.stringify(fallbackRow));
  for (const [name, doc] of Object.entries(analytics)) write(root, analyticsKeyFor(name as keyof AnalyticsDocuments), JSON.stringify(doc));
  for (const [key, doc] of Object.entries(recommenderSeedObjects())) write(root, key, JSON.stringify(doc));
  return root;
};
