import { Crawler, LinkExtractor, MemoryDataset, TitleExtractor } from '../../src/index.js';
import type { CrawlSummary, CrawlerOptions, PageRecord } from '../../src/index.js';

/** What a test crawl produced. */
export interface CrawlResult {
  pages: PageRecord[];
  records: Record<string, unknown>[];
  summary: CrawlSummary;
}

/** Crawls with the built-in extractors into memory, quietly, with fast retries. Options override the defaults. */
export async function crawlToArray(startUrls: string | string[], options: Partial<CrawlerOptions> = {}): Promise<CrawlResult> {
  const pages = new MemoryDataset<PageRecord>();
  const records = new MemoryDataset();
  const crawler = new Crawler({
    startUrls: Array.isArray(startUrls) ? startUrls : [startUrls],
    extractors: [new LinkExtractor(), new TitleExtractor()],
    logLevel: 'silent',
    workers: 0, // the worker path has its own tests (crawl-workers); here the main-thread path keeps the suite fast
    retryDelayMs: 10,
    pages,
    records,
    ...options,
  });
  const summary = await crawler.run();
  return { pages: pages.items, records: records.items, summary };
}

/** The record of the page at `path` (matched on the URL's path and query); throws when there is none. */
export function byPath(pages: readonly PageRecord[], path: string): PageRecord {
  const found = pages.find((page) => {
    const url = new URL(page.url);
    return `${url.pathname}${url.search}` === path;
  });
  if (!found) throw new Error(`no record for ${path}; have ${pages.map((page) => page.url).join(', ')}`);
  return found;
}

/** The paths of the records, sorted. */
export function paths(pages: readonly PageRecord[]): string[] {
  return pages.map((page) => new URL(page.url).pathname + new URL(page.url).search).sort();
}
