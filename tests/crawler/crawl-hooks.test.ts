import { Crawler, CrawlError, Extractor, LinkExtractor, MemoryDataset, TitleExtractor } from '../../src/index.js';
import type { Awaitable, CrawlRequest, CrawlSummary, CrawlerOptions, Extracted, FoundLink, Page, PageRecord } from '../../src/index.js';
import type { Site } from '../helpers/site.js';
import { byPath, paths } from '../helpers/crawl.js';
import { describe, expect, test } from '../helpers/fixtures.js';

interface Run {
  pages: PageRecord[];
  records: Record<string, unknown>[];
  summary: CrawlSummary;
}

/** Runs a Crawler subclass quietly into memory. */
async function runCrawler(CrawlerClass: new (options: CrawlerOptions) => Crawler, options: CrawlerOptions): Promise<Run> {
  const pages = new MemoryDataset<PageRecord>();
  const records = new MemoryDataset();
  const crawler = new CrawlerClass({ logLevel: 'silent', retryDelayMs: 10, workers: 0, pages, records, ...options });
  const summary = await crawler.run();
  return { pages: pages.items, records: records.items, summary };
}

const links = [new LinkExtractor()];

describe('parse()', () => {
  test('records returned by an overridden parse() reach the records dataset, and its links are followed', async ({ site }) => {
    class Headings extends Crawler {
      protected override parse(page: Page): Extracted {
        const records = page.elements('h2').map((h2) => ({ url: page.finalUrl, heading: page.text(h2) }));
        return { records, links: new LinkExtractor().extract(page).links ?? [] };
      }
    }
    site.page('/', ['/a'], { body: '<h2>One</h2><h2>Two</h2>' }).page('/a', [], { body: '<h2>Three</h2>' });
    const { pages, records, summary } = await runCrawler(Headings, { startUrls: [site.url('/')] });
    expect(paths(pages)).toEqual(['/', '/a']);
    expect(records).toEqual([
      { url: site.url('/'), heading: 'One' },
      { url: site.url('/'), heading: 'Two' },
      { url: site.url('/a'), heading: 'Three' },
    ]);
    expect(summary.records).toBe(3);
  });

  test('super.parse(page) keeps the configured extractors', async ({ site }) => {
    class Counting extends Crawler {
      protected override async parse(page: Page): Promise<Extracted> {
        const base = await super.parse(page);
        return { ...base, records: [...(base.records ?? []), { type: 'size', url: page.url, bytes: page.body.length }] };
      }
    }
    site.page('/', ['/a'], { title: 'Home' }).page('/a', [], { title: 'A' });
    const { pages, records } = await runCrawler(Counting, { startUrls: [site.url('/')], extractors: [new LinkExtractor(), new TitleExtractor()] });
    expect(paths(pages)).toEqual(['/', '/a']);
    expect(records.filter((record) => record['type'] === 'title').map((record) => record['title'])).toEqual(['Home', 'A']);
    expect(records.filter((record) => record['type'] === 'size')).toHaveLength(2);
  });

  test('a parse() that throws marks the page extractor-failed and the crawl goes on', async ({ site }) => {
    class Fragile extends Crawler {
      protected override parse(page: Page): Extracted {
        if (page.url.endsWith('/bad')) throw new Error('cannot parse');
        return super.parse(page) as Extracted;
      }
    }
    site.page('/', ['/bad', '/good']).page('/bad', ['/never']).page('/good', ['/after']).page('/after', []);
    const { pages, summary } = await runCrawler(Fragile, { startUrls: [site.url('/')], extractors: links });
    expect(byPath(pages, '/bad')).toMatchObject({ status: 200, error: { code: 'extractor-failed' }, links: 0 });
    expect(paths(pages)).toEqual(['/', '/after', '/bad', '/good']);
    expect(site.hits('/never')).toBe(0);
    expect(summary.errors).toEqual({ 'extractor-failed': 1 });
  });
});

