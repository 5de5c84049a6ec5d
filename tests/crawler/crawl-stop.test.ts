import { performance } from 'node:perf_hooks';
import type { Site } from '../helpers/site.js';
import { crawlToArray, paths } from '../helpers/crawl.js';
import { describe, expect, test } from '../helpers/fixtures.js';

const GRACE_MS = 500;
// Generous: the bound exists to catch a run that waits for its stalled requests' timeouts (20 s here).
const SLACK_MS = 1500;

/** Makes `path` abort `controller` once every path in `waitFor` has been requested, then answer with `html`. */
function abortOnHit(site: Site, path: string, controller: AbortController, waitFor: string[], html: string): { abortedAt: () => number } {
  let abortedAt = Number.NaN;
  site.route(path, (_req, res) => {
    void Promise.all(waitFor.map((other) => site.waitForHit(other))).then(() => {
      abortedAt = performance.now();
      controller.abort();
      res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    }, () => res.destroy());
  });
  return { abortedAt: () => abortedAt };
}

const pageRequests = (site: Site) => site.requests.map((r) => r.path).filter((path) => path !== '/robots.txt');

describe('abort', () => {
  test('an abort mid-crawl resolves with stopReason aborted within the grace period, keeping pages already fetched', async ({ site }) => {
    const controller = new AbortController();
    const stalls = ['/s1', '/s2', '/s3'];
    site.page('/', ['/k', ...stalls]);
    for (const path of stalls) site.stall(path);
    const abort = abortOnHit(site, '/k', controller, stalls, '<title>k</title><a href="/never">n</a>');
    site.page('/never', []);
    const { pages, summary } = await crawlToArray(site.url('/'), { signal: controller.signal, stopGraceMs: GRACE_MS, timeoutMs: 20_000, perHost: 8 });
    const elapsed = performance.now() - abort.abortedAt();
    expect(summary.stopReason).toBe('aborted');
    expect(elapsed).toBeLessThan(GRACE_MS + SLACK_MS);
    // The stalled requests were cut, not recorded as failures.
    expect(paths(pages)).toEqual(['/', '/k']);
    expect(summary.failed).toBe(0);
    expect(site.hits('/never')).toBe(0);
  });

  test('requests in flight when the crawl is aborted may finish within the grace period and are recorded', async ({ site }) => {
    const controller = new AbortController();
    site.page('/', ['/k', '/slow', '/stuck']).delay('/slow', 200, '<title>slow</title>').stall('/stuck');
    abortOnHit(site, '/k', controller, ['/slow', '/stuck'], '<title>k</title>');
    const { pages, summary } = await crawlToArray(site.url('/'), { signal: controller.signal, stopGraceMs: GRACE_MS, timeoutMs: 20_000, perHost: 8 });
    expect(summary.stopReason).toBe('aborted');
    expect(paths(pages)).toEqual(['/', '/k', '/slow']);
    expect(pages.find((page) => page.title === 'slow')?.error).toBeNull();
  });

  test('requests still queued when the crawl is aborted are never sent', async ({ site }) => {
    const controller = new AbortController();
    site.page('/', ['/k', '/q1', '/q2', '/q3']).page('/q1', []).page('/q2', []).page('/q3', []);
    abortOnHit(site, '/k', controller, [], '<title>k</title>');
    const { pages, summary } = await crawlToArray(site.url('/'), { signal: controller.signal, stopGraceMs: GRACE_MS, perHost: 1 });
    expect(summary.stopReason).toBe('aborted');
    expect(pageRequests(site)).toEqual(['/', '/k']);
    expect(paths(pages)).toEqual(['/', '/k']);
  });

  test('an already aborted signal makes no request at all', async ({ site }) => {
    site.page('/', []);
    const { pages, summary } = await crawlToArray(site.url('/'), { signal: AbortSignal.abort() });
    expect(summary).toMatchObject({ stopReason: 'aborted', pages: 0 });
    expect(pages).toEqual([]);
    expect(site.requests).toHaveLength(0);
  });

  test('an abort while robots.txt is still loading resolves within the grace period', async ({ site }) => {
    const controller = new AbortController();
    site.stall('/robots.txt').page('/', []);
    void site.waitForHit('/robots.txt').then(() => controller.abort());
    const started = performance.now();
    const { pages, summary } = await crawlToArray(site.url('/'), { signal: controller.signal, stopGraceMs: GRACE_MS, timeoutMs: 20_000 });
    expect(summary.stopReason).toBe('aborted');
    expect(pages).toEqual([]);
    expect(site.hits('/')).toBe(0);
    expect(performance.now() - started).toBeLessThan(GRACE_MS + SLACK_MS);
  });

  test('an abort during a Crawl-delay wait resolves promptly, without the delayed request', async ({ site }) => {
    const controller = new AbortController();
    site.robots('User-agent: *\nCrawl-delay: 20\n').page('/', ['/a']).page('/a', []);
    // Crawl-delay spaces every request, robots.txt included: the start page waits 20 s after it.
    void site.waitForHit('/robots.txt').then(() => setTimeout(() => controller.abort(), 50));
    const started = performance.now();
    const { pages, summary } = await crawlToArray(site.url('/'), { signal: controller.signal, stopGraceMs: GRACE_MS });
    expect(summary.stopReason).toBe('aborted');
    expect(pages).toEqual([]);
    expect(site.hits('/')).toBe(0);
    expect(performance.now() - started).toBeLessThan(GRACE_MS + SLACK_MS);
  });

  test('an abort during a long Retry-After wait resolves promptly', async ({ site }) => {
    const controller = new AbortController();
    site.page('/', ['/busy']).route('/busy', (_req, res) => {
      res.writeHead(503, { 'retry-after': '30', 'content-type': 'text/html' }).end('busy');
    });
    const started = performance.now();
    void site.waitForHit('/busy').then(() => setTimeout(() => controller.abort(), 50));
    const { summary } = await crawlToArray(site.url('/'), { signal: controller.signal, stopGraceMs: GRACE_MS, retries: 3 });
    expect(summary.stopReason).toBe('aborted');
    expect(site.hits('/busy')).toBe(1);
    expect(performance.now() - started).toBeLessThan(GRACE_MS + SLACK_MS);
  });
});

