import type { Awaitable, Extracted, FoundLink } from '../extractors/extractor.js';
import type { Page } from '../extractors/page.js';
import type { CrawlError } from '../errors.js';
import type { CrawlRequest } from '../storage/frontier-store.js';
import type { CrawlCookies } from './cookie-jar.js';
import type { HttpCacheLayer } from './http-cache.js';
import type { StartedFetch } from './early-fetch.js';
import type { CrawlProgress } from './progress.js';
import type { BeforeRequest } from './request-headers.js';
import type { OpenedState } from './run-state.js';
import type { SharedRun } from './shared-run.js';

/** The crawler's hooks, bound to the Crawler instance. */
export interface CrawlHooks {
  parse(page: Page): Awaitable<Extracted>;
  shouldEnqueue(link: FoundLink, page: Page): Awaitable<boolean>;
  onError(error: CrawlError, request: CrawlRequest): void;
  /** Whether `parse` is the default (extractors only), so pages may be parsed on worker threads. */
  usesDefaultParse: boolean;
  /** Whether `shouldEnqueue` is the default, so nothing on this thread reads a page after a worker parsed it. */
  usesDefaultShouldEnqueue: boolean;
  /** The `beforeRequest` hook, when overridden. */
  beforeRequest?: BeforeRequest | undefined;
}

/** What the Crawler opened for the run before building it. */
export interface OpenedForRun {
  /** The opened `persist` database, and whether the run is to close it. */
  state?: OpenedState | undefined;
  /** The cookie jar, when the crawl keeps cookies. */
  cookies?: CrawlCookies | undefined;
  /** This process as a worker of a crawl shared through Redis (`redis`). */
  shared?: SharedRun | undefined;
  /** The opened HTTP cache (`cache` option); the caller closes it after the run. */
  cache?: HttpCacheLayer | undefined;
  /** The fetch side started before the run (robots.txt of the first origins on its way), which the run adopts. */
  fetch?: StartedFetch | undefined;
}

/** How a run ended. */
export type StopReason = 'completed' | 'max-pages' | 'aborted';

/** What `run()` resolves to: the final progress snapshot and how the run ended. */
export interface CrawlSummary extends CrawlProgress {
  stopReason: StopReason;
  /** URLs in the seen-set at the end. */
  seen: number;
  /**
   * How long requests waited for the `perHost` limit while `concurrency` had free slots, in ms: near `elapsedMs`, the
   * per-host limit rather than the site bounded the crawl (raise `perHost` on a server of your own).
   */
  perHostBoundMs: number;
}
