import type { Logger } from 'pino';
import type { RunCounters } from '../storage/counters.js';
import type { FrontierStore } from '../storage/frontier-store.js';
import type { SeenSet } from '../storage/seen-set.js';
import { LinkAdmission } from './admission.js';
import type { CrawlHooks, OpenedForRun } from './run-types.js';
import { Fetcher } from './fetcher.js';
import { Limiter } from './limiter.js';
import { createUrlNormalizer } from './normalize.js';
import type { ResolvedOptions } from './options.js';
import { PageLoader } from './page-loader.js';
import { isPublicAddress } from './public-address.js';
import { RequestHeaders } from './request-headers.js';
import { RobotsCache } from './robots.js';
import { loadRobotsTxt } from './robots-loader.js';
import { persistedRobotsLoader } from './run-state.js';
import type { RunState } from './run-state.js';
import { SaverHost } from './savers.js';
import { createScope } from './scope.js';
import { sharedRobotsLoader } from './shared-robots.js';

/** What a run's parts are built from: its options and hooks, what was opened for it, and the run's own callbacks. */
export interface RunWiring {
  options: ResolvedOptions;
  hooks: CrawlHooks;
  logger: Logger;
  /** The run's own logger (`module: crawler`). */
  log: Logger;
  opened: OpenedForRun;
  state: RunState | undefined;
  frontier: FrontierStore;
  seen: SeenSet;
  counters: RunCounters;
  /** Stops scheduling (abort, maxPages): waits and retries end. */
  stopSignal: AbortSignal;
  /** Cuts requests in flight (after the grace period). */
  abortSignal: AbortSignal;
  /** Whether a response of this content type is parsed (so its body is read). */
  isParsed: (contentType: string) => boolean;
  /** Told how many links a page queued. */
  onQueued: (count: number) => void;
}

/** The parts of one run, wired to each other: fetching, politeness, robots.txt, link admission and the savers. */
export interface RunParts {
  normalize: (url: string) => string | null;
  fetcher: Fetcher;
  limiter: Limiter;
  /** robots.txt per origin, read for its rules (when obeyed) and its `Sitemap:` lines: one fetch per origin. */
  robotsFiles: RobotsCache;
  /** The same cache when robots.txt is obeyed, else `undefined`. */
  robots: RobotsCache | undefined;
  loader: PageLoader;
  admission: LinkAdmission;
  savers: SaverHost;
}

/**
 * Builds a run's parts from its options. The parts refer to each other (the loader asks the admission about redirect
 * targets, robots.txt is fetched through the loader, Crawl-delay goes to the limiter), so each is reached through a
 * closure, bound before the first request.
 */
export function wireRun(wiring: RunWiring): RunParts {
  const { options, hooks, logger, log, opened, state } = wiring;
  const shared = opened.shared;
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
    cache: opened.cache,
  });
  const requestHeaders = new RequestHeaders({
    startUrls: options.startUrls,
    scope: options.scope,
    headers: options.headers,
    auth: options.auth,
    cookies: opened.cookies,
    beforeRequest: hooks.beforeRequest,
  });
  const limiter = new Limiter({
    concurrency: options.concurrency,
    perHost: options.perHost,
    delayMs: options.delayMs,
    signal: wiring.stopSignal,
    autoThrottle: options.autoThrottle,
    hostGate: shared?.hostGate,
  });
  // Bound below; reached only once requests start.
  let loader: PageLoader | undefined;
  let admission: LinkAdmission | undefined;
  const loadRobots = (url: string) => loadRobotsTxt(loader as PageLoader, url);
  // Without obeyRobots the files are still read for their `Sitemap:` lines when sitemaps are asked for, and only then.
  const robotsFiles = new RobotsCache({
    load: shared
      ? sharedRobotsLoader(shared.state.robots, shared.state.worker, options.redis?.leaseMs ?? 30_000, loadRobots, wiring.stopSignal)
      : state
        ? persistedRobotsLoader(state.db, loadRobots)
        : loadRobots,
    userAgent: options.userAgent,
    logger: logger.child({ module: 'robots' }),
    onCrawlDelay: options.obeyRobots ? (host, delayMs) => limiter.setHostDelay(host, delayMs) : () => undefined,
  });
  const robots = options.obeyRobots ? robotsFiles : undefined;
  const acceptRedirect = (url: string) => (admission as LinkAdmission).acceptRedirect(url);
  loader = new PageLoader({
    fetcher,
    limiter,
    logger: logger.child({ module: 'fetcher' }),
    retries: options.retries,
    retryDelayMs: options.retryDelayMs,
    maxRetryAfterMs: options.maxRetryAfterMs,
    maxRedirects: options.maxRedirects,
    normalize,
    acceptRedirect: state ? state.acceptRedirect(acceptRedirect) : acceptRedirect,
    shouldReadBody: (status, type) => status >= 200 && status < 300 && wiring.isParsed(type),
    stopSignal: wiring.stopSignal,
    abortSignal: wiring.abortSignal,
    requestHeaders: requestHeaders.isEmpty ? undefined : requestHeaders,
  });
  admission = new LinkAdmission({
    rules: {
      normalize: normalizeUrl,
      inScope: createScope(options.startUrls, options.scope, options.include, options.exclude),
      maxUrlLength: options.maxUrlLength,
      maxRepeatedSegments: options.maxRepeatedSegments,
      followNofollow: options.followNofollow,
    },
    maxDepth: options.maxDepth,
    seen: wiring.seen,
    frontier: wiring.frontier,
    admit: shared && ((requests) => shared.state.seen.admit(requests)),
    robots,
    counters: wiring.counters,
    logger: log,
    shouldEnqueue: (link, page) => hooks.shouldEnqueue(link, page),
    onQueued: wiring.onQueued,
  });
  const savers = new SaverHost({
    savers: options.savers,
    loader,
    robots,
    robotsFiles,
    counters: wiring.counters,
    logger,
    stopSignal: wiring.stopSignal,
    outDir: options.outDir,
    state: state?.saverState(),
    share: shared && ((kind, record) => shared.share(kind, record)),
    claim: shared && ((urls) => shared.state.seen.add(urls)),
    quota: shared && ((name, max) => shared.quota(name, max)),
    once: shared && ((name, task, onItems) => shared.once(name, task, onItems, wiring.stopSignal)),
  });
  return { normalize, fetcher, limiter, robotsFiles, robots, loader, admission, savers };
}
