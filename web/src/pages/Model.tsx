import { useEffect, useState } from 'react';
import type { RecommenderModelResponse } from '../../../contract';
import type { ApiClient, Failure } from '../api';
import { RecommenderCard } from '../components/RecommenderCard';
import { GENERATED_DATA_NOTE } from '../recommender-text';

type View = { state: 'loading' } | { state: 'done'; data: RecommenderModelResponse } | ({ state: 'error' } & Failure);

/** Issue 21: which recommender serves the top-3 lists, why, and how it compares with the simple baselines. */
export const ModelPage = ({ api }: { api: ApiClient }) => {
  const [view, setView] = useState<View>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    void api.recommender.model().then((r) => live && setView(r.ok ? { state: 'done', data: r.data } : { state: 'error', ...r }));
    return () => {
      live = false;
    };
  }, [api]);
  return (
    <section aria-labelledby="model-page-title" aria-busy={view.state === 'loading'} className="model-page">
      <h1 id="model-page-title">Model</h1>
      <p className="lede">Which recommender picks each customer’s three products, why it was chosen, and how it compares with just repeating purchases and with the best sellers.</p>
      {view.state === 'loading' && (
        <p className="notice" role="status">
          Loading the model card…
        </p>
      )}
      {view.state === 'error' && (
        <p className="notice notice-error" role="alert">
          The model card could not be loaded: {view.message}
          {view.kind === 'failed' && view.requestId ? ` (request id ${view.requestId})` : ''}
        </p>
      )}
      {view.state === 'done' && <RecommenderCard model={view.data} />}
      <p className="hint" data-note="generated-data">
        {GENERATED_DATA_NOTE}
      </p>
    </section>
  );
};
