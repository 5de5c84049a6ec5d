import { pino } from 'pino';
import type { Logger } from 'pino';
import type { Awaitable, Extracted, FoundLink } from '../extractors/extractor.js';
import type { Page } from '../extractors/page.js';
import type { CrawlRequest } from '../storage/frontier-store.js';
import { CrawlRun } from './crawl-run.js';
import type { CrawlSummary } from './crawl-run.js';
import { CrawlError } from '../errors.js';
import { runExtractors } from './extraction.js';
import { openStateDb } from './run-state.js';
import { CrawlCookies } from './cookie-jar.js';
import type { OutgoingRequest } from './request-headers.js';
import { resolveOptions } from './options.js';
import type { CrawlerOptions, ResolvedOptions } from './options.js';
import type { ProgressListener } from './progress.js';
import type { HttpCacheLayer } from './http-cache.js';
import { MAX_SITEMAP_BYTES } from './sitemap-parser.js';
import { canFetchEarly, takeEarlyFetch } from './early-fetch.js';

/** The longest body the HTTP cache keeps: a page's (`maxBytes`) or a sitemap's, as received. */
const cacheEntryBytes = (maxBytes: number) => Math.max(maxBytes, MAX_SITEMAP_BYTES);

/**
 * A breadth-first site crawler. Use it as is with extractors, or subclass it and override `parse(page)` (and, if you
 * like, `shouldEnqueue`, `onError` and `beforeRequest`); everything else is internal.
 *
 * ```ts
 * class TitleCrawler extends Crawler {
 *   protected override parse(page: Page) {
 *     return { records: [{ url: page.finalUrl, title: page.title() }], links: new LinkExtractor().extract(page).links };
 *   }
 * }
 * const summary = await new TitleCrawler({ startUrls: ['https://example.com/'], outDir: 'out' }).run();
 * ```
 */
export class Crawler {
  /** The validated options this crawler runs with. */
  readonly options: ResolvedOptions;
  readonly #logger: Logger;
  readonly #listeners = new Set<ProgressListener>();
  #running = false;

  /** @throws OptionsError when an option is unknown or invalid (before any request). */
  constructor(options: CrawlerOptions) {
    this.options = resolveOptions(options);
    this.#logger = this.options.logger ?? pino({ level: this.options.logLevel, base: { name: 'sitecrawl' } }, pino.destination(2));
  }

  /** Subscribes to progress snapshots, sent every `progressIntervalMs` and once at the end. Listeners only observe. */
  on(event: 'progress', listener: ProgressListener): this {
    if (event !== 'progress') throw new TypeError(`Unknown event ${String(event)}`);
    this.#listeners.add(listener);
    return this;
  }

  /** Removes a progress listener. */
  off(event: 'progress', listener: ProgressListener): this {
    if (event === 'progress') this.#listeners.delete(listener);
    return this;
  }

