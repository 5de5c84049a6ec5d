import type { Awaitable, Extracted, FoundLink, WorkerSpec } from '../extractors/extractor.js';
import { Page } from '../extractors/page.js';
import type { CrawlRequest } from '../storage/frontier-store.js';
import { lazyHtmlText } from './charset.js';
import { ExtractorError } from '../errors.js';
import type { ResolvedOptions } from './options.js';
import type { Loaded } from './page-loader.js';
import type { CompactLinks } from './parse-job.js';
import { ParsePool } from './parse-pool.js';
import { HTML_TYPES } from './html-types.js';

/** What the parser needs to know about the crawler's hooks. */
export interface ParserHooks {
  parse(page: Page): Awaitable<Extracted>;
  /** `parse` is the default (extractors only), so HTML pages may be parsed on worker threads. */
  usesDefaultParse: boolean;
  /** `shouldEnqueue` is the default, so nothing on this thread reads a page after a worker parsed it. */
  usesDefaultShouldEnqueue: boolean;
}

/**
 * The extractors' worker specs when every page can be parsed on a worker thread: workers enabled, the default
 * `parse()`, and every extractor able to run in a worker. `undefined` otherwise (everything runs on this thread).
 */
function workerSpecsOf(options: ResolvedOptions, usesDefaultParse: boolean): WorkerSpec[] | undefined {
  if (options.workers === 0 || !usesDefaultParse || options.extractors.length === 0) return undefined;
  const specs = options.extractors.map((extractor) => extractor.workerSpec());
  return specs.every((spec): spec is WorkerSpec => spec !== undefined) ? specs : undefined;
}

/**
 * The links of a compact reply, for admission, which reads only their URL and nofollow mark: the other fields hold
 * placeholders (a worker sends details only when a `shouldEnqueue` override may read them).
 */
function linksOf({ urls, nofollow }: CompactLinks): FoundLink[] {
  const links = urls.map((url): FoundLink => ({ url, text: '', element: 'a', attribute: 'href', nofollow: false }));
  for (const index of nofollow) (links[index] as FoundLink).nofollow = true;
  return links;
}

/** Builds the Page of a loaded response; its text is decoded on first use (a worker may parse it instead). */
export function buildPage(request: CrawlRequest, loaded: Loaded): Page {
  const response = loaded.response as NonNullable<Loaded['response']>;
  const body = response.body as Buffer;
  const isHtml = HTML_TYPES.has(response.contentType);
  return new Page({
    url: request.url,
    finalUrl: loaded.finalUrl,
    depth: request.depth,
    parent: request.parent,
    status: response.status,
    headers: response.headers,
    contentType: response.contentType,
    body,
    ...(isHtml ? lazyHtmlText(body, response.headers['content-type']) : { text: () => body.toString('utf8') }),
    truncated: response.truncated,
  });
}

/**
 * Runs `parse()` for each page: on the worker pool when the crawl allows it and the page is HTML, else on this
 * thread. The pool starts with the crawl ({@link PageParser.start}), so its first worker loads while the first pages
 * are fetched, and stops on `close()`.
 */
export class PageParser {
  readonly #options: ResolvedOptions;
  readonly #hooks: ParserHooks;
  readonly #workerSpecs: WorkerSpec[] | undefined;
  readonly #backlog: () => number;
  #pool: ParsePool | undefined;

  /** `backlog` counts the pages still to be parsed (queued or being fetched), which the worker pool grows by. */
  constructor(options: ResolvedOptions, hooks: ParserHooks, backlog: () => number) {
    this.#options = options;
    this.#hooks = hooks;
    this.#backlog = backlog;
    this.#workerSpecs = workerSpecsOf(options, hooks.usesDefaultParse);
  }

  /** The page's records, links and downloads, and its title (HTML only). @throws ExtractorError */
  async parse(page: Page): Promise<{ extracted: Extracted; title: string | null }> {
    const pool = page.isHtml ? this.#parsePool() : undefined;
    if (!pool) {
      const extracted = await this.#hooks.parse(page);
      return { extracted, title: page.isHtml ? page.title() : null };
    }
    const { url, finalUrl, depth, parent, status, headers, contentType, body, truncated } = page;
    // The body moves to the worker unless a shouldEnqueue override may still read the page here.
    const job = { url, finalUrl, depth, parent, status, headers: { ...headers }, contentType, body, truncated };
    const reply = await pool.parse(job, this.#hooks.usesDefaultShouldEnqueue);
    if (!reply.ok) throw new ExtractorError(reply.extractor, reply.message);
    page.useBaseUrl(reply.baseUrl);
    if (reply.compactLinks) reply.extracted.links = linksOf(reply.compactLinks);
    return { extracted: reply.extracted, title: reply.title };
  }

  /** Starts the worker pool (when the crawl uses one), so the workers load while the first pages are fetched. */
  start(): void {
    this.#parsePool();
  }

  /** Stops the worker pool, if it started. */
  async close(): Promise<void> {
    await this.#pool?.close();
  }

  #parsePool(): ParsePool | undefined {
    if (this.#workerSpecs === undefined) return undefined;
    this.#pool ??= new ParsePool(this.#options.workers, { specs: this.#workerSpecs, compactLinks: this.#hooks.usesDefaultShouldEnqueue }, this.#backlog);
    return this.#pool;
  }
}
