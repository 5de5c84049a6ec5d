import type { Logger } from 'pino';
import type { RunCounters } from '../storage/counters.js';
import type { FrontierStore } from '../storage/frontier-store.js';
import type { SeenSet } from '../storage/seen-set.js';
import { LinkAdmission } from './admission.js';
import type { CrawlHooks, OpenedForRun } from './run-types.js';
import { wireFetch } from './fetch-parts.js';
import type { FetchParts } from './fetch-parts.js';
import type { ResolvedOptions } from './options.js';
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
  /** Told how many links a page queued. */
  onQueued: (count: number) => void;
}

/** The parts of one run, wired to each other: fetching, politeness, robots.txt, link admission and the savers. */
export interface RunParts extends Omit<FetchParts, 'judgeRedirects' | 'normalizeUrl'> {
  admission: LinkAdmission;
  savers: SaverHost;
}

/**
 * Builds a run's parts from its options, or around the fetch side started before the run (`opened.fetch`, see
 * src/crawler/early-fetch.ts). The parts refer to each other (the loader asks the admission about redirect targets,
 * robots.txt is fetched through the loader, Crawl-delay goes to the limiter), so each is reached through a closure,
 * bound before the first page request.
 */
export function wireRun(wiring: RunWiring): RunParts {
  const { options, hooks, logger, log, opened, state } = wiring;
  const shared = opened.shared;
  const fetch =
    opened.fetch?.parts ??
    wireFetch({
      options,
      logger,
      stopSignal: wiring.stopSignal,
      abortSignal: wiring.abortSignal,
      cookies: opened.cookies,
      cache: opened.cache,
      beforeRequest: hooks.beforeRequest,
      hostGate: shared?.hostGate,
      robotsSource: shared
        ? (load) => sharedRobotsLoader(shared.state.robots, shared.state.worker, options.redis?.leaseMs ?? 30_000, load, wiring.stopSignal)
        : state
          ? (load) => persistedRobotsLoader(state.db, load)
          : undefined,
    });
  const { normalizeUrl, normalize, fetcher, limiter, loader, robotsFiles, robots } = fetch;
  const admission = new LinkAdmission({
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
  const acceptRedirect = (url: string) => admission.acceptRedirect(url);
  fetch.judgeRedirects(state ? state.acceptRedirect(acceptRedirect) : acceptRedirect);
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
