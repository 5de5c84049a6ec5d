import { Crawler, LinkExtractor, MemoryDataset, TitleExtractor } from '../../src/index.js';
import type { CrawlerOptions, Extracted, FoundLink, Page, PageRecord } from '../../src/index.js';
import { expect, test } from '../helpers/fixtures.js';
import type { Site } from '../helpers/site.js';
import { ThreadExtractor } from '../helpers/thread-extractor.js';

// Worker threads start slowly under vitest (each loads TypeScript through tsx), so these tests use few, small crawls.

function buildSite(site: Site): void {
  site
    .page('/', ['/a', '/b', '/c?x=1', 'mailto:someone@example.com'], { title: 'Home', body: '<h1>Welcome</h1><base href="/sub/">' })
    .page('/a', ['/d', '/b'], { title: ' A  page ', head: '<meta name="description" content="about a">' })
    .html('/b', '<html><head><meta name="robots" content="nofollow"><title>B</title></head><body><a href="/hidden">h</a></body></html>')
    .page('/c?x=1', ['/d'], { title: 'C' })
    .encoded('/d', 'windows-1251', '<title>Привет</title><h1>Мир</h1><a href="/a">a</a>')
    .page('/hidden', []);
}

async function crawl(options: Partial<CrawlerOptions> & Pick<CrawlerOptions, 'startUrls'>, CrawlerClass = Crawler) {
  const pages = new MemoryDataset<PageRecord>();
  const records = new MemoryDataset();
  const summary = await new CrawlerClass({ logLevel: 'silent', pages, records, ...options }).run();
  const comparable = pages.items.map(({ ms: _ms, ...rest }) => rest).sort((a, b) => a.url.localeCompare(b.url));
  const sortedRecords = records.items.map((record) => JSON.stringify({ ...record, threadId: undefined })).sort();
  return { pages: comparable, records: sortedRecords, rawRecords: records.items, summary };
}

test('pages parsed on worker threads give exactly what the main thread gives', async ({ site }) => {
  buildSite(site);
  const extractors = () => [new LinkExtractor(), new TitleExtractor(), new ThreadExtractor({ inWorkers: true })];
  const inWorkers = await crawl({ startUrls: [site.url('/')], extractors: extractors(), workers: 2 });
  const onMain = await crawl({ startUrls: [site.url('/')], extractors: extractors(), workers: 0 });
  expect(inWorkers.pages).toEqual(onMain.pages);
  expect(inWorkers.records).toEqual(onMain.records);
  expect(inWorkers.summary.skipped).toEqual(onMain.summary.skipped);
  expect(inWorkers.rawRecords.filter((record) => record['type'] === 'thread').every((record) => record['threadId'] !== 0)).toBe(true);
  expect(onMain.rawRecords.filter((record) => record['type'] === 'thread').every((record) => record['threadId'] === 0)).toBe(true);
  expect(inWorkers.pages.find((page) => page.url.endsWith('/d'))?.title).toBe('Привет');
});

test('an extractor without a worker spec, or a parse() override, keeps parsing on the main thread', async ({ site }) => {
  site.page('/', ['/a']).page('/a', []);
  const mixed = await crawl({ startUrls: [site.url('/')], extractors: [new LinkExtractor(), new ThreadExtractor({ inWorkers: false })], workers: 2 });
  expect(mixed.rawRecords.map((record) => record['threadId'])).toEqual([0, 0]);
  class Overriding extends Crawler {
    protected override async parse(page: Page): Promise<Extracted> {
      return super.parse(page);
    }
  }
  const overridden = await crawl({ startUrls: [site.url('/')], extractors: [new LinkExtractor(), new ThreadExtractor({ inWorkers: true })], workers: 2 }, Overriding);
  expect(overridden.rawRecords.map((record) => record['threadId'])).toEqual([0, 0]);
});

