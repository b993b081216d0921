/**
 * The site and API on a seeded lake whose live view a test writes itself: the Live page in Chromium without a streaming
 * job. With `liveActivity`, the recommendations route also serves live lists from that store (issue 24).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REALTIME } from '../../contract';
import { lakeLiveStore } from '../../lambdas/api/live';
import { liveRecommendations } from '../../lambdas/api/live-recommendations';
import type { LiveActivityStore } from '../../lambdas/shared/serving/live-activity';
import { folderLake } from '../../local/server/folder-lake';
import { startLocalServer } from '../../local/server/server';
import { loadLocalServing } from '../../local/server/serving';
import { writeSeedLake } from '../api/seed';
import { ensureBuiltSite, WEB_DIST } from '../web/site';

export interface LivePageServer {
  url: string;
  /** Replaces the live view the API serves (any JSON: an older job's view too). */
  writeView(view: unknown): void;
  close(): Promise<void>;
}

export const serveLiveViews = async (liveActivity?: LiveActivityStore): Promise<LivePageServer> => {
  ensureBuiltSite();
  const lake = writeSeedLake();
  const serving = await loadLocalServing(lake);
  const server = await startLocalServer({
    webDir: WEB_DIST,
    ...serving,
    live: lakeLiveStore(folderLake(lake)),
    liveRecommendations: liveActivity && liveRecommendations(liveActivity, serving.recommender),
    runtimeConfig: { apiUrl: '', auth: null },
  });
  return {
    url: server.url,
    writeView: (view) => {
      const file = join(lake, REALTIME.lake.liveKey);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(view));
    },
    close: async () => {
      await server.close();
      rmSync(lake, { recursive: true, force: true });
    },
  };
};
