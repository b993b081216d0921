import type { RecommendedProduct } from '../../../contract';
import { formatCategory, formatMoney } from '../format';
import { reasonFor } from '../reason';

export const ProductCard = ({ product, rank }: { product: RecommendedProduct; rank: number }) => {
  const reason = reasonFor(product);
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
        <span className={`badge badge-${reason.source}`}>{reason.badge}</span> {reason.text}
      </p>
    </li>
  );
};
