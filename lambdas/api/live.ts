/**
 * The live route (issue 16): the streaming job's live view (contract/realtime.ts), read from the lake
 * on every request and never cached, so the Live page sees each micro-batch as soon as it is written.
 */
import { API_ROUTES, REALTIME, type LiveView } from '../../contract';
import { readText, type LakeReader } from '../shared/serving/lake';

export interface LiveStore {
  /** The last live view the job wrote; undefined before its first batch (or with real-time off). */
  get(): Promise<LiveView | undefined>;
}

export const lakeLiveStore = (lake: LakeReader): LiveStore => ({
  async get() {
    const text = await readText(lake, REALTIME.lake.liveKey);
    return text === undefined ? undefined : (JSON.parse(text) as LiveView);
  },
});

export interface LiveResult {
  status: number;
  body: string;
  cache: string;
}

/** The answer for `path`, or undefined when the path is not the live route. */
export const liveRoute = async (path: string, requestId: string, store: LiveStore): Promise<LiveResult | undefined> => {
  if (path !== API_ROUTES.live) return undefined;
  const view = await store.get();
  if (!view) {
    const message = 'The streaming job has not written a live view yet: start it and produce events (recstream replay).';
    return { status: 404, body: JSON.stringify({ error: 'not_started', message, requestId }), cache: 'no-store' };
  }
  return { status: 200, body: JSON.stringify(view), cache: 'no-store' };
};
