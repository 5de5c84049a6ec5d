import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Crawler, Extractor, LinkExtractor, MemoryDataset, OptionsError, OutputError, PAGE_COLUMNS, TitleExtractor } from '../../src/index.js';
import type { CrawlProgress, DatasetWriter, Page, PageRecord } from '../../src/index.js';
import type { Site } from '../helpers/site.js';
import { crawlToArray } from '../helpers/crawl.js';
import { csvObjects } from '../helpers/csv.js';
import { describe, expect, test } from '../helpers/fixtures.js';

function smallSite(site: Site): void {
  site.page('/', ['/a', '/b', '/missing'], { title: 'Home, "quoted"' }).page('/a', ['/b']).page('/b', []);
}

async function readLines(path: string): Promise<string[]> {
  const text = await readFile(path, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n');
}

describe('outDir', () => {
  test('writes pages.jsonl, one parseable line per fetched URL, and records.jsonl', async ({ site, tmp }) => {
    smallSite(site);
    const outDir = join(tmp, 'out', 'nested');
    const { pages, summary } = await crawlToArray(site.url('/'), { outDir, retries: 0 });
    const lines = await readLines(join(outDir, 'pages.jsonl'));
    const written = lines.map((line) => JSON.parse(line) as PageRecord);
    expect(written).toHaveLength(4);
    expect(written).toEqual(pages);
    expect(new Set(written.map((page) => page.url)).size).toBe(4);
    for (const page of written) expect(Object.keys(page).sort()).toEqual([...PAGE_COLUMNS].sort());
    const home = written.find((page) => page.url === site.url('/'));
    expect(home).toMatchObject({ finalUrl: site.url('/'), status: 200, depth: 0, parent: null, contentType: 'text/html', title: 'Home, "quoted"', links: 3, error: null });
    expect(home?.bytes).toBeGreaterThan(0);
    expect(typeof home?.ms).toBe('number');
    expect(written.find((page) => page.url === site.url('/missing'))).toMatchObject({ status: 404, depth: 1, parent: site.url('/'), error: { code: 'http-404' } });
    const records = (await readLines(join(outDir, 'records.jsonl'))).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.map((record) => [record['type'], record['url']]).sort()).toEqual(
      [site.url('/'), site.url('/a'), site.url('/b')].map((url) => ['title', url]),
    );
    expect(summary.records).toBe(3);
  });

  test("format 'csv' writes pages.csv with a header row", async ({ site, tmp }) => {
    smallSite(site);
    await crawlToArray(site.url('/'), { outDir: tmp, format: 'csv', retries: 0 });
    const text = await readFile(join(tmp, 'pages.csv'), 'utf8');
    const rows = text.split('\r\n');
    expect(rows.at(-1)).toBe('');
    expect(rows[0]).toBe(PAGE_COLUMNS.join(','));
    expect(rows).toHaveLength(1 + 4 + 1);
    const home = rows.find((row) => row.startsWith(`${site.url('/')},`));
    expect(home).toContain(',"Home, ""quoted""",');
    expect(rows.find((row) => row.startsWith(`${site.url('/missing')},`))).toContain('"{""code"":""http-404""');
    expect(existsSync(join(tmp, 'records.csv'))).toBe(true);
    expect(existsSync(join(tmp, 'pages.jsonl'))).toBe(false);
  });

  test("format 'csv' keeps every field of records of different types: later keys become columns", async ({ site, tmp }) => {
    site.page('/', [], { title: 'Home' });
    class SizeExtractor extends Extractor<{ url: string; bytes: number }> {
      readonly name = 'size';
      extract(page: Page) {
        return { records: [{ url: page.finalUrl, bytes: page.body.byteLength }] };
      }
    }
    await crawlToArray(site.url('/'), { outDir: tmp, format: 'csv', extractors: [new TitleExtractor(), new SizeExtractor()] });
    const [header, title, size] = (await readFile(join(tmp, 'records.csv'), 'utf8')).split('\r\n');
    expect(header).toBe('type,url,title,description,h1,canonical,lang,bytes');
    expect(title).toMatch(/^title,.*,Home,/);
    expect(size).toMatch(/^size,http:\/\/127\.0\.0\.1:\d+\/,,,,,,\d+$/);
  });

  test("format 'csv' prefixes page text a spreadsheet would run as a formula with ', in pages.csv and records.csv", async ({ site, tmp }) => {
    const titles = ['=HYPERLINK("http://x","y")', '+1', '-2+3', '@SUM(1)'];
    site.page('/', ['/a', '/b', '/c', '/d'], { title: 'Home', body: '<a href="/a">=1+1</a>' });
    ['/a', '/b', '/c', '/d'].forEach((path, index) => site.page(path, [], { title: titles[index] as string }));
    class LinkTextExtractor extends Extractor<{ url: string; text: string; depth: number }> {
      readonly name = 'link-text';
      extract(page: Page) {
        return { records: page.elements('a').map((element) => ({ url: page.finalUrl, text: page.text(element), depth: -1 })) };
      }
    }
    await crawlToArray(site.url('/'), { outDir: tmp, format: 'csv', extractors: [new LinkExtractor(), new LinkTextExtractor()] });
    const pages = csvObjects(await readFile(join(tmp, 'pages.csv'), 'utf8'));
    expect(pages.map((page) => page['title']).sort()).toEqual(["'+1", "'-2+3", `'=HYPERLINK("http://x","y")`, "'@SUM(1)", 'Home']);
    expect(pages.map((page) => page['depth']).sort()).toEqual(['0', '1', '1', '1', '1']);
    const records = csvObjects(await readFile(join(tmp, 'records.csv'), 'utf8'));
    expect(records.map((record) => record['text'])).toContain("'=1+1");
    expect(records.every((record) => record['depth'] === '-1')).toBe(true);
  });

  test('a crawl that produces no records leaves no records file', async ({ site, tmp }) => {
    site.page('/', []);
    await crawlToArray(site.url('/'), { outDir: tmp, extractors: [new LinkExtractor()] });
    expect(existsSync(join(tmp, 'pages.jsonl'))).toBe(true);
    expect(existsSync(join(tmp, 'records.jsonl'))).toBe(false);
  });

  test('an unwritable outDir (a path under a regular file) is an OptionsError before any request', async ({ site, tmp }) => {
    site.page('/', []);
    const file = join(tmp, 'file');
    await writeFile(file, 'not a directory');
    const error = await crawlToArray(site.url('/'), { outDir: join(file, 'out') }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OptionsError);
    expect((error as OptionsError).code).toBe('invalid-option');
    expect((error as OptionsError).option).toBe('outDir');
    expect(site.requests).toHaveLength(0);
  });
});