describe('maxPages', () => {
  function hundredPages(site: Site): string[] {
    const links = Array.from({ length: 99 }, (_, i) => `/p${i}`);
    site.page('/', links);
    for (const path of links) site.page(path, ['/']);
    return links;
  }

  test.for([1, 10, 50])('maxPages %i with concurrency 8 records exactly that many pages and requests no more', async (maxPages, { site }) => {
    hundredPages(site);
    const { pages, summary } = await crawlToArray(site.url('/'), { maxPages, concurrency: 8, perHost: 8 });
    expect(pages).toHaveLength(maxPages);
    expect(summary).toMatchObject({ stopReason: 'max-pages', pages: maxPages });
    expect(pageRequests(site)).toHaveLength(maxPages);
  });

  test('pages skipped by robots.txt do not use up maxPages', async ({ site }) => {
    site.robots('User-agent: *\nDisallow: /p1\n'); // /p1, /p10-/p19
    hundredPages(site);
    const { pages, summary } = await crawlToArray(site.url('/'), { maxPages: 20, concurrency: 8, perHost: 8 });
    expect(pages).toHaveLength(20);
    expect(pages.filter((page) => /^\/p1\d?$/.test(new URL(page.url).pathname))).toEqual([]);
    expect(summary.stopReason).toBe('max-pages');
  });

  test('failed pages count towards maxPages', async ({ site }) => {
    site.page('/', ['/a', '/b', '/c', '/d']).status('/a', 500).status('/b', 404).page('/c', []).page('/d', []);
    const { pages } = await crawlToArray(site.url('/'), { maxPages: 3, retries: 0, perHost: 1 });
    expect(paths(pages)).toEqual(['/', '/a', '/b']);
  });

  test('a crawl smaller than maxPages completes', async ({ site }) => {
    site.page('/', ['/a']).page('/a', []);
    const { pages, summary } = await crawlToArray(site.url('/'), { maxPages: 5 });
    expect(pages).toHaveLength(2);
    expect(summary.stopReason).toBe('completed');
  });
});
