import { FetchError } from '../errors.js';
import type { FetchErrorCode } from '../errors.js';
import type { RedisRobotsStore } from '../storage/redis/redis-robots-store.js';
import { abortableDelay } from './limiter.js';
import type { RobotsResponse } from './robots.js';

// While another worker fetches an origin's robots.txt, look for its answer this often.
const POLL_MS = 50;

/**
 * Wraps a robots.txt loader so one worker of a shared crawl fetches each origin's robots.txt and every worker uses
 * its answer: the first to ask takes the origin's lock (held `lockMs`, so a worker that dies mid-fetch frees it), the
 * others wait for the stored answer. Network failures are shared too (the origin is then off limits for the whole
 * crawl, as for one process). A loader that itself stops the crawl (`aborted`) stores nothing.
 */
export function sharedRobotsLoader(
  store: RedisRobotsStore,
  worker: string,
  lockMs: number,
  load: (robotsUrl: string) => Promise<RobotsResponse>,
  signal?: AbortSignal,
): (robotsUrl: string) => Promise<RobotsResponse> {
  return async (robotsUrl) => {
    const origin = new URL(robotsUrl).origin;
    for (;;) {
      const stored = await store.get(origin);
      if (stored) return 'error' in stored ? { error: new FetchError(stored.error.code as FetchErrorCode, stored.error.message) } : stored;
      if (await store.lock(origin, worker, lockMs)) break;
      if (signal?.aborted) return { error: new FetchError('aborted', 'crawl stopped') };
      await abortableDelay(POLL_MS);
    }
    const response = await load(robotsUrl);
    if ('status' in response) await store.put(origin, { status: response.status, body: response.body });
    else {
      const code = response.error instanceof FetchError ? response.error.code : 'network';
      if (code !== 'aborted') await store.put(origin, { error: { code, message: response.error.message } });
    }
    return response;
  };
}
