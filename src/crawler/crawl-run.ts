import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import type { RunCounters } from '../storage/counters.js';
import type { CrawlRequest, FrontierStore } from '../storage/frontier-store.js';
import type { SeenSet } from '../storage/seen-set.js';
import type { LinkAdmission } from './admission.js';
import type { Fetcher } from './fetcher.js';
import type { Limiter } from './limiter.js';
import type { RobotsCache } from './robots.js';
import type { SaverHost } from './savers.js';
import { CrawlError, ExtractorError, FetchError } from '../errors.js';
import type { ResolvedOptions } from './options.js';
import { Outputs } from './outputs.js';
import type { PageParser, buildPage } from './page-parser.js';
import { ParsePool, workerSpecsOf } from './parse-pool.js';
import type { Loaded, PageLoader } from './page-loader.js';
import { buildPageRecord, countPage, unfetched } from './page-record.js';
import type { SkipReason } from './page-record.js';
import type { CrawlProgress, ProgressListener } from './progress.js';
import { ProgressTicker, progressFrom } from './progress.js';
import { SettleCounter } from './settle-counter.js';
import { NEW_RUN, RunState } from './run-state.js';
import { wireRun } from './run-parts.js';
import { runStores } from './run-stores.js';
import type { LoggedDownload } from '../storage/done-set.js';
import { seedFromSitemaps } from './sitemap-seeds.js';
import { redactProxy } from './request-options.js';
import { sharedStart } from './shared-run.js';
import type { SharedRun, Settlement } from './shared-run.js';
import type { CrawlHooks, CrawlSummary, OpenedForRun, StopReason } from './run-types.js';
import { monotonicMs } from './clock.js';

export type { CrawlHooks, CrawlSummary, OpenedForRun, StopReason } from './run-types.js';

/**
 * One crawl, from start URLs to summary: breadth-first by levels (every page of depth d settles before depth d+1 is
 * taken), a URL entering the seen-set when discovered so the shortest depth wins. Only this loop mutates the seen-set,
 * the frontier and the counters.
 */
export class CrawlRun {
  readonly #options: ResolvedOptions;
  readonly #hooks: CrawlHooks;
  readonly #log: Logger;
  readonly #frontier: FrontierStore;
  /** Whether the run created the frontier store (and so closes it at the end). */
  readonly #ownsFrontier: boolean;
  readonly #seen: SeenSet;
  readonly #counters: RunCounters;
  /** The persisted state, when the run has one (`persist`). */
  readonly #state: RunState | undefined;
  /** This process as one worker of a crawl shared through Redis (`redis`). */
  readonly #shared: SharedRun | undefined;
  readonly #stop: AbortController;
  readonly #abort: AbortController;
  readonly #normalize: (url: string) => string | null;
  readonly #admission: LinkAdmission;
  readonly #savers: SaverHost;
  readonly #fetcher: Fetcher;
  readonly #limiter: Limiter;
  readonly #robots: RobotsCache | undefined;
  /** robots.txt per origin, read for its rules (when obeyed) and its `Sitemap:` lines: one fetch per origin. */
  readonly #robotsFiles: RobotsCache;
  readonly #loader: PageLoader;
  readonly #outputs: Outputs;
  readonly #ticker: ProgressTicker;
  readonly #started = monotonicMs();
  #depth = 0;
  #queued = 0;
  #inFlight = 0;
  #reserved = 0;
  #stopReason: StopReason = 'completed';
  /** Set when nothing more is to be scheduled (abort, maxPages, output failure). */
  #halted = false;
  #fatal: unknown;
  #graceTimer: NodeJS.Timeout | undefined;
  /** The parse worker pool, when pages are parsed on workers: started with the run, so its workers load meanwhile. */
  #pool: ParsePool | undefined;
  /** The page parser and page builder, once loading them has begun ({@link CrawlRun.#pageParsing}). */
  #parsing: Promise<{ parser: PageParser; buildPage: typeof buildPage }> | undefined;
  /** They are loaded: no page request waits for them any more. */
  #parsingLoaded = false;

