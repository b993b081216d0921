import { lazy, Suspense, useEffect, useState } from 'react';
import type { ApiClient } from './api';
import type { Session } from './auth';
import { LivePage } from './pages/Live';
import { ModelPage } from './pages/Model';
import { RecommendationsPage } from './pages/Recommendations';

// The chart library is most of the bundle; the search page should not wait for it.
const Dashboard = lazy(() => import('./pages/Dashboard').then((m) => ({ default: m.Dashboard })));
const Behaviour = lazy(() => import('./pages/Behaviour').then((m) => ({ default: m.Behaviour })));

/** Hash routes work on any static host (S3 + CloudFront) without rewrite rules. */
const PAGES = [
  { hash: '#/', title: 'Recommendations' },
  { hash: '#/dashboard', title: 'Dashboard' },
  { hash: '#/behaviour', title: 'Behaviour' },
  { hash: '#/live', title: 'Live' },
  { hash: '#/model', title: 'Model' },
] as const;
type PageHash = (typeof PAGES)[number]['hash'];

const currentPage = (): PageHash => PAGES.find((p) => p.hash === window.location.hash)?.hash ?? '#/';

export const App = ({ api, session }: { api: ApiClient; session: Session }) => {
  const [page, setPage] = useState<PageHash>(currentPage);
  useEffect(() => {
    const onHash = () => setPage(currentPage());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const title = PAGES.find((p) => p.hash === page)!.title;
  useEffect(() => {
    document.title = `${title} · recstream`;
  }, [title]);

  return (
    <>
      <header className="topbar">
        <a className="brand" href="#/">
          recstream
        </a>
        <nav aria-label="Pages">
          {PAGES.map((p) => (
            <a key={p.hash} href={p.hash} aria-current={p.hash === page ? 'page' : undefined}>
              {p.title}
            </a>
          ))}
        </nav>
        {session.analyst !== null && (
          <div className="signed-in">
            <span>
              Signed in as <strong>{session.analyst}</strong>
            </span>
            <button type="button" onClick={() => void session.signOut()}>
              Sign out
            </button>
          </div>
        )}
      </header>
      <main className="page">
        {page === '#/' ? <RecommendationsPage api={api} /> : page === '#/live' ? <LivePage api={api} /> : page === '#/model' ? <ModelPage api={api} /> : (
          <Suspense fallback={<p className="notice" role="status">Loading the {title.toLowerCase()}…</p>}>
            {page === '#/behaviour' ? <Behaviour api={api} /> : <Dashboard api={api} />}
          </Suspense>
        )}
      </main>
    </>
  );
};
