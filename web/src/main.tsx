import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createApiClient } from './api';
import { startSession } from './auth';
import { loadConfig } from './config';
import './styles.css';

const root = createRoot(document.getElementById('root')!);

const start = async () => {
  const config = await loadConfig();
  if (config.auth) root.render(<p className="notice" role="status">Signing in…</p>);
  const session = await startSession(config);
  root.render(
    <StrictMode>
      <App api={createApiClient(config.apiUrl, session)} session={session} />
    </StrictMode>,
  );
};

start().catch((error: unknown) =>
  root.render(
    <main className="page">
      <p role="alert" className="notice notice-error">
        The site could not start: {String(error)} <a href="/">Start again</a>
      </p>
    </main>,
  ),
);