  /** @param opened the state database, cookie jar, HTTP cache and shared-crawl worker opened for the run */
  constructor(options: ResolvedOptions, hooks: CrawlHooks, logger: Logger, listeners: Set<ProgressListener>, opened: OpenedForRun = {}) {
    const state = opened.state;
    const shared = opened.shared;
    this.#options = options;
    this.#hooks = hooks;
    this.#stop = opened.fetch?.stop ?? new AbortController();
    this.#abort = opened.fetch?.abort ?? new AbortController();
    // Every request in flight and every queued wait listens on these; past 10 listeners Node warns of a leak that isn't one.
    setMaxListeners(0, this.#stop.signal, this.#abort.signal);
    this.#log = logger.child({ module: 'crawler' });
    this.#outputs = new Outputs(options);
    this.#state = state && new RunState(state, options.concurrency, () => this.#outputs.offsets(), () => this.#depth, (error) => this.#fail(error));
    this.#shared = shared;
    shared?.onFailure((error) => this.#fail(error));
    ({ frontier: this.#frontier, seen: this.#seen, counters: this.#counters, ownsFrontier: this.#ownsFrontier } = runStores(options, state, shared));
    const parts = wireRun({
      options,
      hooks,
      logger,
      log: this.#log,
      opened,
      state: this.#state,
      frontier: this.#frontier,
      seen: this.#seen,
      counters: this.#counters,
      stopSignal: this.#stop.signal,
      abortSignal: this.#abort.signal,
      // A shared crawl's queue is Redis's (sitecrawl status); this worker counts only its own.
      onQueued: (count) => (this.#queued += shared ? 0 : count),
    });
    ({ normalize: this.#normalize, fetcher: this.#fetcher, limiter: this.#limiter, robotsFiles: this.#robotsFiles, robots: this.#robots } = parts);
    ({ loader: this.#loader, admission: this.#admission, savers: this.#savers } = parts);
    this.#ticker = new ProgressTicker(listeners, () => this.#snapshot(), this.#log);
  }

  /** Crawls to the end, an abort, or maxPages; flushes and closes every output. Rejects only when output fails. */
  async run(): Promise<CrawlSummary> {
    const { signal } = this.#options;
    const onAbort = () => this.#requestStop('aborted');
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    const proxy = this.#options.proxy;
    this.#log.info({ startUrls: this.#options.startUrls, maxDepth: this.#options.maxDepth, ...(proxy ? { proxy: redactProxy(proxy) } : {}) }, 'crawl started');
    this.#ticker.start(this.#options.progressIntervalMs);
    let startDepth = 0;
    let outcome: 'completed' | 'max-pages' | 'interrupted' | undefined;
    try {
      const start = this.#shared
        ? sharedStart(await this.#shared.begin(this.#options, this.#normalize))
        : ((await this.#state?.start(this.#options, this.#frontier, this.#counters)) ?? NEW_RUN);
      outcome = 'interrupted';
      if (start.kind === 'finished') {
        this.#log.info({ state: this.#state?.db.path }, 'the persisted crawl is finished; nothing to do');
        this.#stopReason = start.stopReason ?? 'completed';
        this.#halted = true;
        outcome = undefined;
      }
      if (start.kind === 'resume') {
        startDepth = this.#depth = start.depth;
        this.#reserved = start.pages;
        this.#queued = start.queued;
        this.#log.info({ state: this.#state?.db.path, depth: startDepth, pages: this.#reserved }, 'resuming the persisted crawl');
      }
      if (!this.#halted) await this.#outputs.open(start.offsets);
      this.#pool = this.#startParsePool();
      if (!this.#halted) void this.#pageParsing();
      await this.#savers.open();
      if (this.#shared) {
        if (!this.#halted && this.#options.sitemaps.length > 0) await this.#shared.seedOnce(() => this.#seedFromSitemaps(), this.#stop.signal);
        const ended = await this.#shared.crawl((request) => this.#process(request), () => this.#halted, (depth) => (this.#depth = depth));
        if (ended) this.#stopReason = ended;
      } else if (start.kind === 'new') await this.#seedStartUrls();
      // The downloads of pages done before the stop go to the savers again: what they finished, their done-sets skip.
      else this.#savers.replay(this.#state?.loggedDownloads() ?? []);
      for (let depth = startDepth; !this.#halted && !this.#shared; depth++) {
        // Links only lead one level down, so an empty level ends the crawl; but a run resumed between two levels
        // starts at the one it had finished, whose successor is waiting.
        if ((await this.#frontier.size(depth)) === 0 && (depth > startDepth || (await this.#frontier.size(depth + 1)) === 0)) break;
        this.#depth = depth;
        await this.#crawlLevel(depth);
      }
      if (outcome !== undefined && this.#stopReason !== 'aborted') outcome = this.#stopReason;
    } finally {
      // The savers' last work (images, link checks) is part of the run: a stop still reaches it.
      try {
        await this.#savers.close();
      } catch (error) {
        this.#fatal ??= error;
      }
      signal?.removeEventListener('abort', onAbort);
      clearTimeout(this.#graceTimer);
      this.#ticker.stop();
      await this.#fetcher.destroy().catch(() => undefined);
      await this.#pool?.close();
      try {
        await this.#outputs.close();
      } catch (error) {
        this.#fatal ??= error;
      }
      await this.#shared?.end();
      // Removes the spilled frontier files; a store the caller passed in is theirs to close.
      if (this.#ownsFrontier)
        await Promise.resolve(this.#frontier.close?.()).catch((error: unknown) => this.#log.warn({ err: error }, 'frontier store failed to close'));
      try {
        // A stop while the savers finished their work (SIGINT during the last images) interrupts the run too.
        this.#state?.finish(outcome, this.#fatal !== undefined || this.#stopReason === 'aborted');
      } catch (error) {
        this.#fatal ??= error;
      }
    }
    if (this.#fatal !== undefined) throw this.#fatal;
    const summary: CrawlSummary = {
      ...this.#snapshot(),
      stopReason: this.#stopReason,
      seen: await this.#seen.size(),
      perHostBoundMs: this.#limiter.hostBoundMs,
    };
    this.#log.info({ pages: summary.pages, failed: summary.failed, elapsedMs: Math.round(summary.elapsedMs), stopReason: summary.stopReason }, 'crawl finished');
    return summary;
  }

  async #seedStartUrls(): Promise<void> {
    const urls = [...new Set(this.#options.startUrls.map((url) => this.#normalize(url)).filter((url): url is string => url !== null))];
    const added = await this.#seen.add(urls);
    const requests = urls.filter((_, index) => added[index]).map((url) => ({ url, depth: 0, parent: null }));
    await this.#frontier.push(requests);
    this.#queued += requests.length;
    if (this.#options.sitemaps.length > 0) await this.#seedFromSitemaps();
    // A persisted run is recorded with its seeds, so a resume takes them from the frontier, never from the sitemaps again.
    this.#state?.commit();
  }

  /** Reads the sitemaps and admits their page URLs at depth 0, before the first level; returns how many were queued. */
  async #seedFromSitemaps(): Promise<number> {
    const { queued } = await seedFromSitemaps({
      sitemaps: this.#options.sitemaps,
      loader: this.#loader,
      robots: this.#robots,
      robotsFiles: this.#robotsFiles,
      admission: this.#admission,
      logger: this.#log.child({ module: 'sitemaps' }),
      signal: this.#stop.signal,
    });
    return queued;
  }

  // Fan out every URL of the level through the limiter, in a bounded window so a huge level never sits in memory as
  // promises; fan in before returning.
  async #crawlLevel(depth: number): Promise<void> {
    const window = Math.max(this.#options.concurrency * 4, 64);
    const inFlight = new SettleCounter();
    while (!this.#halted) {
      const batch = await this.#frontier.take(depth, window);
      if (batch.length === 0) break;
      for (const request of batch) {
        // maxPages is exact: wait for pages in flight (some may be skipped by robots.txt) before giving up on a slot.
        while (this.#reserved >= this.#options.maxPages && inFlight.size > 0) await inFlight.settleOne();
        if (this.#reserved >= this.#options.maxPages) this.#requestStop('max-pages');
        if (this.#halted) break;
        this.#queued--;
        this.#reserved++;
        inFlight.track(this.#process(request));
        while (inFlight.size >= window) await inFlight.settleOne();
      }
    }
    await inFlight.settleAll();
  }

  async #process(request: CrawlRequest): Promise<void> {
    this.#inFlight++;
    try {
      // A persisted page is in progress, holding a work slot, until its record is committed (RunState.inProgress).
      await (this.#state ? this.#state.inProgress(() => this.#processPage(request)) : this.#processPage(request));
    } finally {
      this.#inFlight--;
    }
  }

  async #processPage(request: CrawlRequest): Promise<void> {
    try {
      const refusal = await this.#robots?.refusal(new URL(request.url));
      if (refusal?.code === 'robots-disallowed') {
        this.#reserved--;
        this.#skip('robots', request.url);
        this.#settled(request, 'skipped');
        if (request.depth === 0) this.#log.warn({ url: request.url }, 'start URL disallowed by robots.txt');
        return;
      }
      // Compiling the parser (begun with the run) blocks this thread. Where the host's requests are spaced (delayMs,
      // Crawl-delay, the throttle), the first page request waits for it: compiled while that request was being sent,
      // it would arrive late, closer to the next one than the delay. Elsewhere the compiling overlaps the request.
      if (!refusal && !this.#parsingLoaded && this.#limiter.hostState(new URL(request.url).host).delayMs > 0) await this.#pageParsing();
      // RFC 9309 2.3.1.4 keeps the page unrequested, but a site that cannot be reached is not one that forbids
      // crawling: the page is recorded as failed, so the summary and audits show it.
      const loaded = refusal ? unfetched(request.url, refusal) : await this.#loader.load(request.url);
      if (loaded.error?.code === 'aborted' && this.#stop.signal.aborted) {
        this.#reserved--;
        this.#counters.increment('aborted');
        this.#settled(request, 'aborted');
        return;
      }
      const settlement = await this.#finish(request, loaded);
      this.#settled(request, settlement.how, settlement.downloads);
    } catch (error) {
      this.#fail(error);
    }
  }

  /** Records how a taken request ended (with the downloads its page asked for), in the persisted or shared state. */
  #settled(request: CrawlRequest, how: Settlement, downloads?: readonly LoggedDownload[]): void {
    if (this.#shared) this.#shared.settled(request, how);
    else if (how !== 'aborted') this.#state?.done(request.url, downloads);
  }

  /** Writes the page's record (and its records), hands its downloads to the savers; returns how it settled, for the state. */
  async #finish(request: CrawlRequest, loaded: Loaded): Promise<{ how: Settlement; downloads: LoggedDownload[] | undefined }> {
    const response = loaded.response;
    let error: CrawlError | undefined = loaded.error;
    // A redirect "disallowed" only because its target's robots.txt could not be had (or is at a refused address) did
    // not reach a site that forbids crawling: the page failed, as a start URL on that origin would.
    if (!error && loaded.redirectSkipped === 'robots') {
      const refusal = await this.#robots?.refusal(new URL(loaded.finalUrl));
      if (refusal && refusal.code !== 'robots-disallowed' && refusal.code !== 'aborted') error = refusal;
    }
    if (!error && response && response.status >= 400) error = new FetchError(`http-${response.status}`, `HTTP ${response.status}`);
    let title: string | null = null;
    let links = 0;
    let records: readonly Record<string, unknown>[] = [];
    let downloads: LoggedDownload[] | undefined;
    if (!error && response?.body && response.status < 300 && !loaded.redirectSkipped) {
      const { parser, buildPage } = await this.#pageParsing();
      const page = buildPage(request, loaded);
      try {
        const parsed = await parser.parse(page);
        title = parsed.title;
        const extracted = parsed.extracted;
        links = await this.#admission.admit(extracted.links ?? [], page);
        if (extracted.downloads?.length) {
          const source = { page: page.finalUrl, depth: page.depth };
          this.#savers.add(extracted.downloads, source);
          if (this.#state) downloads = extracted.downloads.filter(({ kind }) => this.#savers.takes(kind)).map(({ url, kind, data }) => ({ ...source, url, kind, data }));
        }
        records = (extracted.records ?? []) as Record<string, unknown>[];
      } catch (caught) {
        error = caught instanceof ExtractorError ? caught : new ExtractorError('parse', `parse() threw: ${(caught as Error)?.message ?? String(caught)}`, { cause: caught });
      }
    }
    const record = buildPageRecord(request, loaded, { title, links, error, withCached: this.#options.cache !== undefined });
    // The page's records and its page record go out together, so the files always end at a whole page.
    await this.#outputs.writePage(record, records);
    this.#counters.increment('records', records.length);
    countPage(this.#counters, record);
    if (error) this.#reportError(error, request);
    return { how: { record, records }, downloads };
  }

  #skip(reason: SkipReason, url: string): void {
    this.#counters.increment(`skip.${reason}`);
    this.#log.debug({ url, reason }, 'skipped');
  }

  #reportError(error: CrawlError, request: CrawlRequest): void {
    this.#log.warn({ url: request.url, code: error.code, err: error.message }, 'page failed');
    try {
      this.#hooks.onError(error, request);
    } catch (hookError) {
      this.#log.warn({ err: hookError }, 'onError threw');
    }
  }

  // Output failures end the run: nothing more is scheduled and run() rejects after closing what it can.
  #fail(error: unknown): void {
    this.#fatal ??= error;
    this.#log.error({ err: error }, 'crawl stopped: output failed');
    this.#requestStop('aborted');
  }

  // maxPages only stops scheduling (the pages already admitted finish); an abort also cancels queued requests and
  // cuts those in flight after the grace period.
  #requestStop(reason: StopReason): void {
    if (this.#halted) return;
    this.#halted = true;
    this.#stopReason = reason;
    if (reason !== 'aborted') return;
    this.#log.info({ graceMs: this.#options.stopGraceMs }, 'stopping: letting requests in flight finish');
    this.#stop.abort(new FetchError('aborted', 'crawl stopped'));
    this.#graceTimer = setTimeout(() => this.#abort.abort(), this.#options.stopGraceMs);
    this.#graceTimer.unref();
  }

  /** Starts the parse worker pool when every page can be parsed on workers (see `workerSpecsOf`). */
  #startParsePool(): ParsePool | undefined {
    const specs = workerSpecsOf(this.#options, this.#hooks.usesDefaultParse);
    if (!specs) return undefined;
    return new ParsePool(this.#options.workers, { specs, compactLinks: this.#hooks.usesDefaultShouldEnqueue }, () => this.#queued + this.#inFlight);
  }

  /**
   * Loads the page parser and page builder, once: they bring parse5 and the page model, which the run needs only once a
   * page has answered. Begun as the run opens its outputs, so they load while robots.txt is in flight (issue 15).
   */
  #pageParsing(): Promise<{ parser: PageParser; buildPage: typeof buildPage }> {
    if (!this.#parsing) {
      this.#parsing = import('./page-parser.js').then(({ PageParser, buildPage }) => {
        this.#parsingLoaded = true;
        return { parser: new PageParser(this.#hooks, this.#pool), buildPage };
      });
      // Awaited where it is used; a failed load fails those pages (and ends the run), never as an unhandled rejection.
      this.#parsing.catch(() => undefined);
    }
    return this.#parsing;
  }

  #snapshot(): CrawlProgress {
    return progressFrom(this.#counters.snapshot(), { queued: this.#queued, inFlight: this.#inFlight, depth: this.#depth, elapsedMs: monotonicMs() - this.#started });
  }
}
