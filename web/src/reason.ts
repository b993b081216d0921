import { liveReason, type RecommendationSource, type RecommendedProduct } from '../../contract';
import { formatCategory, formatNumber } from './format';

export interface Reason {
  /** The short label on the card's badge; also its CSS modifier. */
  source: RecommendationSource | 'unknown';
  badge: string;
  text: string;
}

type BecauseOf = NonNullable<RecommendedProduct['because_of']>;

const units = (n: number): string => (n === 1 ? '1 unit' : `${formatNumber(n)} units`);
const customers = (n: number): string => (n === 1 ? '1 customer' : `${formatNumber(n)} customers`);

/** `product 1004856 (samsung, electronics › smartphone)`: the id a reader can look up, then what it is. */
export const productLabel = (p: BecauseOf): string => {
  const what = [p.brand, p.category_code ? formatCategory(p.category_code) : null].filter((s) => s !== null && s !== '');
  return what.length === 0 ? `product ${p.product_id}` : `product ${p.product_id} (${what.join(', ')})`;
};

/** `#3 best seller` with its window when the job recorded them; older data says only what it proved. */
const bestSeller = (rank: number | null | undefined, where: string, days: number | null | undefined): string =>
  `${rank == null ? 'A' : `#${formatNumber(rank)}`} best seller ${where}${days == null ? '' : ` over the last ${formatNumber(days)} days`}`;

const repeatText = (p: RecommendedProduct): string => {
  if (p.times_bought == null) return 'This customer bought it before.';
  return `This customer bought ${units(p.times_bought)} of it${p.last_bought ? `, last on ${p.last_bought}` : ' before'}.`;
};

const copurchaseText = (p: RecommendedProduct): string =>
  p.because_of
    ? `Customers who bought ${productLabel(p.because_of)} — which this customer bought — also bought this${p.customers_also == null ? '' : ` (${customers(p.customers_also)})`}.`
    : 'Customers who bought a product this customer bought also bought this.';

const ALS_CLAUSE = 'Collaborative filtering (Spark ALS): customers whose purchases resemble this customer’s bought it';
const alsText = (p: RecommendedProduct): string =>
  p.because_of && p.customers_also != null
    ? `${ALS_CLAUSE}; ${customers(p.customers_also)} who bought ${productLabel(p.because_of)} also bought it.`
    : `${ALS_CLAUSE}.`;

const categoryText = (p: RecommendedProduct): string =>
  `${bestSeller(p.category_rank, p.category_code ? `in ${formatCategory(p.category_code)}` : 'in its category', p.window_days)}; this customer buys in that category and has not bought it.`;

/**
 * Why a card is there, from the item's own evidence: each sentence says only what the recommend job
 * recorded for it (test/web/card-reasons-are-true checks them against the purchases they were computed from).
 */
export const reasonFor = (product: RecommendedProduct): Reason => {
  switch (product.source) {
    case 'repeat':
      return { source: 'repeat', badge: 'bought before', text: repeatText(product) };
    case 'copurchase':
      return { source: 'copurchase', badge: 'bought together', text: copurchaseText(product) };
    case 'als':
      return { source: 'als', badge: 'similar customers', text: alsText(product) };
    case 'category':
      return { source: 'category', badge: 'their category', text: categoryText(product) };
    case 'popular':
      return { source: 'popular', badge: 'popular now', text: `${bestSeller(product.popular_rank, 'of the store', product.window_days)}.` };
    case 'fallback':
      return {
        source: 'fallback',
        badge: 'best seller',
        text: `${bestSeller(product.popular_rank, 'of the store', product.window_days)}: the list shown for an id with no purchases in the data.`,
      };
    case 'live':
      return product.live
        ? { source: 'live', badge: 'just now', text: liveReason(product.live, Date.now(), productLabel) }
        : { source: 'unknown', badge: 'no reason recorded', text: 'The live list did not record why.' };
    case undefined:
      return { source: 'unknown', badge: 'no reason recorded', text: 'The pipeline that picked this product did not record why.' };
  }
};
