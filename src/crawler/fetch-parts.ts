import type { PartLogger } from './part-logger.js';
import type { CrawlCookies } from './cookie-jar.js';
import { Fetcher } from './fetcher.js';
import type { HttpCacheLayer } from './http-cache.js';
import { Limiter } from './limiter.js';
import type { HostGate } from './limiter.js';
import { createUrlNormalizer } from './normalize.js';
import type { ResolvedOptions } from './options.js';
import { PageLoader } from './page-loader.js';
import type { SkipReason } from './page-record.js';
import { isPublicAddress } from './public-address.js';
import { RequestHeaders } from './request-headers.js';
import type { BeforeRequest } from './request-headers.js';
import { RobotsCache } from './robots.js';
import type { RobotsResponse } from './robots.js';
import { loadRobotsTxt } from './robots-loader.js';
import { HTML_TYPES } from './html-types.js';

/** Loads one robots.txt; never rejects. */
export type RobotsLoad = (robotsUrl: string) => Promise<RobotsResponse>;

/** Decides whether to follow a redirect to a normalized URL; `undefined` to follow. */
export type RedirectCheck = (url: string, from: string) => Promise<SkipReason | undefined>;

/** What a run's fetch side is built from. */
export interface FetchWiring {
  options: ResolvedOptions;
  logger: PartLogger;
  /** Stops scheduling (abort, maxPages): waits and retries end. */
  stopSignal: AbortSignal;
  /** Cuts requests in flight (after the grace period). */
  abortSignal: AbortSignal;
  cookies?: CrawlCookies | undefined;
  cache?: HttpCacheLayer | undefined;
  beforeRequest?: BeforeRequest | undefined;
  /** Host slots shared with other processes (a crawl shared through Redis). */
  hostGate?: HostGate | undefined;
  /** Where robots.txt answers come from, given the loader's own (a persisted or shared run keeps them). @default the loader's */
  robotsSource?: ((load: RobotsLoad) => RobotsLoad) | undefined;
}

/** How a run sends its requests: the connection pool, politeness, retries and redirects, and robots.txt per origin. */
export interface FetchParts {
  /** The run's URL normalizer (`null` for a URL that is not http(s)). */
  normalizeUrl: ReturnType<typeof createUrlNormalizer>;
  /** The same, as a string. */
  normalize: (url: string) => string | null;
  fetcher: Fetcher;
  limiter: Limiter;
  loader: PageLoader;
  /** robots.txt per origin, read for its rules (when obeyed) and its `Sitemap:` lines: one fetch per origin. */
  robotsFiles: RobotsCache;
  /** The same cache when robots.txt is obeyed, else `undefined`. */
  robots: RobotsCache | undefined;
  /**
   * Sets how pages' redirects are judged (scope, robots, seen-set), once the run's link admission exists. Until then
   * (robots.txt loads, which follow any redirect) no page redirect is judged.
   */
  judgeRedirects(check: RedirectCheck): void;
}

/**
 * Builds the fetch side of a run from its options: everything a request goes through, up to robots.txt. It needs
 * nothing of the run's frontier, seen-set or outputs, so a crawl's first requests (robots.txt) can leave while the
 * rest of the crawler still loads (src/crawler/early-fetch.ts).
 */
export function wireFetch(wiring: FetchWiring): FetchParts {
  const { options, logger } = wiring;
  const normalizeUrl = createUrlNormalizer(options);
  const normalize = (url: string) => normalizeUrl(url)?.href ?? null;
  const addressRule = options.denyPrivateAddresses;
  const fetcher = new Fetcher({
    userAgent: options.userAgent,
    timeoutMs: options.timeoutMs,
    maxBytes: options.maxBytes,
    connectionsPerOrigin: options.perHost,
    isAddressAllowed: addressRule === true ? isPublicAddress : addressRule || undefined,
    proxy: options.proxy,
    cache: wiring.cache,
  });
  const requestHeaders = new RequestHeaders({
    startUrls: options.startUrls,
    scope: options.scope,
    headers: options.headers,
    auth: options.auth,
    cookies: wiring.cookies,
    beforeRequest: wiring.beforeRequest,
  });
  const limiter = new Limiter({
    concurrency: options.concurrency,
    perHost: options.perHost,
    delayMs: options.delayMs,
    signal: wiring.stopSignal,
    autoThrottle: options.autoThrottle,
    hostGate: wiring.hostGate,
  });
  let judge: RedirectCheck | undefined;
  const isParsed = (type: string) => HTML_TYPES.has(type) || options.contentTypes.includes(type);
  const loader = new PageLoader({
    fetcher,
    limiter,
    logger: logger.child({ module: 'fetcher' }),
    retries: options.retries,
    retryDelayMs: options.retryDelayMs,
    maxRetryAfterMs: options.maxRetryAfterMs,
    maxRedirects: options.maxRedirects,
    normalize,
    // robots.txt loads bring their own rule (any redirect); a page loads only once the run has bound its judge.
    acceptRedirect: (url, from) => (judge ? judge(url, from) : Promise.reject(new Error('A page redirect came before the run could judge it'))),
    shouldReadBody: (status, type) => status >= 200 && status < 300 && isParsed(type),
    stopSignal: wiring.stopSignal,
    abortSignal: wiring.abortSignal,
    requestHeaders: requestHeaders.isEmpty ? undefined : requestHeaders,
  });
  const loadRobots: RobotsLoad = (url) => loadRobotsTxt(loader, url);
  // Without obeyRobots the files are still read for their `Sitemap:` lines when sitemaps are asked for, and only then.
  const robotsFiles = new RobotsCache({
    load: wiring.robotsSource ? wiring.robotsSource(loadRobots) : loadRobots,
    userAgent: options.userAgent,
    logger: logger.child({ module: 'robots' }),
    onCrawlDelay: options.obeyRobots ? (host, delayMs) => limiter.setHostDelay(host, delayMs) : () => undefined,
  });
  return {
    normalizeUrl,
    normalize,
    fetcher,
    limiter,
    loader,
    robotsFiles,
    robots: options.obeyRobots ? robotsFiles : undefined,
    judgeRedirects: (check) => (judge = check),
  };
}