describe('dataset failures', () => {
  test('a dataset that cannot be written stops the crawl: run() rejects with output-failed after closing the writers', async ({ site }) => {
    const links = Array.from({ length: 20 }, (_, i) => `/p${i}`);
    site.page('/', links);
    for (const path of links) site.page(path, []);
    let writes = 0;
    let closed = false;
    const failing: DatasetWriter<PageRecord> = {
      write() {
        if (++writes === 3) throw new Error('disk full');
      },
      close() {
        closed = true;
      },
    };
    const records = new MemoryDataset();
    const crawler = new Crawler({ startUrls: [site.url('/')], extractors: [new LinkExtractor(), new TitleExtractor()], pages: failing, records, logLevel: 'silent', perHost: 1, workers: 0 });
    const error = await crawler.run().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OutputError);
    expect((error as OutputError).code).toBe('output-failed');
    expect(closed).toBe(true);
    expect(records.closed).toBe(true);
    // Nothing was scheduled after the failure: with one request at a time, at most one more page was requested.
    expect(site.requests.filter((r) => r.path !== '/robots.txt').length).toBeLessThanOrEqual(4);
  });
});

describe('progress', () => {
  test('listeners receive snapshots while the crawl runs and a final one with every page counted', async ({ site }) => {
    const links = Array.from({ length: 6 }, (_, i) => `/p${i}`);
    site.page('/', links);
    for (const path of links) site.delay(path, 60, '<title>x</title>');
    const snapshots: CrawlProgress[] = [];
    const pages = new MemoryDataset<PageRecord>();
    const crawler = new Crawler({ startUrls: [site.url('/')], extractors: [new LinkExtractor()], pages, logLevel: 'silent', perHost: 2, progressIntervalMs: 10, workers: 0 });
    crawler.on('progress', (progress) => snapshots.push(progress));
    const summary = await crawler.run();
    expect(snapshots.length).toBeGreaterThanOrEqual(2);
    const last = snapshots.at(-1) as CrawlProgress;
    expect(last).toMatchObject({ pages: 7, failed: 0, queued: 0, inFlight: 0 });
    expect(last.pages).toBe(pages.items.length);
    expect(summary.pages).toBe(7);
    expect(last.byDepth).toEqual([
      { depth: 0, pages: 1, failed: 0 },
      { depth: 1, pages: 6, failed: 0 },
    ]);
    const counts = snapshots.map((snapshot) => snapshot.pages);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(counts[0]).toBeLessThan(7);
  });

  test('a listener that throws does not break the crawl, and other listeners still hear', async ({ site }) => {
    site.page('/', ['/a', '/b']).delay('/a', 50, 'a').page('/b', []);
    let heard = 0;
    const crawler = new Crawler({ startUrls: [site.url('/')], extractors: [new LinkExtractor()], logLevel: 'silent', progressIntervalMs: 10, workers: 0 });
    crawler.on('progress', () => {
      throw new Error('listener bug');
    });
    crawler.on('progress', () => heard++);
    const summary = await crawler.run();
    expect(summary).toMatchObject({ pages: 3, failed: 0, stopReason: 'completed' });
    expect(heard).toBeGreaterThanOrEqual(1);
  });

  test('off() removes a listener', async ({ site }) => {
    site.page('/', []);
    let heard = 0;
    const listener = () => heard++;
    const crawler = new Crawler({ startUrls: [site.url('/')], logLevel: 'silent' });
    crawler.on('progress', listener).off('progress', listener);
    await crawler.run();
    expect(heard).toBe(0);
  });

  test('the summary counts pages, failures by code, skips by reason and bytes', async ({ site }) => {
    site.robots('User-agent: *\nDisallow: /no\n');
    site.page('/', ['/a', '/no', '/gone', 'mailto:x@y.z', '/a']).page('/a', ['/']).status('/gone', 410);
    const { pages, summary } = await crawlToArray(site.url('/'), { retries: 0 });
    expect(summary).toMatchObject({ pages: 3, failed: 1, errors: { 'http-410': 1 }, stopReason: 'completed', queued: 0, inFlight: 0 });
    expect(summary.skipped).toMatchObject({ robots: 1, scheme: 1, seen: 1 });
    expect(summary.bytes).toBe(pages.reduce((total, page) => total + page.bytes, 0));
    expect(summary.seen).toBe(4);
  });
});
