import { useEffect, useState } from 'react';
import type { ProductSimilar } from '../../../contract';
import type { ApiClient, Failure } from '../api';
import { formatCategory, formatMoney } from '../format';
import { relationLabel } from '../recommender-text';

type View = { state: 'loading' } | { state: 'done'; data: ProductSimilar } | ({ state: 'error' } & Failure);

/** One product's item-to-item list (GET /products/{id}/similar): bought together first, then customers also bought. */
export const SimilarProducts = ({ api, productId, onClose }: { api: ApiClient; productId: string; onClose: () => void }) => {
  const [view, setView] = useState<View>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    setView({ state: 'loading' });
    void api.recommender.similar(productId).then((r) => live && setView(r.ok ? { state: 'done', data: r.data } : { state: 'error', ...r }));
    return () => {
      live = false;
    };
  }, [api, productId]);
  return (
    <section className="card similar" aria-labelledby="similar-title" data-product={productId}>
      <div className="similar-head">
        <h3 id="similar-title">
          Products related to <span className="mono">{productId}</span>
        </h3>
        <button type="button" className="chip" onClick={onClose}>
          Close
        </button>
      </div>
      {view.state === 'loading' && (
        <p className="notice" role="status">
          Loading similar products…
        </p>
      )}
      {view.state === 'error' && (
        <p className="notice" role="note">
          {view.message}
        </p>
      )}
      {view.state === 'done' && (
        <div className="table-scroll">
          <table aria-label={`Products related to ${productId}`}>
            <thead>
              <tr>
                <th scope="col">Relation</th>
                <th scope="col">Product</th>
                <th scope="col">Category</th>
                <th scope="col">Brand</th>
                <th scope="col">Price</th>
              </tr>
            </thead>
            <tbody>
              {view.data.similar.map((p) => (
                <tr key={p.product_id} data-similar={p.product_id}>
                  <td>{relationLabel(p)}</td>
                  <td className="mono">{p.product_id}</td>
                  <td>{formatCategory(p.category_code)}</td>
                  <td>{p.brand ?? 'Unknown brand'}</td>
                  <td>{p.price === null ? 'Not known' : formatMoney(p.price)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
};
