// CSS selectors two ways: a SelectorExtractor (no class to write) and page.select() in a parse() override.
// Run: npx tsx examples/selectors.ts https://example.com/blog/ ./out   (writes out/pages.jsonl and out/records.jsonl)
import { pathToFileURL } from 'node:url';
import { Crawler, LinkExtractor, SelectorExtractor } from 'sitecrawl';
import type { Extracted, Page } from 'sitecrawl';

/**
 * One `post` record per <article>: its heading, its link (resolved to an absolute URL) and every tag. Plain data,
 * so the default parse() would run it on worker threads; the override below keeps this crawl on the main thread.
 */
const posts = new SelectorExtractor({
  name: 'post',
  item: 'article',
  fields: {
    title: 'h2',
    link: { selector: 'h2 a', attr: 'href', resolve: true },
    tags: { selector: '.tags li', all: true },
  },
});

/** Adds a `summary` record per page, with selectors called from code: anything a selector finds, plus logic. */
class BlogCrawler extends Crawler {
  protected override async parse(page: Page): Promise<Extracted> {
    const extracted = await super.parse(page);
    const origin = new URL(page.finalUrl).origin;
    const external = page
      .select('a[href]:not([rel~=nofollow])')
      .map((anchor) => page.resolve(page.attr(anchor, 'href') ?? ''))
      .filter((url): url is string => url !== null && new URL(url).origin !== origin);
    const featured = page.selectOne('article:has(.featured) h2');
    const summary = { type: 'summary', url: page.finalUrl, featured: featured ? page.text(featured) : null, external };
    return { ...extracted, records: [...(extracted.records ?? []), summary] };
  }
}

/** Crawls `startUrl` (depth 2) recording posts and a summary per page. */
export async function main(startUrl: string, outDir: string): Promise<void> {
  const crawler = new BlogCrawler({ startUrls: [startUrl], maxDepth: 2, extractors: [new LinkExtractor(), posts], outDir, logLevel: 'warn' });
  const summary = await crawler.run();
  console.log(`${summary.pages} pages, ${summary.records} records -> ${outDir}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [startUrl, outDir = 'out'] = process.argv.slice(2);
  if (!startUrl) {
    console.error('usage: selectors.ts <start-url> [out-dir]');
    process.exit(2);
  }
  await main(startUrl, outDir);
}
