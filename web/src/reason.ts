import type { RecommendationSource, RecommendedProduct } from '../../contract';
import { formatCategory, formatNumber } from './format';

export interface Reason {
  /** The short label on the card's badge; also its CSS modifier. */
  source: RecommendationSource | 'unknown';
  badge: string;
  text: string;
}

const bought = (units: number | null | undefined): string =>
  units == null ? 'This customer bought it before.' : units === 1 ? 'This customer bought 1 unit of it before.' : `This customer bought ${formatNumber(units)} units of it before.`;

/**
 * Why a card is there, from the item alone: each sentence says only what the
 * recommend job's source for the item proves (test/web/card-reasons-are-true
 * checks them against the purchases they were computed from).
 */
export const reasonFor = (product: RecommendedProduct): Reason => {
  switch (product.source) {
    case 'repeat':
      return { source: 'repeat', badge: 'bought before', text: bought(product.times_bought) };
    case 'als':
      return { source: 'als', badge: 'similar customers', text: 'Customers with a purchase history like this customer’s bought it (collaborative filtering).' };
    case 'category':
      return {
        source: 'category',
        badge: 'their category',
        text: `A best seller in ${product.category_code ? formatCategory(product.category_code) : 'a category'}, a category this customer buys in; they have not bought this product.`,
      };
    case 'popular':
      return { source: 'popular', badge: 'popular now', text: 'One of the store’s best sellers: bought by the most customers in the latest days of the data.' };
    case 'fallback':
      return { source: 'fallback', badge: 'best seller', text: 'One of the store’s best sellers, the list shown for an id with no purchases in the data.' };
    case undefined:
      return { source: 'unknown', badge: 'no reason recorded', text: 'The pipeline that picked this product did not record why.' };
  }
};
