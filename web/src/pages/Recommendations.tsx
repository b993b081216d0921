import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { EXAMPLE_USER_ID, type RecommendationsResponse } from '../../../contract';
import { checkUserId, type ApiClient, type Failure } from '../api';
import { CustomerBehaviour } from '../components/CustomerBehaviour';
import { ProductCard } from '../components/ProductCard';
import { SimilarProducts } from '../components/SimilarProducts';

type View =
  | { state: 'idle' }
  | { state: 'loading'; userId: string }
  | { state: 'done'; result: RecommendationsResponse }
  | ({ state: 'error'; userId?: string } & Failure);

const EXAMPLES = 4;

export const RecommendationsPage = ({ api }: { api: ApiClient }) => {
  const [input, setInput] = useState('');
  const [view, setView] = useState<View>({ state: 'idle' });
  const [examples, setExamples] = useState<string[]>([]);
  /** The card product whose similar products are shown (issue 21); a new answer closes it. */
  const [similarOf, setSimilarOf] = useState<string | null>(null);
  const latest = useRef(0);
  const inputId = useId();
  const hintId = useId();
  const errorId = useId();

  useEffect(() => {
    let live = true;
    api.analytics('top_customers').then((r) => live && r.ok && setExamples(r.data.slice(0, EXAMPLES).map((c) => c.user_id)));
    return () => {
      live = false;
    };
  }, [api]);

  const search = async (raw: string) => {
    const checked = checkUserId(raw);
    if (!checked.ok) return setView({ state: 'error', ...checked });
    const userId = checked.data;
    // Only the newest search may update the page when answers arrive out of order.
    const ticket = ++latest.current;
    setView({ state: 'loading', userId });
    setSimilarOf(null);
    const result = await api.recommendations(userId);
    if (ticket !== latest.current) return;
    setView(result.ok ? { state: 'done', result: result.data } : { state: 'error', userId, ...result });
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void search(input);
  };
  const tryExample = (id: string) => {
    setInput(id);
    void search(id);
  };
  // `#/?user=ID` (the Live page links a customer so): that customer's list, on arrival and on every such link.
  useEffect(() => {
    const fromHash = () => {
      const user = new URLSearchParams(window.location.hash.split('?')[1] ?? '').get('user');
      if (user) tryExample(user);
    };
    fromHash();
    window.addEventListener('hashchange', fromHash);
    return () => window.removeEventListener('hashchange', fromHash);
  }, [api]);
  const badInput = view.state === 'error' && view.kind === 'bad-input';

  return (
    <section aria-labelledby="recs-title">
      <h1 id="recs-title">Recommendations</h1>
      <p className="lede">Look up a customer to see the three products we would show them next, and why.</p>

      <form className="search" onSubmit={onSubmit} role="search">
        <label htmlFor={inputId}>Customer user id</label>
        <div className="search-row">
          <input
            id={inputId}
            name="userId"
            inputMode="numeric"
            autoComplete="off"
            placeholder={`e.g. ${EXAMPLE_USER_ID}`}
            value={input}
            onChange={(e) => setInput(e.target.value)}
            aria-invalid={badInput}
            aria-describedby={badInput ? errorId : hintId}
          />
          <button type="submit" disabled={view.state === 'loading'}>
            Show recommendations
          </button>
        </div>
        {badInput ? (
          <p id={errorId} className="field-error" role="alert">
            {view.message}
          </p>
        ) : (
          <p id={hintId} className="hint">
            Press Enter or the button.
          </p>
        )}
      </form>

      {examples.length > 0 && (
        <div className="examples">
          <span id="examples-label">Try a top customer:</span>
          <ul aria-labelledby="examples-label">
            {examples.map((id) => (
              <li key={id}>
                <button type="button" className="chip mono" onClick={() => tryExample(id)}>
                  {id}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}

      <div aria-live="polite" aria-busy={view.state === 'loading'} className="results">
        {view.state === 'loading' && (
          <p className="notice" role="status">
            Loading recommendations for <span className="mono">{view.userId}</span>…
          </p>
        )}
        {view.state === 'error' && view.kind === 'unreachable' && (
          <div className="notice notice-error" role="alert">
            <p>
              <strong>The recommendation API cannot be reached</strong> at <span className="mono">{api.baseUrl}</span>. Check
              that it is running, then try again.
            </p>
            <button type="button" onClick={() => view.userId && void search(view.userId)}>
              Try again
            </button>
          </div>
        )}
        {view.state === 'error' && view.kind === 'failed' && (
          <p className="notice notice-error" role="alert">
            The API could not answer ({view.status}): {view.message}
            {view.requestId && (
              <>
                {' '}
                Request id <span className="mono">{view.requestId}</span>.
              </>
            )}
          </p>
        )}
        {view.state === 'done' && (
          <>
            {/* An unknown id is nobody's top 3: the heading names what is shown, the notice below says why. */}
            <h2>
              {view.result.known || view.result.source === 'live' ? (
                <>
                  Top {view.result.recommendations.length} for <span className="mono">{view.result.user_id}</span>
                </>
              ) : (
                <>The store’s best sellers</>
              )}
            </h2>
            {view.result.source === 'live' ? (
              // Issue 24: the live list; its cards marked "just now" say what the customer did and when.
              <p className="notice" role="note" data-testid="live-list">
                Changed by what this customer did in their session (as of {view.result.as_of?.replace('T', ' ').replace('Z', ' UTC')}):
                the cards marked “just now” come from it
                {view.result.known ? ', the others from the last pipeline run.' : '; the others are the store’s best sellers (the id is not in the data the pipeline last ran on).'}
              </p>
            ) : !view.result.known ? (
              <p className="notice notice-fallback" role="note">
                <strong>No customer has the id <span className="mono">{view.result.user_id}</span> in the data</strong> the
                pipeline last ran on. Check the id; a customer new since that run is shown the store's best sellers:
              </p>
            ) : (
              !view.result.personalized && (
                <p className="notice notice-fallback" role="note">
                  This customer is in the data but bought too little for a personal pick, so these are the store's best sellers.
                </p>
              )
            )}
            <ol className="cards" aria-label="Recommended products">
              {view.result.recommendations.map((product, i) => (
                <ProductCard
                  key={product.product_id}
                  product={product}
                  rank={i + 1}
                  similarOpen={similarOf === product.product_id}
                  onShowSimilar={() => setSimilarOf(similarOf === product.product_id ? null : product.product_id)}
                />
              ))}
            </ol>
            <p className="hint">Click a product id for the products bought together with it and by the same customers.</p>
            {similarOf !== null && <SimilarProducts api={api} productId={similarOf} onClose={() => setSimilarOf(null)} />}
            <CustomerBehaviour api={api} userId={view.result.user_id} />
          </>
        )}
        {view.state === 'idle' && (
          <p className="hint">
            Or see where the business is going on the{' '}
            <a href="#/dashboard">dashboard</a>
            .
          </p>
        )}
      </div>
    </section>
  );
};
