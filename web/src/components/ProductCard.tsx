import type { RecommendationSource, RecommendedProduct } from '../../../contract';
import { formatCategory, formatMoney } from '../format';

/** Why a product was picked, in the analyst's words. */
const WHY: Record<RecommendationSource, string> = {
  als: 'Bought by customers with a similar purchase history (collaborative filtering).',
  repeat: 'This customer bought it before; repeat purchases are common in this store.',
  popular: 'A store best seller; this customer has too little history for a personal pick.',
  fallback: 'A store best seller, shown because this customer has no purchase history yet.',
};

export const ProductCard = ({ product, rank, listSource }: { product: RecommendedProduct; rank: number; listSource: RecommendationSource }) => {
  const source = product.source ?? listSource;
  return (
    <li className="card product-card" aria-label={`Recommendation ${rank}: product ${product.product_id}`}>
      <div className="card-rank" aria-hidden="true">
        {rank}
      </div>
      <dl className="facts">
        <dt>Product</dt>
        <dd className="mono">{product.product_id}</dd>
        <dt>Category</dt>
        <dd>{formatCategory(product.category_code)}</dd>
        <dt>Brand</dt>
        <dd>{product.brand ?? 'Unknown brand'}</dd>
        <dt>Price</dt>
        <dd>{product.price === null ? 'Not known' : formatMoney(product.price)}</dd>
      </dl>
      <p className="why">
        <span className={`badge badge-${source}`}>{source === 'als' ? 'personal' : source}</span> {WHY[source]}
      </p>
    </li>
  );
};
