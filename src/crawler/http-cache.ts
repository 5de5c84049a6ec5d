import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { interceptors } from 'undici';
import type { Dispatcher } from 'undici';
import { OptionsError } from '../errors.js';
import type { CacheSettings } from './options.js';

/** The cache file in the `cache.dir` directory. */
export const HTTP_CACHE_FILE = 'http-cache.db';

/** What the fetcher composes into its dispatcher when a run has an HTTP cache. */
export interface HttpCacheLayer {
  /** undici's cache interceptor over the disk store. */
  readonly interceptor: Dispatcher.DispatcherComposeInterceptor;
  /** Request headers the mode needs (`prefer-cache`: `Cache-Control: max-stale`). */
  readonly headers: Readonly<Record<string, string>>;
  /** The response header that marks a body served from the cache (removed by the fetcher). */
  readonly marker: string;
  /** Closes the store's file. */
  close(): void;
}

// RFC 9111 5.2.1.1: the largest max-stale a cache must understand (2^31 s); any stored response is then acceptable.
const ANY_STALENESS = 'max-stale=2147483648';
// `prefer-cache` stores responses that carry no freshness information as fresh for a year (undici's cacheByDefault, in ms).
const A_YEAR_MS = 365 * 24 * 3600 * 1000;

/**
 * Opens the HTTP cache of a run: a {@link HttpCacheStore} in `settings.dir` (created if missing) behind undici's
 * cache interceptor, as a private cache (one crawler's, so `private` responses may be kept) of GET and HEAD. In
 * `revalidate` mode undici applies RFC 9111 as it is; in `prefer-cache` mode it is asked to accept any staleness and
 * to store responses without freshness information too. Loads better-sqlite3 only here, on first use.
 * @throws OptionsError (`cache`) when the directory or the file cannot be opened.
 */
export async function openHttpCache(settings: CacheSettings, maxEntryBytes: number): Promise<HttpCacheLayer> {
  const { HttpCacheStore, CACHED_MARKER } = await import('./http-cache-store.js');
  let store: InstanceType<typeof HttpCacheStore>;
  try {
    await mkdir(settings.dir, { recursive: true });
    store = new HttpCacheStore(join(settings.dir, HTTP_CACHE_FILE), { mode: settings.mode, maxEntryBytes });
  } catch (error) {
    throw new OptionsError('cache', `Cannot open the HTTP cache in ${settings.dir}: ${(error as Error).message}`);
  }
  const preferCache = settings.mode === 'prefer-cache';
  return {
    interceptor: interceptors.cache({
      store,
      type: 'private',
      methods: ['GET', 'HEAD'],
      ...(preferCache ? { cacheByDefault: A_YEAR_MS } : {}),
    }),
    headers: preferCache ? { 'cache-control': ANY_STALENESS } : {},
    marker: CACHED_MARKER,
    close: () => store.close(),
  };
}
