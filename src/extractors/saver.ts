import type { Logger } from 'pino';
import type { DoneSet, ImageDone, ImageWriteLog, LinkCheckDone } from '../storage/done-set.js';
import type { SeenSet } from '../storage/seen-set.js';
import type { SaverResults } from '../storage/done-set.js';
import type { DownloadRequest } from './extractor.js';

/** Where a download was asked for. */
export interface DownloadSource {
  /** Final URL of the page that asked for it. */
  page: string;
  /** Depth of that page. */
  depth: number;
}

/** A redirect answered on the way to a fetched URL. */
export interface FetchHop {
  url: string;
  status: number;
  location: string;
}

/** The outcome of {@link SaverContext.fetch}: never a throw, failures are in `error`. */
export interface FetchOutcome {
  /** The URL asked for. */
  url: string;
  /** The URL the answer came from, after redirects. */
  finalUrl: string;
  /** Status of the last response; `null` when none came. */
  status: number | null;
  /** Response headers of the last response, lower-case names (repeated ones joined by `, `, Set-Cookie's by a line break). */
  headers: Readonly<Record<string, string>>;
  /** Media type of the last response, lower-case, no parameters. */
  contentType: string;
  /** The body, when it was read. */
  body: Buffer | undefined;
  /** Body bytes read, or the declared length when not read. */
  bytes: number;
  /** The body was longer than the size cap and was cut there. */
  truncated: boolean;
  /** Redirects followed, in order. */
  redirects: readonly FetchHop[];
  /**
   * `null`, or `{ code, message }`: `http-404`, `timeout`, `robots-disallowed`, `blocked-address`, `redirect-loop`, ...;
   * `robots-unreachable` (the origin's robots.txt could not be fetched; nothing was requested) adds `cause`.
   */
  error: { code: string; message: string; cause?: string } | null;
  /** Wall time from the first request sent to the outcome (redirect hops, retries and their pauses included), in ms. */
  ms: number;
}

/** Per-request choices of {@link SaverContext.fetch}. */
export interface SaverFetchOptions {
  /** @default 'GET' */
  method?: 'GET' | 'HEAD';
  /** Body size cap for this request; longer bodies are cut (`truncated`) without reading the rest. @default the crawl's maxBytes */
  maxBytes?: number;
  /** Obey robots.txt for this URL (when the crawl does). @default true */
  obeyRobots?: boolean;
  /** Which bodies to read. @default 2xx answers only */
  shouldReadBody?: (status: number, contentType: string) => boolean;
}

/** What a saver gets from the crawl when it opens: fetching and counting through the crawl's machinery. */
export interface SaverContext {
  /**
   * Fetches a URL through the crawl's limiter (global and per-host limits and delays), robots.txt rules, retries,
   * timeouts and size cap, following redirects (not through the page seen-set: a file is not a page).
   */
  fetch(url: string, options?: SaverFetchOptions): Promise<FetchOutcome>;
  /** Adds to a counter shown in progress and the summary as `<saver name>.<name>`. */
  count(name: string, by?: number): void;
  /** A child logger bound to the saver's name. */
  logger: Logger;
  /** Aborts when the crawl is stopped; stop queueing work then. */
  signal: AbortSignal;
  /** The crawl's output directory, if it has one. */
  outDir: string | undefined;
  /**
   * Set when the crawl is shared by several workers (Redis): hands a record of the saver's own (an image record, a
   * link check) to the shared crawl, for `sitecrawl export` to merge. Records may be shared more than once (say, as
   * they happen and consolidated at the end); export deduplicates them.
   */
  share?: ((kind: string, record: Record<string, unknown>) => void) | undefined;
  /**
   * Set when the crawl is shared: adds URLs to the crawl's shared seen-set, true for each one this worker added
   * first, so work on a URL (a link check) is done by one worker of all.
   */
  claim?: ((urls: readonly string[]) => Promise<boolean[]>) | undefined;
  /**
   * Set when the crawl is shared: a limit counted for all workers together in Redis, for a saver whose limit must
   * hold across them (the image saver's `maxImages`). Resolves once it knows whether the limit is reached already.
   */
  quota?: ((name: string, max: number) => Promise<SharedQuota>) | undefined;
  /**
   * Set when the crawl is shared: runs `task` on one worker of all (the first to ask; if it dies, another runs it
   * again) and resolves on every worker with its result (JSON); the items the task publishes reach `onItems` on every
   * worker, the runner's included (after a takeover, some may come twice). Resolves `undefined` when the crawl is
   * stopped first. The audit reads the sitemaps this way.
   */
  once?: (<T>(name: string, task: (publish: (items: readonly unknown[]) => Promise<void>) => Promise<T>, onItems: (items: readonly unknown[]) => void) => Promise<T | undefined>) | undefined;
  /**
   * The `Sitemap:` lines of an origin's robots.txt, resolved, read through the crawl's robots.txt cache (so the file
   * is fetched once per origin per run, whoever asks); empty when it lists none or could not be had.
   */
  sitemapsInRobots(origin: string): Promise<readonly string[]>;
  /** The run's persisted state (a run with `persist`); `undefined` when the state is in memory. */
  state?: SaverState | undefined;
}