describe('extractors', () => {
  class Throwing extends Extractor {
    readonly name = 'throwing';
    extract(page: Page): Extracted {
      if (page.url.endsWith('/bad')) throw new TypeError('boom');
      return {};
    }
  }

  test('an extractor that throws marks the page extractor-failed; other pages are crawled', async ({ site }) => {
    site.page('/', ['/bad', '/good']).page('/bad', []).page('/good', ['/more']).page('/more', []);
    const { pages, summary } = await runCrawler(Crawler, { startUrls: [site.url('/')], extractors: [new LinkExtractor(), new Throwing()] });
    expect(byPath(pages, '/bad').error?.code).toBe('extractor-failed');
    expect(byPath(pages, '/good').error).toBeNull();
    expect(paths(pages)).toEqual(['/', '/bad', '/good', '/more']);
    expect(summary.failed).toBe(1);
  });

  test('records without a type get the extractor name; records with one keep it', async ({ site }) => {
    class Mixed extends Extractor<Record<string, unknown>> {
      readonly name = 'mixed';
      extract(page: Page): Extracted {
        return { records: [{ url: page.url }, { type: 'custom', url: page.url }] };
      }
    }
    site.page('/', []);
    const { records } = await runCrawler(Crawler, { startUrls: [site.url('/')], extractors: [new Mixed()] });
    expect(records).toEqual([
      { type: 'mixed', url: site.url('/') },
      { type: 'custom', url: site.url('/') },
    ]);
  });

  test('extractors run only on HTML pages', async ({ site }) => {
    class Recorder extends Extractor {
      readonly name = 'recorder';
      extract(page: Page): Extracted {
        return { records: [{ url: page.url }] };
      }
    }
    site.page('/', ['/data.json']).route('/data.json', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    const { records } = await runCrawler(Crawler, { startUrls: [site.url('/')], extractors: [new LinkExtractor(), new Recorder()], contentTypes: ['application/json'] });
    expect(records).toEqual([{ type: 'recorder', url: site.url('/') }]);
  });
});

describe('shouldEnqueue()', () => {
  test('links it refuses are never fetched and are counted as filtered', async ({ site }) => {
    const asked: string[] = [];
    class NoArchive extends Crawler {
      protected override shouldEnqueue(link: FoundLink, page: Page): boolean {
        asked.push(`${new URL(page.url).pathname} -> ${new URL(link.url).pathname}`);
        return !link.url.includes('/archive/');
      }
    }
    site.page('/', ['/a', '/archive/1', '/archive/2', '/a#frag']).page('/a', ['/archive/3', '/', '/b']).page('/b', []);
    const { pages, summary } = await runCrawler(NoArchive, { startUrls: [site.url('/')], extractors: links });
    expect(paths(pages)).toEqual(['/', '/a', '/b']);
    expect(site.requests.some((r) => r.path.startsWith('/archive/'))).toBe(false);
    expect(summary.skipped['filtered']).toBe(3);
    // Called once per new link, with the normalized URL, after the seen-set check (`/` was already seen).
    expect(asked.sort()).toEqual(['/ -> /a', '/ -> /archive/1', '/ -> /archive/2', '/a -> /archive/3', '/a -> /b']);
  });

  test('a shouldEnqueue that throws counts as false; the crawl goes on', async ({ site }) => {
    class Throwing extends Crawler {
      protected override shouldEnqueue(link: FoundLink): boolean {
        if (link.url.endsWith('/x')) throw new Error('nope');
        return true;
      }
    }
    site.page('/', ['/x', '/y']).page('/x', []).page('/y', []);
    const { pages, summary } = await runCrawler(Throwing, { startUrls: [site.url('/')], extractors: links });
    expect(paths(pages)).toEqual(['/', '/y']);
    expect(summary.skipped['filtered']).toBe(1);
  });

  test('an async shouldEnqueue is awaited', async ({ site }) => {
    class Slow extends Crawler {
      protected override async shouldEnqueue(link: FoundLink): Promise<boolean> {
        await new Promise((resolve) => setImmediate(resolve));
        return link.url.endsWith('/y');
      }
    }
    site.page('/', ['/x', '/y']).page('/x', []).page('/y', []);
    const { pages } = await runCrawler(Slow, { startUrls: [site.url('/')], extractors: links });
    expect(paths(pages)).toEqual(['/', '/y']);
  });
});

describe('onError()', () => {
  test('is called once per failed page with its code, after retries', async ({ site }) => {
    const calls: [string, string, number][] = [];
    class Watching extends Crawler {
      protected override onError(error: CrawlError, request: CrawlRequest): void {
        expect(error).toBeInstanceOf(CrawlError);
        calls.push([new URL(request.url).pathname, error.code, request.depth]);
      }
    }
    class Throwing extends Extractor {
      readonly name = 'throwing';
      extract(page: Page): Extracted {
        if (page.url.endsWith('/boom')) throw new Error('boom');
        return {};
      }
    }
    site.page('/', ['/missing', '/down', '/reset', '/loop', '/boom', '/fine']).status('/down', 503).drop('/reset');
    site.redirect('/loop', '/loop').page('/boom', []).page('/fine', []);
    const { pages } = await runCrawler(Watching, { startUrls: [site.url('/')], extractors: [new LinkExtractor(), new Throwing()], retries: 1 });
    expect(pages).toHaveLength(7);
    expect(calls.sort()).toEqual([
      ['/boom', 'extractor-failed', 1],
      ['/down', 'http-503', 1],
      ['/loop', 'redirect-loop', 1],
      ['/missing', 'http-404', 1],
      ['/reset', 'reset', 1],
    ]);
    expect(site.hits('/down')).toBe(2);
  });

  test('an onError that throws does not break the crawl', async ({ site }) => {
    class Throwing extends Crawler {
      protected override onError(): void {
        throw new Error('observer failed');
      }
    }
    site.page('/', ['/missing', '/ok']).page('/ok', []);
    const { pages, summary } = await runCrawler(Throwing, { startUrls: [site.url('/')], extractors: links });
    expect(paths(pages)).toEqual(['/', '/missing', '/ok']);
    expect(summary.stopReason).toBe('completed');
  });
});

describe('contentTypes', () => {
  interface ApiPage {
    next: string | null;
    items: string[];
  }

  class ApiCrawler extends Crawler {
    protected override parse(page: Page): Awaitable<Extracted> {
      if (page.contentType !== 'application/json') return super.parse(page);
      const data = page.json<ApiPage>();
      return {
        records: data.items.map((item) => ({ type: 'item', item, page: page.url })),
        links: data.next ? [{ url: new URL(data.next, page.finalUrl).href }] : [],
      };
    }
  }

  function paginatedApi(site: Site, lastPage: number): void {
    site.route('/api', (req, res) => {
      const number = Number(new URL(req.url ?? '/', site.origin).searchParams.get('page') ?? '1');
      const body: ApiPage = { next: number < lastPage ? `/api?page=${number + 1}` : null, items: [`item-${number}a`, `item-${number}b`] };
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
    });
  }

  test("contentTypes: ['application/json'] hands JSON to parse(), whose links paginate the API", async ({ site }) => {
    paginatedApi(site, 4);
    const { pages, records } = await runCrawler(ApiCrawler, { startUrls: [site.url('/api?page=1')], contentTypes: ['application/json'], maxDepth: 10 });
    expect(paths(pages)).toEqual(['/api?page=1', '/api?page=2', '/api?page=3', '/api?page=4']);
    expect(pages.map((page) => page.depth)).toEqual([0, 1, 2, 3]);
    expect(byPath(pages, '/api?page=2')).toMatchObject({ contentType: 'application/json', title: null, links: 1, error: null });
    expect(records.map((record) => record['item'])).toEqual(['item-1a', 'item-1b', 'item-2a', 'item-2b', 'item-3a', 'item-3b', 'item-4a', 'item-4b']);
  });

  test('without contentTypes, a JSON body is recorded but not handed to parse()', async ({ site }) => {
    paginatedApi(site, 4);
    const { pages, records } = await runCrawler(ApiCrawler, { startUrls: [site.url('/api?page=1')], maxDepth: 10 });
    expect(paths(pages)).toEqual(['/api?page=1']);
    expect(records).toEqual([]);
  });

  test('invalid JSON makes parse() throw: the page is extractor-failed', async ({ site }) => {
    site.route('/api', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{not json'));
    const { pages } = await runCrawler(ApiCrawler, { startUrls: [site.url('/api')], contentTypes: ['application/json'] });
    expect(pages[0]?.error?.code).toBe('extractor-failed');
  });
});

test('relative links returned by a parse() override resolve against the page URL', async ({ site }) => {
  site.page('/dir/', []).page('/dir/next', []);
  class RelativeCrawler extends Crawler {
    protected override parse(page: Page): Extracted {
      return { links: page.depth === 0 ? [{ url: 'next' }] : [] };
    }
  }
  const pages = new MemoryDataset<PageRecord>();
  await new RelativeCrawler({ startUrls: [site.url('/dir/')], logLevel: 'silent', pages }).run();
  expect(pages.items.map((page) => new URL(page.url).pathname).sort()).toEqual(['/dir/', '/dir/next']);
});
