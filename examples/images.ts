// Harvesting images in a few lines: the image extractor finds them, the image saver downloads and files them.
// Run: npx tsx examples/images.ts https://example.com/ ./out   (writes out/images/, out/images.jsonl, out/index.html)
import { pathToFileURL } from 'node:url';
import { Crawler, ImageExtractor, ImageSaver, LinkExtractor } from 'sitecrawl';

/** Crawls `startUrl` two levels deep and saves every image at least 32 pixels wide into `outDir`. */
export async function main(startUrl: string, outDir: string): Promise<void> {
  const saver = new ImageSaver({ minWidth: 32, maxImages: 500 });
  const crawler = new Crawler({
    startUrls: [startUrl],
    maxDepth: 2,
    extractors: [new LinkExtractor(), new ImageExtractor({ imageScope: 'domain' })],
    savers: [saver],
    outDir,
    logLevel: 'warn',
    signal: saver.limitReached, // end the crawl once maxImages files are saved
  });
  const summary = await crawler.run();
  console.log(`${summary.pages} pages, ${summary.savers['images.saved'] ?? 0} images saved -> ${outDir}/index.html`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [startUrl, outDir = 'out'] = process.argv.slice(2);
  if (!startUrl) {
    console.error('usage: images.ts <start-url> [out-dir]');
    process.exit(2);
  }
  await main(startUrl, outDir);
}
