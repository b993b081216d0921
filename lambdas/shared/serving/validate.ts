/**
 * Validation of the recommend job's output, shared by the loader (which counts
 * bad lines instead of crashing) and nothing else: the API trusts what the
 * loader stored.
 */
import {
  ID_PATTERN,
  SERVING_TABLE,
  USER_ID_PATTERN,
  type RecommendationSource,
  type RecommendedProduct,
  type UserRecommendations,
} from '../../../contract';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const SOURCES: readonly RecommendationSource[] = ['als', 'repeat', 'category', 'popular', 'fallback'];
const DIGITS = new RegExp(ID_PATTERN);
const isSource = (v: unknown): v is RecommendationSource => SOURCES.includes(v as RecommendationSource);

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
  const bought = v.times_bought ?? null;
  // The card says "bought N before" from this count alone, so only a repeat may carry one.
  if (bought !== null && (v.source !== 'repeat' || !Number.isSafeInteger(bought) || (bought as number) < 1)) {
    return fail(`${at}.times_bought: not a positive whole number on a repeat item`);
  }
  return { ok: true, value: { ...product, source: v.source, ...(bought === null ? {} : { times_bought: bought as number }) } };
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
