import type { Awaitable, Extracted } from '../extractors/extractor.js';
import { Page } from '../extractors/page.js';
import type { CrawlRequest } from '../storage/frontier-store.js';
import { lazyHtmlText } from './charset.js';
import { ExtractorError } from '../errors.js';
import type { Loaded } from './page-loader.js';
import { linksOf } from './compact-links.js';
import type { ParsePool } from './parse-pool.js';
import { HTML_TYPES } from './html-types.js';

/** What the parser needs to know about the crawler's hooks. */
export interface ParserHooks {
  parse(page: Page): Awaitable<Extracted>;
  /** `parse` is the default (extractors only), so HTML pages may be parsed on worker threads. */
  usesDefaultParse: boolean;
  /** `shouldEnqueue` is the default, so nothing on this thread reads a page after a worker parsed it. */
  usesDefaultShouldEnqueue: boolean;
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
 * Runs `parse()` for each page: on the worker pool when the crawl has one (see {@link workerSpecsOf}) and the page is
 * HTML, else on this thread. The run owns the pool: it starts it with the crawl, so its first worker loads while the
 * first pages are fetched, and closes it.
 */
export class PageParser {
  readonly #hooks: ParserHooks;
  readonly #pool: ParsePool | undefined;

  constructor(hooks: ParserHooks, pool: ParsePool | undefined) {
    this.#hooks = hooks;
    this.#pool = pool;
  }

  /** The page's records, links and downloads, and its title (HTML only). @throws ExtractorError */
  async parse(page: Page): Promise<{ extracted: Extracted; title: string | null }> {
    const pool = page.isHtml ? this.#pool : undefined;
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
}
