import { Crawler, LinkExtractor, MemoryDataset, TitleExtractor } from '../../src/index.js';
import type { CrawlerOptions, PageRecord } from '../../src/index.js';
import { expect, test } from '../helpers/fixtures.js';
import type { Site } from '../helpers/site.js';
import { ThreadExtractor } from '../helpers/thread-extractor.js';

// Pages the streaming pass reads exactly, and pages it must hand to the tree builder (nested links, foster parenting,
// formatting elements closed out of order). Every page has an <h1>, so the probe can tell which path read it.
const PAGES: Record<string, string> = {
  '/': `<!doctype html><html lang="en"><head><title>Home &amp; more</title><meta name="description" content=" about "></head>
    <body><h1>Home <span>page</span></h1><a href="/plain">plain <b>bold</b></a>
    <table><tr><td><a href="/table">in a cell</a><td>next</table>
    <noscript><a href="/noscript">not a link</a></noscript><script>var s = '<a href="/script">';</script>
    <pre>\n<a href="/pre">pre</a></pre><svg><text>icon</text></svg><a href="/nested">nested</a><a href="/misnested">x</a></body></html>`,
  '/plain': '<h1>Plain</h1><link rel="next" href="/table"><a href="/" rel="nofollow">home</a>',
  '/table': '<title>Table</title><h1>T</h1><table><a href="/foster">fostered</a><tr><td>cell</td></tr></table>',
  '/pre': '<title>Pre</title><h1>P</h1><a href="/">x<pre>\nline</pre></a>',
  '/nested': '<title>Nested</title><h1>N</h1><a href="/plain">outer<em><a href="/pre">inner</a></em></a>',
  '/misnested': '<title>Misnested</title><h1>M</h1><p><b><a href="/foster">one</p>two</a>',
  '/foster': '<h1>F</h1><base href="/sub/"><a href="../plain">relative</a>',
};

function buildSite(site: Site): void {
  for (const [path, html] of Object.entries(PAGES)) site.html(path, html);
}

async function crawl(options: Partial<CrawlerOptions> & Pick<CrawlerOptions, 'startUrls' | 'extractors'>) {
  const pages = new MemoryDataset<PageRecord>();
  const records = new MemoryDataset();
  await new Crawler({ logLevel: 'silent', pages, records, retryDelayMs: 10, ...options }).run();
  const comparable = pages.items.map(({ ms: _ms, ...rest }) => rest).sort((a, b) => a.url.localeCompare(b.url));
  const kept = records.items.filter((record) => record['type'] !== 'thread').map((record) => JSON.stringify(record)).sort();
  const probes = records.items.filter((record) => record['type'] === 'thread');
  const streamed = Object.fromEntries(probes.map((record) => [new URL(record['url'] as string).pathname, record['streamed']]));
  return { pages: comparable, records: kept, streamed };
}

test('the streaming pass gives the same pages, records and links as the tree, and hands unusual pages to the tree', async ({ site }) => {
  buildSite(site);
  const startUrls = [site.url('/')];
  const builtIns = () => [new LinkExtractor(), new TitleExtractor()];
  // An extractor that does not declare what it reads makes every page build its tree.
  const tree = await crawl({ startUrls, extractors: [...builtIns(), new ThreadExtractor({ inWorkers: false })], workers: 0 });
  const streaming = await crawl({ startUrls, extractors: [...builtIns(), new ThreadExtractor({ inWorkers: false, streamable: true })], workers: 0 });
  expect(streaming.pages).toEqual(tree.pages);
  expect(streaming.records).toEqual(tree.records);
  expect(tree.pages).toHaveLength(Object.keys(PAGES).length);
  expect(streaming.streamed).toEqual({
    '/': true,
    '/plain': true,
    '/pre': true,
    '/foster': true,
    '/table': false, // a link right inside <table> is moved before it
    '/nested': false, // a link in a link: the adoption agency
    '/misnested': false, // </p> closes <b> and <a>, which are then cloned
  });
  // And on a worker thread.
  const inWorkers = await crawl({ startUrls, extractors: builtIns(), workers: 1 });
  expect(inWorkers.pages).toEqual(tree.pages);
  expect(inWorkers.records).toEqual(tree.records);
});