/** What {@link SharedQuota.reserve} answered. */
export type QuotaReservation =
  /** `taken`: the unit is this worker's (commit or release it); `busy`: another worker holds this key now, ask again
   * later; `full`: the other workers' reservations hold the units left, ask again later; `reached`: the limit is. */
  | { status: 'taken' | 'busy' | 'full' | 'reached' }
  /** A worker committed this key already, with this value. */
  | { status: 'done'; value: string };

/**
 * A limit shared by the workers of a crawl (see {@link SaverContext.quota}): a unit is reserved by key (an image's
 * SHA-256) before the work it counts, then committed or released; committed plus reserved units never pass the
 * maximum, and a committed key is never reserved again. A reservation lasts while its worker lives.
 */
export interface SharedQuota {
  /** Aborts once the limit is reached (by any worker); the shared crawl then ends for every worker. */
  readonly reached: AbortSignal;
  /** Reserves one unit for `key`. */
  reserve(key: string): Promise<QuotaReservation>;
  /** The work was done: counts the unit, keeping `value` for workers that reserve the same key later. */
  commit(key: string, value: string): Promise<void>;
  /** The work was not done (a failed write, a file already there): frees the unit. */
  release(key: string): Promise<void>;
}

/**
 * What a saver of a persisted run (`persist`) keeps its work in, so a resumed run repeats none of it. On a resume,
 * the crawl hands the savers, right after `open`, every download the pages done before the stop asked for (in the
 * order asked); a saver skips what its done-set holds. Counts made while those are handed over are not shown again
 * (the state kept them).
 */
export interface SaverState {
  /** The run continues a stopped (or finished) one: its done-sets may hold entries. */
  readonly resumed: boolean;
  /** The run's seen-set: a URL a saver adds is one the crawl will not fetch. */
  readonly seen: SeenSet;
  /** What savers finished once for the run (the audit's sitemap scan). */
  readonly results?: SaverResults | undefined;
  /** Images the image saver is done with. */
  readonly images: DoneSet<ImageDone>;
  /** Links the audit's link checker is done with. */
  readonly linkChecks: DoneSet<LinkCheckDone>;
  /** Image files being put in place whose outcome is not in `images` yet (see {@link ImageWriteLog}). */
  readonly imageWrites: ImageWriteLog;
  /**
   * Runs one unit of a saver's work that makes requests (an image download, a link check) while holding one of the
   * run's `concurrency` work slots, which the crawl's pages share: from before its first request until what it added
   * to a done-set is committed. So a run killed at any moment repeats at most `concurrency` units when resumed. The
   * task must not wait for another unit (a slot held while waiting for a slot could deadlock).
   */
  inProgress<T>(task: () => Promise<T>): Promise<T>;
}

/**
 * Side effects of a crawl (saving files, checking links) live in savers, which run in the crawl's main loop, while
 * extractors stay pure (Scrapy's spider and item pipeline split). Extractors return `downloads`; the crawl hands each
 * one whose `kind` a saver lists to that saver's `add`.
 *
 * Life cycle: `open(context)` once before the first request; `add(download, source)` for every download, as pages are
 * parsed (it must return quickly: queue the work, the crawl does not wait for it); `close()` once at the end, also
 * after an abort, resolving when all queued work has settled. A throw from `open` or `close` fails the run.
 */
export interface Saver {
  /** Stable id: the logger binding and the prefix of its counters. */
  readonly name: string;
  /** Download kinds it takes (`image`, ...). */
  readonly kinds: readonly string[];
  open(context: SaverContext): void | Promise<void>;
  add(download: DownloadRequest, source: DownloadSource): void;
  close(): Promise<void>;
}
