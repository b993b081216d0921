import { WEB_RUNTIME_CONFIG_FILE, type WebRuntimeConfig } from '../../contract';

/** Fetched at start so one build serves every deployment (and the twin). */
export const loadConfig = async (): Promise<WebRuntimeConfig> => {
  const response = await fetch(`/${WEB_RUNTIME_CONFIG_FILE}`, { cache: 'no-cache' });
  if (!response.ok) throw new Error(`/${WEB_RUNTIME_CONFIG_FILE} answered ${response.status}`);
  const config = (await response.json()) as WebRuntimeConfig;
  if (typeof config.apiUrl !== 'string') throw new Error(`/${WEB_RUNTIME_CONFIG_FILE} has no apiUrl`);
  return { apiUrl: config.apiUrl.replace(/\/+$/, ''), auth: config.auth ?? null };
};
