/**
 * Validation of the recommend job's output, shared by the loader (which counts
 * bad lines instead of crashing) and nothing else: the API trusts what the
 * loader stored.
 */
import {
  ID_PATTERN,
  RECOMMENDER_GENERATORS,
  SERVING_TABLE,
  USER_ID_PATTERN,
  type RecommendationSource,
  type RecommendedProduct,
  type UserRecommendations,
} from '../../../contract';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** Every generator's source, then the list for ids not in the data (`live` cards are made by the API, never stored). */
const SOURCES = [...RECOMMENDER_GENERATORS, 'fallback'] as const;
// Compiles only while the list above names every stored source the contract's type has.
const everySource: [Exclude<RecommendationSource, (typeof SOURCES)[number] | 'live'>] extends [never] ? true : never = true;
void everySource;
const DIGITS = new RegExp(ID_PATTERN);
const isSource = (v: unknown): v is (typeof SOURCES)[number] => SOURCES.includes(v as (typeof SOURCES)[number]);

const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const optionalText = (v: unknown): string | null | undefined =>
  v === null || v === undefined || v === '' ? null : typeof v === 'string' ? v : undefined;

/** Spark may write a DECIMAL price as a string or a number; the API always serves a string. */
const priceText = (v: unknown): string | null | undefined =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? String(v) : optionalText(v);

export const parseProduct = (v: unknown, at: string): Parsed<RecommendedProduct> => {
  if (!isRecord(v)) return fail(`${at}: not an object`);
  if (typeof v.product_id !== 'string' || !DIGITS.test(v.product_id)) return fail(`${at}.product_id: not a decimal id string`);
  if (typeof v.score !== 'number' || !Number.isFinite(v.score)) return fail(`${at}.score: not a finite number`);
  const category_code = optionalText(v.category_code);
  if (category_code === undefined) return fail(`${at}.category_code: not a string or null`);
  const brand = optionalText(v.brand);
  if (brand === undefined) return fail(`${at}.brand: not a string or null`);
  const price = priceText(v.price);
  if (price === undefined) return fail(`${at}.price: not a non-negative decimal or null`);
  const product: RecommendedProduct = { product_id: v.product_id, score: v.score, category_code, brand, price };
  if (v.source === undefined || v.source === null) return { ok: true, value: product };
  if (!isSource(v.source)) return fail(`${at}.source: not one of ${SOURCES.join(', ')}`);
  const evidence = parseEvidence(v, v.source, at);
  return evidence.ok ? { ok: true, value: { ...product, source: v.source, ...evidence.value } } : evidence;
};

type Evidence = Omit<RecommendedProduct, 'product_id' | 'score' | 'category_code' | 'brand' | 'price' | 'source' | 'live'>;
type EvidenceField = keyof Evidence;

const positiveWhole = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 1;
const isDay = (v: unknown): v is string => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v);
const isProductRef = (v: unknown): boolean =>
  isRecord(v) && typeof v.product_id === 'string' && DIGITS.test(v.product_id) && optionalText(v.category_code) !== undefined && optionalText(v.brand) !== undefined;

/**
 * Each evidence field a card's sentence states (web/src/reason.ts), the sources it may come with and its
 * shape: a card says "bought N units" or "#R best seller" from these alone, so a field on another source
 * or of another shape makes the line invalid (counted by the loader) instead of an untrue sentence.
 */
const EVIDENCE: Record<EvidenceField, { sources: readonly RecommendationSource[]; valid: (v: unknown) => boolean; rule: string }> = {
  times_bought: { sources: ['repeat'], valid: positiveWhole, rule: 'a positive whole number' },
  last_bought: { sources: ['repeat'], valid: isDay, rule: 'a YYYY-MM-DD day' },
  because_of: { sources: ['copurchase', 'als'], valid: isProductRef, rule: 'a product (decimal product_id, category_code and brand strings or null)' },
  customers_also: { sources: ['copurchase', 'als'], valid: positiveWhole, rule: 'a positive whole number' },
  category_rank: { sources: ['category'], valid: positiveWhole, rule: 'a positive whole number' },
  popular_rank: { sources: ['popular', 'fallback'], valid: positiveWhole, rule: 'a positive whole number' },
  window_days: { sources: ['category', 'popular', 'fallback'], valid: positiveWhole, rule: 'a positive whole number' },
};

/** The item's evidence fields that are present and not null, each checked against {@link EVIDENCE}. */
const parseEvidence = (v: Record<string, unknown>, source: RecommendationSource, at: string): Parsed<Evidence> => {
  const evidence: Record<string, unknown> = {};
  for (const [field, { sources, valid, rule }] of Object.entries(EVIDENCE)) {
    const value = v[field];
    if (value === undefined || value === null) continue;
    if (!sources.includes(source) || !valid(value)) return fail(`${at}.${field}: not ${rule} on a ${sources.join(' or ')} item`);
    evidence[field] = isRecord(value) ? { product_id: value.product_id, category_code: optionalText(value.category_code), brand: optionalText(value.brand) } : value;
  }
  return { ok: true, value: evidence as Evidence };
};

const parseProducts = (v: unknown): Parsed<RecommendedProduct[]> => {
  if (!Array.isArray(v) || v.length === 0) return fail('recommendations: not a non-empty array');
  const products: RecommendedProduct[] = [];
  for (const [i, item] of v.entries()) {
    const parsed = parseProduct(item, `recommendations[${i}]`);
    if (!parsed.ok) return parsed;
    products.push(parsed.value);
  }
  return { ok: true, value: products.slice(0, SERVING_TABLE.topK) };
};

const parseJson = (text: string): Parsed<unknown> => {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return fail('not valid JSON');
  }
};

/** One line of the recommend job's JSON-lines output. */
export const parseRecommendationLine = (line: string): Parsed<UserRecommendations> => {
  const json = parseJson(line);
  if (!json.ok) return json;
  const v = json.value;
  if (!isRecord(v)) return fail('not a JSON object');
  // The recommend job writes the fallback list among the users too, under its reserved id.
  const isFallback = v.user_id === SERVING_TABLE.fallbackUserId && v.source === 'fallback';
  if (typeof v.user_id !== 'string' || !(isFallback || USER_ID_PATTERN.test(v.user_id))) return fail('user_id: not a decimal id string');
  if (!isSource(v.source)) return fail(`source: not one of ${SOURCES.join(', ')}`);
  const products = parseProducts(v.recommendations);
  if (!products.ok) return products;
  return { ok: true, value: { user_id: v.user_id, recommendations: products.value, source: v.source } };
};

/** fallback.json: the line shape (its user_id and source are implied); stored under the fallback user id. */
export const parseFallbackDocument = (text: string): Parsed<UserRecommendations> => {
  const json = parseJson(text);
  if (!json.ok) return json;
  const v = json.value;
  if (!isRecord(v)) return fail('not a JSON object');
  const products = parseProducts(v.recommendations);
  if (!products.ok) return products;
  return { ok: true, value: { user_id: SERVING_TABLE.fallbackUserId, recommendations: products.value, source: 'fallback' } };
};
