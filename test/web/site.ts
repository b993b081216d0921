/** The built site, rebuilt when its sources are newer, and a Chromium to drive it. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { startLocalServer } from '../../local/server/server';
import { loadLocalServing } from '../../local/server/serving';
import type { AnalyticsDocuments } from '../../contract';
import { writeSeedLake } from '../api/seed';

export const ROOT = join(__dirname, '..', '..');
export const WEB_DIST = join(ROOT, 'web', 'dist');
export const SCREENSHOTS = join(ROOT, 'artifacts', 'screenshots');
const CHROMIUM = '/usr/bin/chromium';

const newestMtime = (path: string): number => {
  const s = statSync(path);
  return s.isDirectory() ? Math.max(0, ...readdirSync(path).map((f) => newestMtime(join(path, f)))) : s.mtimeMs;
};

/** Everything the bundle is made from: a change in any of them makes web/dist stale. */
const SOURCES = ['web/src', 'web/index.html', 'web/public', 'web/vite.config.mts', 'contract'].map((p) => join(ROOT, p));

export const ensureBuiltSite = (): void => {
  const index = join(WEB_DIST, 'index.html');
  if (existsSync(index) && newestMtime(index) >= Math.max(...SOURCES.filter(existsSync).map(newestMtime))) return;
  console.log('web/dist is stale: npm run build:web');
  const built = spawnSync('npm', ['run', '--silent', 'build:web'], { cwd: ROOT, stdio: 'inherit' });
  if (built.status !== 0) throw new Error(`npm run build:web failed (${built.status})`);
};

export const chromiumAvailable = existsSync(CHROMIUM);

export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });

export const screenshotPath = (name: string): string => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return join(SCREENSHOTS, `${name}.png`);
};

/** The built site on the local server over the seeded lake (its analytics documents replaceable); `apiUrl` '' means the same origin. */
export const startSeededSite = async (apiUrl = '', analytics?: AnalyticsDocuments): Promise<{ url: string; close(): Promise<void> }> => {
  ensureBuiltSite();
  const lake = writeSeedLake(0, analytics);
  const server = await startLocalServer({ webDir: WEB_DIST, ...(await loadLocalServing(lake)), runtimeConfig: { apiUrl, auth: null } });
  return {
    url: server.url,
    close: async () => {
      await server.close();
      rmSync(lake, { recursive: true, force: true });
    },
  };
};
