import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createApiClient } from './api';
import { createAuth } from './auth';
import { loadConfig } from './config';
import './styles.css';

const root = createRoot(document.getElementById('root')!);

loadConfig().then(
  (config) =>
    root.render(
      <StrictMode>
        <App api={createApiClient(config.apiUrl, createAuth(config))} />
      </StrictMode>,
    ),
  (error: unknown) =>
    root.render(
      <main className="page">
        <p role="alert" className="notice notice-error">
          The site could not load its configuration: {String(error)}
        </p>
      </main>,
    ),
);
