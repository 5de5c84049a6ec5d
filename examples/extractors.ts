// Composing extractors: the built-in link and title extractors plus a custom one for headings.
// Run: npx tsx examples/extractors.ts https://example.com/ ./out   (writes out/pages.jsonl and out/records.jsonl)
import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { Crawler, Extractor, LinkExtractor, TitleExtractor } from 'sitecrawl';
import type { Extracted, Page, WorkerSpec } from 'sitecrawl';

interface Heading {
  url: string;
  level: number;
  text: string;
}

/** Records every h2 and h3 of every page. Pure: a page in, records out, so it can run on worker threads. */
export class HeadingExtractor extends Extractor<Heading> {
  readonly name = 'headings';

  // Lets the parse workers build their own copy from this module, so pages are parsed on every core.
  override workerSpec(): WorkerSpec {
    return { module: import.meta.url, exportName: 'HeadingExtractor', args: [] };
  }

  // The tags `extract` reads (through page.elements and page.text only): with the built-in extractors declaring theirs
  // too, pages are read by parse5's tokenizer in one streaming pass, without building a tree.
  override elementsRead(): readonly string[] {
    return ['h2', 'h3'];
  }

  extract(page: Page): Extracted<Heading> {
    const records = page.elements('h2', 'h3').map((element) => ({
      url: page.finalUrl,
      level: element.tagName === 'h2' ? 2 : 3,
      text: page.text(element),
    }));
    return { records };
  }
}

/** Crawls `startUrl` (depth 3) with three extractors; records carry `type` = the extractor's name. */
export async function main(startUrl: string, outDir: string): Promise<void> {
  const crawler = new Crawler({
    startUrls: [startUrl],
    maxDepth: 3,
    extractors: [new LinkExtractor(), new TitleExtractor(), new HeadingExtractor()],
    outDir,
    logLevel: 'warn',
  });
  crawler.on('progress', (progress) => console.log(`${progress.pages} pages, ${progress.queued} queued`));
  const summary = await crawler.run();
  console.log(`${summary.pages} pages, ${summary.records} records -> ${outDir}`);
}

// Workers import this module to build HeadingExtractor: only the main thread runs the program.
if (isMainThread && process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [startUrl, outDir = 'out'] = process.argv.slice(2);
  if (!startUrl) {
    console.error('usage: extractors.ts <start-url> [out-dir]');
    process.exit(2);
  }
  await main(startUrl, outDir);
}
