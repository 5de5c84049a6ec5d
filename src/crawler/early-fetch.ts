import type { PartLogger } from './part-logger.js';
import { CrawlCookies } from './cookie-jar.js';
import { wireFetch } from './fetch-parts.js';
import type { FetchParts } from './fetch-parts.js';
import type { ResolvedOptions } from './options.js';

/**
 * A run's fetch side, started before the run: the run adopts it whole (its signals, connection pool, limiter and
 * robots.txt cache), so what it fetched early counts as the run's own requests.
 */
export interface StartedFetch {
  /** The run's stop signal (abort, maxPages): waits and retries end. */
  stop: AbortController;
  /** The run's cut of requests in flight (after the grace period). */
  abort: AbortController;
  /** The run's cookie jar (robots.txt answers may set cookies), when it keeps cookies. */
  cookies: CrawlCookies | undefined;
  parts: FetchParts;
}

/**
 * Whether a run with these options may start fetching before it is built: only when the robots.txt files of its
 * first pages are the first thing it would fetch, and nothing the run opens first (a cookies.txt, HTTP cache,
 * persisted or shared state) or overrides (frontier, seen-set) changes how, or whether, they are fetched. Pure.
 */
export function canFetchEarly(options: ResolvedOptions): boolean {
  return (
    options.obeyRobots &&
    options.sitemaps.length === 0 &&
    // A fresh cookie jar opens at once and cannot fail; a cookies.txt is read (and may be refused) by the run.
    (options.cookies === false || options.cookies.file === undefined) &&
    options.cache === undefined &&
    options.persist === undefined &&
    options.redis === undefined &&
    options.frontierStore === undefined &&
    options.seenSet === undefined &&
    options.signal?.aborted !== true
  );
}

/**
 * The origins whose robots.txt the run asks for first, in order: those of its first `maxPages` distinct start URLs
 * (normalized as the run seeds them), every one of which the run requests or checks against robots.txt. Pure.
 */
export function firstOrigins(options: ResolvedOptions, normalize: (url: string) => string | null): string[] {
  const seeds = [...new Set(options.startUrls.map((url) => normalize(url)).filter((url): url is string => url !== null))];
  return [...new Set(seeds.slice(0, options.maxPages).map((url) => new URL(url).origin))];
}

/**
 * Starts a run's fetch side and asks for the robots.txt of its first origins, so they travel (DNS, connect, TLS,
 * the round trip) while the rest of the crawler loads (issue 15). Requests go exactly as the run would send them:
 * same dispatcher, headers, limiter, retries, timeouts, redirects and size cap, one per origin. Hand the result to
 * the Crawler built from the same options with {@link giveEarlyFetch} before its `run()`. Returns `undefined`, having
 * sent nothing, when the options do not allow it ({@link canFetchEarly}).
 * @param options the options the Crawler will be built with, resolved (its extractors and savers do not matter here)
 * @param logger the logger the Crawler will be given
 */
export function startEarlyFetch(options: ResolvedOptions, logger: PartLogger): StartedFetch | undefined {
  if (!canFetchEarly(options)) return undefined;
  const stop = new AbortController();
  const abort = new AbortController();
  const cookies = options.cookies === false ? undefined : new CrawlCookies();
  const parts = wireFetch({ options, logger, stopSignal: stop.signal, abortSignal: abort.signal, cookies });
  // The run awaits the same promises (RobotsCache keeps one per origin); loads never reject.
  for (const origin of firstOrigins(options, parts.normalize)) void parts.robotsFiles.rulesFor(origin).catch(() => undefined);
  return { stop, abort, cookies, parts };
}

/** Fetch sides handed to crawlers, until their run takes them. */
const handedOver = new WeakMap<object, StartedFetch>();

/**
 * Hands a fetch side started by {@link startEarlyFetch} to the crawler whose next `run()` adopts it. The crawler must
 * have been built from the same options and must not override `beforeRequest` (its run throws otherwise).
 */
export function giveEarlyFetch(crawler: object, fetch: StartedFetch): void {
  handedOver.set(crawler, fetch);
}

/** The fetch side handed to `crawler`, taken (a later run builds its own). */
export function takeEarlyFetch(crawler: object): StartedFetch | undefined {
  const fetch = handedOver.get(crawler);
  handedOver.delete(crawler);
  return fetch;
}
