import type { RecommendedProduct } from '../../../contract';
import { formatCategory, formatMoney } from '../format';
import { reasonFor } from '../reason';

/** `onShowSimilar`: the product id becomes a button that opens its similar products (`similarOpen` while shown). */
export const ProductCard = ({ product, rank, onShowSimilar, similarOpen = false }: { product: RecommendedProduct; rank: number; onShowSimilar?: () => void; similarOpen?: boolean }) => {
  const reason = reasonFor(product);
  return (
    <li className="card product-card" aria-label={`Recommendation ${rank}: product ${product.product_id}`}>
      <div className="card-rank" aria-hidden="true">
        {rank}
      </div>
      <dl className="facts">
        <dt>Product</dt>
        <dd className="mono">
          {onShowSimilar ? (
            <button type="button" className="product-link" aria-expanded={similarOpen} onClick={onShowSimilar} title="Show the products bought with it">
              {product.product_id}
            </button>
          ) : (
            product.product_id
          )}
        </dd>
        <dt>Category</dt>
        <dd>{formatCategory(product.category_code)}</dd>
        <dt>Brand</dt>
        <dd>{product.brand ?? 'Unknown brand'}</dd>
        <dt>Price</dt>
        <dd>{product.price === null ? 'Not known' : formatMoney(product.price)}</dd>
      </dl>
      <p className="why">
        <span className={`badge badge-${reason.source}`}>{reason.badge}</span> {reason.text}
      </p>
    </li>
  );
};