test('an extractor that throws on a worker marks that page extractor-failed and the crawl goes on', async ({ site }) => {
  site.page('/', ['/bad', '/good']).page('/bad', []).page('/good', []);
  const { pages, summary } = await crawl({ startUrls: [site.url('/')], extractors: [new LinkExtractor(), new ThreadExtractor({ inWorkers: true, failOn: '/bad' })], workers: 1 });
  expect(pages.find((page) => page.url.endsWith('/bad'))?.error?.code).toBe('extractor-failed');
  expect(pages.find((page) => page.url.endsWith('/good'))?.error).toBeNull();
  expect(summary.pages).toBe(3);
});

test('with links filtered on the workers, a shouldEnqueue override still sees each link as found, and skips count the same', async ({ site }) => {
  site
    .html('/', '<a href="/keep">keep me</a><a href="/drop">drop me</a><a href="mailto:x@example.com">mail</a><a href="/keep" rel="nofollow">again</a>')
    .page('/keep', [])
    .page('/drop', []);
  const seen: string[] = [];
  class ByText extends Crawler {
    protected override shouldEnqueue(link: FoundLink): boolean {
      seen.push(`${link.url} ${link.text} ${link.element}`);
      return link.text !== 'drop me';
    }
  }
  const extractors = () => [new LinkExtractor(), new TitleExtractor()];
  const inWorkers = await crawl({ startUrls: [site.url('/')], extractors: extractors(), workers: 1 }, ByText);
  const workerSeen = seen.splice(0);
  const onMain = await crawl({ startUrls: [site.url('/')], extractors: extractors(), workers: 0 }, ByText);
  expect(workerSeen).toEqual(seen);
  expect(workerSeen).toEqual([`${site.url('/keep')} keep me a`, `${site.url('/drop')} drop me a`]);
  expect(inWorkers.pages).toEqual(onMain.pages);
  expect(inWorkers.summary.skipped).toEqual(onMain.summary.skipped);
  expect(inWorkers.summary.skipped).toMatchObject({ filtered: 1, scheme: 1 });
});

test('links folded on a worker (fragments, repeats, nofollow then plain) are admitted as on the main thread', async ({ site }) => {
  const links = [
    '<a href="/a#one">1</a><a href="/a#two">2</a><a href="/a">3</a><a href="/b#x" rel="nofollow">4</a><a href="/c#y">5</a>',
    '<a href="/b#z">6</a><a href="mailto:m@example.com#x">7</a><a href="mailto:m@example.com#x">8</a><a href="javascript:void(0)">9</a>',
    '<a href="http://[oops#x">10</a><a href="http://[oops#x">11</a><a href="http://other.example/#x">12</a><a href="/d #x">13</a>',
    '<a href="/e#x" rel="nofollow">14</a><a href="/e#y" rel="nofollow">15</a><a href="#top">16</a><a href="?q=1#x">17</a>',
  ].join('');
  site.html('/', `<title>Home</title>${links}`).html('/a', '<a href="/#back">home</a><a href="/c#z">c</a>');
  for (const path of ['/b', '/c', '/d%20', '/e', '/?q=1']) site.html(path, '<a href="/a#again">a</a>');
  const options = { startUrls: [site.url('/')], extractors: [new LinkExtractor()], concurrency: 1 };
  const inWorkers = await crawl({ ...options, workers: 1 });
  const onMain = await crawl({ ...options, workers: 0 });
  expect(inWorkers.pages).toEqual(onMain.pages);
  expect(inWorkers.summary.skipped).toEqual(onMain.summary.skipped);
  expect(onMain.summary.skipped).toEqual({ scheme: 3, scope: 1, nofollow: 1, seen: 7 });
  expect(onMain.pages.map((page) => [page.url.slice(site.url('/').length - 1), page.parent?.slice(site.url('/').length - 1)])).toEqual([
    ['/', undefined], ['/?q=1', '/'], ['/a', '/'], ['/b', '/'], ['/c', '/'], ['/d%20', '/'],
  ]);
});
