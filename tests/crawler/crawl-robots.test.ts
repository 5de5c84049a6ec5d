import { onTestFinished } from 'vitest';
import { VERSION } from '../../src/index.js';
import { closedPort } from '../helpers/closed-port.js';
import { startSite } from '../helpers/site.js';
import type { Site } from '../helpers/site.js';
import { crawlToArray, paths } from '../helpers/crawl.js';
import { describe, expect, test } from '../helpers/fixtures.js';

// robots.txt gets the pages' retries (2 by default), so a robots.txt that keeps failing is asked for three times.
const ROBOTS_TRIES = ['/robots.txt', '/robots.txt', '/robots.txt'];

/** Paths the server saw, robots.txt excluded, in arrival order. */
const pageRequests = (site: Site) => site.requests.filter((r) => r.path !== '/robots.txt');

/** Gaps between the arrival times of consecutive page requests, in ms. */
function startGaps(site: Site): number[] {
  const times = pageRequests(site).map((r) => r.at);
  return times.slice(1).map((at, i) => at - (times[i] as number));
}

// The limiter spaces request starts on the client; the request before a gap can reach the server a little late (a new
// connection, a busy machine), so a server-side gap may come out short of the client's by that latency.
const SLACK_MS = 50;

describe('robots.txt rules', () => {
  test('Disallow is obeyed: a disallowed URL is never requested and counted as a robots skip', async ({ site }) => {
    site.robots('User-agent: *\nDisallow: /private\n').page('/', ['/private/a', '/privateer', '/public']).page('/public', []);
    const { pages, summary } = await crawlToArray(site.url('/'));
    expect(paths(pages)).toEqual(['/', '/public']);
    expect(site.hits('/private/a') + site.hits('/privateer')).toBe(0);
    expect(summary.skipped['robots']).toBe(2);
  });

  test('Allow overrides a shorter Disallow', async ({ site }) => {
    site.robots('User-agent: *\nDisallow: /dir/\nAllow: /dir/ok\n').page('/', ['/dir/ok', '/dir/no']).page('/dir/ok', []).page('/dir/no', []);
    const { pages } = await crawlToArray(site.url('/'));
    expect(paths(pages)).toEqual(['/', '/dir/ok']);
    expect(site.hits('/dir/no')).toBe(0);
  });

  test('a disallowed start URL is not fetched', async ({ site }) => {
    site.robots('User-agent: *\nDisallow: /\n').page('/', []);
    const { pages, summary } = await crawlToArray(site.url('/'));
    expect(pages).toEqual([]);
    expect(summary.skipped['robots']).toBe(1);
    expect(site.requests.map((r) => r.path)).toEqual(['/robots.txt']);
  });

  test.for([404, 410])('robots.txt answering %i allows everything', async (code, { site }) => {
    site.robots(code).page('/', ['/a']).page('/a', []);
    const { pages } = await crawlToArray(site.url('/'));
    expect(paths(pages)).toEqual(['/', '/a']);
  });

  test('a missing robots.txt (the site 404s it) allows everything', async ({ site }) => {
    site.page('/', ['/a']).page('/a', []);
    const { pages } = await crawlToArray(site.url('/'));
    expect(paths(pages)).toEqual(['/', '/a']);
    expect(site.hits('/robots.txt')).toBe(1);
  });

  test.for([500, 503, 429])('robots.txt answering %i disallows the origin: the start URL is a failed page, never requested', async (code, { site }) => {
    site.robots(code).page('/', ['/a']);
    const { pages, summary } = await crawlToArray(site.url('/'));
    expect(pages).toEqual([unreachable(site.url('/'), `http-${code}`)]);
    expect(summary).toMatchObject({ pages: 1, failed: 1, errors: { 'robots-unreachable': 1 } });
    expect(summary.skipped['robots']).toBeUndefined();
    expect(site.requests.map((r) => r.path)).toEqual(ROBOTS_TRIES);
  });

  test('an unreachable robots.txt (connection reset) disallows the origin', async ({ site }) => {
    site.drop('/robots.txt').page('/', []);
    const { pages } = await crawlToArray(site.url('/'));
    expect(pages).toEqual([unreachable(site.url('/'), 'reset')]);
    expect(site.requests.map((r) => r.path)).toEqual(ROBOTS_TRIES);
  });

  test('a robots.txt that fails once is retried like a page, and its rules then apply', async ({ site }) => {
    let hits = 0;
    site.route('/robots.txt', (_req, res) => {
      if (hits++ === 0) res.writeHead(503).end();
      else res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nDisallow: /b\n');
    });
    site.page('/', ['/a', '/b']).page('/a', []).page('/b', []);
    const { pages, summary } = await crawlToArray(site.url('/'));
    expect(paths(pages)).toEqual(['/', '/a']);
    expect(summary).toMatchObject({ failed: 0 });
    expect(summary.skipped['robots']).toBe(1);
    expect(site.hits('/robots.txt')).toBe(2);
  });

  test('retries: 0 asks for robots.txt once', async ({ site }) => {
    site.robots(503).page('/', []);
    const { pages } = await crawlToArray(site.url('/'), { retries: 0 });
    expect(pages).toEqual([unreachable(site.url('/'), 'http-503')]);
    expect(site.requests.map((r) => r.path)).toEqual(['/robots.txt']);
  });

  test('robots.txt redirects are followed', async ({ site }) => {
    site.redirect('/robots.txt', '/real-robots.txt').page('/', ['/a', '/b']).page('/a', []).page('/b', []);
    site.route('/real-robots.txt', (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nDisallow: /b\n'));
    const { pages } = await crawlToArray(site.url('/'));
    expect(paths(pages)).toEqual(['/', '/a']);
    expect(site.hits('/real-robots.txt')).toBe(1);
  });

  test('robots.txt is fetched once per origin, however many pages ask at once', async ({ site }) => {
    const other = await startSite({ host: '127.0.0.2' });
    onTestFinished(() => other.close());
    const many = Array.from({ length: 12 }, (_, i) => `/p${i}`);
    site.page('/', [...many, ...many.map((path) => other.url(path))]);
    for (const path of many) site.page(path, []);
    for (const path of many) other.page(path, []);
    other.robots('User-agent: *\nDisallow: /p3\n');
    const { pages } = await crawlToArray(site.url('/'), { scope: 'any', concurrency: 16, perHost: 8 });
    expect(pages).toHaveLength(1 + 12 + 11);
    expect(other.hits('/p3')).toBe(0);
    expect(site.hits('/robots.txt')).toBe(1);
    expect(other.hits('/robots.txt')).toBe(1);
  });
});

/** The record of a URL whose origin's robots.txt could not be fetched: failed, never requested. */
function unreachable(url: string, cause: string) {
  return expect.objectContaining({ url, finalUrl: url, status: null, bytes: 0, redirects: [], error: expect.objectContaining({ code: 'robots-unreachable', cause }) });
}

describe('robots.txt that cannot be fetched', () => {
  test('a start URL on a closed port is a failed page (robots-unreachable, cause connect), not a robots skip', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}/`;
    const { pages, summary } = await crawlToArray(url);
    expect(pages).toEqual([unreachable(url, 'connect')]);
    expect(summary).toMatchObject({ pages: 1, failed: 1, errors: { 'robots-unreachable': 1 } });
    expect(summary.skipped['robots']).toBeUndefined();
  });

  test('a robots.txt that stalls past the timeout: cause timeout, the page is not requested', async ({ site }) => {
    site.stall('/robots.txt').page('/', []);
    const { pages, summary } = await crawlToArray(site.url('/'), { timeoutMs: 300 });
    expect(pages).toEqual([unreachable(site.url('/'), 'timeout')]);
    expect(summary.failed).toBe(1);
    expect(site.hits('/')).toBe(0);
  });

  test('every in-scope URL of the origin that was about to be fetched is a failed page; other origins go on', async ({ site }) => {
    const other = await startSite({ host: '127.0.0.2' });
    onTestFinished(() => other.close());
    site.page('/', ['/a', other.url('/x'), other.url('/y')]).page('/a', []);
    other.robots(503).page('/x', []).page('/y', []);
    const { pages, summary } = await crawlToArray(site.url('/'), { scope: 'any' });
    const failed = pages.filter((page) => page.error !== null).sort((a, b) => a.url.localeCompare(b.url));
    expect(failed).toEqual([unreachable(other.url('/x'), 'http-503'), unreachable(other.url('/y'), 'http-503')]);
    expect(paths(pages)).toEqual(['/', '/a', '/x', '/y']);
    expect(summary).toMatchObject({ pages: 4, failed: 2, errors: { 'robots-unreachable': 2 } });
    expect(other.requests.map((r) => r.path)).toEqual(ROBOTS_TRIES);
  });
});

describe('robots.txt size', () => {
  test('only the first 500 KiB are read, and a rule cut at the limit is dropped, not shortened', async ({ site }) => {
    const head = 'User-agent: *\nDisallow: /early\n';
    // Comment lines up to 11 bytes before the 500 KiB mark, then a rule the limit cuts to `Disallow: /`.
    const fillerBytes = 500 * 1024 - 11 - head.length;
    const filler = `${'#'.repeat(99)}\n`.repeat(Math.floor(fillerBytes / 100)) + `${'#'.repeat((fillerBytes % 100) - 1)}\n`;
    const body = `${head}${filler}Disallow: /late-and-cut\nDisallow: /after\n`;
    expect(body.indexOf('Disallow: /late')).toBe(500 * 1024 - 11);
    site.route('/robots.txt', (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(body));
    site.page('/', ['/early', '/after', '/late-and-cut', '/a']).page('/a', []).page('/after', []).page('/late-and-cut', []);
    const { pages } = await crawlToArray(site.url('/'));
    expect(paths(pages)).toEqual(['/', '/a', '/after', '/late-and-cut']);
    expect(site.hits('/early')).toBe(0);
  });
});

describe('Crawl-delay', () => {
  test('Crawl-delay raises the per-host delay: page requests start at least that far apart', async ({ site }) => {
    site.robots('User-agent: *\nCrawl-delay: 0.3\n').page('/', ['/a', '/b']).page('/a', []).page('/b', []);
    const { pages } = await crawlToArray(site.url('/'), { perHost: 4 });
    expect(pages).toHaveLength(3);
    const gaps = startGaps(site);
    expect(gaps).toHaveLength(2);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(300 - SLACK_MS);
  });

  test('a configured delayMs longer than Crawl-delay is kept', async ({ site }) => {
    site.robots('User-agent: *\nCrawl-delay: 0.05\n').page('/', ['/a']).page('/a', []);
    await crawlToArray(site.url('/'), { delayMs: 300 });
    const gaps = startGaps(site);
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toBeGreaterThanOrEqual(300 - SLACK_MS);
  });

  test('with Crawl-delay obeyed, requests to the host never overlap', async ({ site }) => {
    site.robots('User-agent: *\nCrawl-delay: 0.2\n').page('/', ['/a', '/b']).delay('/a', 100, 'a').delay('/b', 100, 'b');
    await crawlToArray(site.url('/'), { perHost: 4 });
    expect(site.peakConcurrent).toBe(1);
  });

  test('obeyRobots: false never requests robots.txt and ignores its rules and Crawl-delay', async ({ site }) => {
    site.robots('User-agent: *\nCrawl-delay: 5\nDisallow: /private\n');
    site.page('/', ['/private', '/a', '/b']).delay('/private', 100, 'p').delay('/a', 100, 'a').delay('/b', 100, 'b');
    const { pages } = await crawlToArray(site.url('/'), { obeyRobots: false, perHost: 4 });
    expect(paths(pages)).toEqual(['/', '/a', '/b', '/private']);
    expect(site.hits('/robots.txt')).toBe(0);
    expect(site.peakConcurrent).toBe(3);
  });
});

describe('user agent', () => {
  test('every request, robots.txt included, carries the default User-Agent', async ({ site }) => {
    site.page('/', ['/a']).page('/a', []);
    await crawlToArray(site.url('/'));
    expect(site.requests).toHaveLength(3);
    const agents = new Set(site.requests.map((r) => r.headers['user-agent']));
    expect([...agents]).toEqual([`sitecrawl/${VERSION} (+https://github.com/sitecrawl/sitecrawl)`]);
  });

  test('a custom userAgent is sent instead', async ({ site }) => {
    site.page('/', ['/a']).page('/a', []);
    await crawlToArray(site.url('/'), { userAgent: 'MyBot/2.0 (+https://example.com/bot)' });
    expect(new Set(site.requests.map((r) => r.headers['user-agent']))).toEqual(new Set(['MyBot/2.0 (+https://example.com/bot)']));
  });

  const robots = 'User-agent: mybot\nDisallow: /secret\n\nUser-agent: sitecrawl\nDisallow: /mine\n\nUser-agent: *\nDisallow:\n';

  test('robots.txt rules for the custom agent product token apply', async ({ site }) => {
    site.robots(robots).page('/', ['/secret', '/mine', '/open']).page('/secret', []).page('/mine', []).page('/open', []);
    const { pages } = await crawlToArray(site.url('/'), { userAgent: 'MyBot/2.0 (+https://example.com/bot)' });
    expect(paths(pages)).toEqual(['/', '/open']);
  });

  test('without a custom agent, only the sitecrawl group applies', async ({ site }) => {
    site.robots(robots).page('/', ['/secret', '/mine', '/open']).page('/secret', []).page('/mine', []).page('/open', []);
    const { pages } = await crawlToArray(site.url('/'));
    expect(paths(pages)).toEqual(['/', '/open', '/secret']);
  });
});
