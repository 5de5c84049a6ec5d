// A custom crawler in a few lines: subclass Crawler, override parse(), get a dataset of page titles.
// Run: npx tsx examples/title-crawler.ts https://example.com/ ./out   (writes out/records.jsonl)
import { pathToFileURL } from 'node:url';
import { Crawler, LinkExtractor } from 'sitecrawl';
import type { Extracted, Page } from 'sitecrawl';

class TitleCrawler extends Crawler {
  readonly #links = new LinkExtractor();

  protected override parse(page: Page): Extracted {
    return {
      records: [{ url: page.finalUrl, depth: page.depth, title: page.title() }],
      links: this.#links.extract(page).links ?? [],
    };
  }
}

/** Crawls `startUrl` two levels deep and writes one `{ url, depth, title }` record per page to `outDir/records.jsonl`. */
export async function main(startUrl: string, outDir: string): Promise<void> {
  const summary = await new TitleCrawler({ startUrls: [startUrl], maxDepth: 2, outDir, logLevel: 'warn' }).run();
  console.log(`${summary.pages} pages, ${summary.records} titles -> ${outDir}/records.jsonl`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [startUrl, outDir = 'out'] = process.argv.slice(2);
  if (!startUrl) {
    console.error('usage: title-crawler.ts <start-url> [out-dir]');
    process.exit(2);
  }
  await main(startUrl, outDir);
}