  /**
   * Crawls from the start URLs until the frontier is empty, `maxPages` is reached or `signal` aborts, writing a
   * record per fetched URL and whatever `parse()` returns. Page failures are recorded, not thrown.
   * @returns the summary: pages, failures by code, skips by reason, per-depth counts, elapsed time, and why it stopped.
   * @throws OptionsError when `outDir` cannot be written (before any request); OutputError when writing fails later.
   */
  async run(): Promise<CrawlSummary> {
    if (this.#running) throw new CrawlError('invalid-option', 'This crawler is already running');
    this.#running = true;
    try {
      const hooks = {
        parse: (page: Page) => this.parse(page),
        shouldEnqueue: (link: FoundLink, page: Page) => this.shouldEnqueue(link, page),
        onError: (error: CrawlError, request: CrawlRequest) => this.onError(error, request),
        usesDefaultParse: this.parse === Crawler.prototype.parse,
        usesDefaultShouldEnqueue: this.shouldEnqueue === Crawler.prototype.shouldEnqueue,
        beforeRequest: this.beforeRequest === Crawler.prototype.beforeRequest ? undefined : (request: OutgoingRequest) => this.beforeRequest(request),
      };
      // A fetch side the CLI started before this crawler was built (robots.txt already on its way): the run adopts it.
      const fetch = takeEarlyFetch(this);
      if (fetch && (!canFetchEarly(this.options) || hooks.beforeRequest)) {
        await fetch.parts.fetcher.destroy();
        throw new CrawlError('invalid-option', 'An early fetch was handed to a crawler whose options or hooks change how it fetches');
      }
      // Read before the state is opened: a bad cookies.txt is an option error, before anything is touched.
      const cookies = fetch ? fetch.cookies : await CrawlCookies.open(this.options.cookies);
      const state = this.options.persist ? await openStateDb(this.options.persist) : undefined;
      // Loaded only for a shared crawl, so a local one never loads the Redis client.
      const shared = this.options.redis && (await (await import('./open-shared-run.js')).openSharedRun(this.options, this.#logger));
      let cache: HttpCacheLayer | undefined;
      let run: CrawlRun;
      try {
        // Loaded only when asked for: better-sqlite3 stays off the plain crawl's start-up path.
        if (this.options.cache) cache = await (await import('./http-cache.js')).openHttpCache(this.options.cache, cacheEntryBytes(this.options.maxBytes));
        run = new CrawlRun(this.options, hooks, this.#logger, this.#listeners, { state, cookies, cache, shared, fetch });
      } catch (error) {
        await fetch?.parts.fetcher.destroy().catch(() => undefined);
        if (state?.owned) state.db.close();
        cache?.close();
        await shared?.end();
        throw error;
      }
      try {
        return await run.run();
      } finally {
        cache?.close();
      }
    } finally {
      this.#running = false;
    }
  }

  /**
   * Turns a fetched page into records and links. Called once per page that answered 2xx with HTML, or with one of
   * the `contentTypes` opted into, after the body is decoded; not called for errors or other types. What it returns
   * goes to the dataset (`records`) and to the frontier (`links`, subject to scope, robots.txt, depth and the
   * seen-set). If it throws, the page is recorded with error `extractor-failed` and the crawl goes on.
   *
   * The default runs every configured extractor on HTML pages and merges their results; records without a `type`
   * get the extractor's name. Override it for custom parsing; call `super.parse(page)` to keep the extractors.
   */
  protected parse(page: Page): Awaitable<Extracted> {
    return page.isHtml ? runExtractors(this.options.extractors, page) : {};
  }

  /**
   * Last say on whether a discovered link is enqueued. Called once per new link (after the scheme, trap, scope,
   * nofollow, depth and seen-set checks passed), with the normalized URL in `link.url` and the page it was found on.
   * Return false to skip it (counted as `filtered`). A throw counts as false and is logged. Default: true.
   */
  protected shouldEnqueue(_link: FoundLink, _page: Page): Awaitable<boolean> {
    return true;
  }

  /**
   * Observes a failed page (network error, timeout, HTTP error status after retries, redirect trouble, extractor
   * failure). Called once per failed page, after its record is written. It cannot change the crawl; a throw is logged.
   * Default: nothing (failures are already logged at `warn`).
   */
  protected onError(_error: CrawlError, _request: CrawlRequest): void {}

  /**
   * Adds headers to one request, for what a fixed header cannot do: a signed or short-lived token, a per-request id.
   * Called just before every HTTP request the crawl sends: pages, robots.txt files and savers' downloads (images, link
   * checks), once per try (each retry is called again) and once per redirect hop (`request.url` is the hop's target),
   * inside the host's limiter slot, so a token is made right before its request leaves. `request` says what is sent:
   * URL, method, purpose, attempt, hop number, and the headers the crawl adds (configured headers, credentials and
   * cookies that belong to the URL). Return headers to add to, or replace on, this request (not User-Agent, Host or
   * Accept-Encoding); they go as returned, whatever the URL's origin, so check `request.url` before adding a secret.
   * Return nothing to add none. A throw (or a bad header) fails that request with `before-request-failed` without
   * sending it or retrying it: the page (or download) is recorded as failed and the crawl goes on. Default: nothing.
   */
  protected beforeRequest(_request: OutgoingRequest): Awaitable<Readonly<Record<string, string>> | undefined | void> {
    return undefined;
  }
}
