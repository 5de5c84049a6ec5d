import { pino } from 'pino';
import { Crawler, LinkExtractor, MemoryDataset, resolveOptions } from '../../src/index.js';
import type { CrawlerOptions, PageRecord } from '../../src/index.js';
import { canFetchEarly, firstOrigins, giveEarlyFetch, startEarlyFetch } from '../../src/crawler/early-fetch.js';
import { createNormalizer } from '../../src/crawler/normalize.js';
import { describe, expect, test } from '../helpers/fixtures.js';
import { withOtherHost } from '../helpers/site.js';

const silent = pino({ level: 'silent' });

describe('canFetchEarly', () => {
  const base = { startUrls: ['http://127.0.0.1/'] };
  test.for([
    ['the defaults', {}, true],
    ['no cookies', { cookies: false }, true],
    ['headers, auth and a proxy (the early requests carry them)', { headers: { 'x-a': '1' }, auth: { username: 'u', password: 'p' }, proxy: 'http://127.0.0.1:1' }, true],
    ['robots.txt not obeyed', { obeyRobots: false }, false],
    ['sitemaps', { sitemaps: ['http://127.0.0.1/sitemap.xml'] }, false],
    ['a cookies.txt', { cookies: { file: 'cookies.txt' } }, false],
    ['an HTTP cache', { cache: { dir: 'cache' } }, false],
    ['a persisted state', { persist: { path: 'state.db' } }, false],
  ] as const)('%s: %s', ([, options, expected]) => {
    expect(canFetchEarly(resolveOptions({ ...base, ...options } as CrawlerOptions))).toBe(expected);
  });

  test('an aborted signal: no', () => {
    expect(canFetchEarly(resolveOptions({ ...base, signal: AbortSignal.abort() }))).toBe(false);
  });
});

test('firstOrigins: the origins of the first maxPages distinct normalized start URLs, in order', () => {
  const startUrls = ['http://A.test/x', 'http://a.test/y', 'http://a.test:80/x', 'https://b.test/', 'http://c.test/'];
  const options = (maxPages?: number) => resolveOptions({ startUrls, ...(maxPages ? { maxPages } : {}) });
  const normalize = createNormalizer();
  expect(firstOrigins(options(), normalize)).toEqual(['http://a.test', 'https://b.test', 'http://c.test']);
  // http://A.test/x and http://a.test:80/x are one URL: the second start URL is /y, the third https://b.test/.
  expect(firstOrigins(options(3), normalize)).toEqual(['http://a.test', 'https://b.test']);
  expect(firstOrigins(options(1), normalize)).toEqual(['http://a.test']);
});

describe('a crawler adopting an early fetch', () => {
  test('uses the robots.txt already fetched (one request per origin) and obeys it', async ({ site }) => {
    await withOtherHost(async (other) => {
      site.robots('User-agent: *\nDisallow: /private\n').page('/', ['/private', '/a']).page('/a', []).page('/private', []);
      other.robots('User-agent: *\nDisallow: /\n').page('/', []);
      const options: CrawlerOptions = { startUrls: [site.url('/'), other.url('/')], logger: silent, workers: 0 };
      const early = startEarlyFetch(resolveOptions(options), silent);
      expect(early).toBeDefined();
      // Both robots.txt requests leave before the crawler even exists.
      await Promise.all([site.waitForHit('/robots.txt'), other.waitForHit('/robots.txt')]);
      const pages = new MemoryDataset<PageRecord>();
      const crawler = new Crawler({ ...options, extractors: [new LinkExtractor()], pages });
      giveEarlyFetch(crawler, early!);
      const summary = await crawler.run();
      expect(site.hits('/robots.txt')).toBe(1);
      expect(other.hits('/robots.txt')).toBe(1);
      expect(other.hits('/')).toBe(0);
      expect(site.hits('/private')).toBe(0);
      expect(pages.items.map((page) => new URL(page.url).pathname).sort()).toEqual(['/', '/a']);
      expect(summary.skipped).toMatchObject({ robots: 2 });
      // A second run builds its own fetch side (and fetches robots.txt again, as any new run does).
      await crawler.run();
      expect(site.hits('/robots.txt')).toBe(2);
    });
  });

  test('refuses to run when the crawler overrides beforeRequest (the early requests did not go through it)', async ({ site }) => {
    site.page('/', []);
    const options: CrawlerOptions = { startUrls: [site.url('/')], logger: silent, workers: 0 };
    class SigningCrawler extends Crawler {
      protected override beforeRequest() {
        return { authorization: 'signed' };
      }
    }
    const early = startEarlyFetch(resolveOptions(options), silent);
    const crawler = new SigningCrawler(options);
    giveEarlyFetch(crawler, early!);
    await expect(crawler.run()).rejects.toThrow(/early fetch/);
    expect(site.hits('/')).toBe(0);
  });

  test('sends nothing when the options do not allow it', async ({ site }) => {
    site.page('/', []);
    expect(startEarlyFetch(resolveOptions({ startUrls: [site.url('/')], obeyRobots: false }), silent)).toBeUndefined();
    expect(site.requests).toHaveLength(0);
  });
});
