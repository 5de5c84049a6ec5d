import type { ServerResponse } from 'node:http';
import { onTestFinished } from 'vitest';
import { startSite } from '../helpers/site.js';
import type { Site } from '../helpers/site.js';
import { crawlToArray, paths } from '../helpers/crawl.js';
import { describe, expect, test } from '../helpers/fixtures.js';

const SLACK_MS = 50; // see crawl-robots.test.ts: server-side gaps can be short by one request's latency

function listOf(count: number, prefix = '/p'): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i}`);
}

/** Counts requests in flight across several sites, from arrival to the end of the response. */
class SharedCounter {
  current = 0;
  peak = 0;
  /** Route handler: answers `html` after `ms`, counting itself in flight meanwhile. */
  delayed(ms: number, html = '<title>d</title>') {
    return (_req: unknown, res: ServerResponse) => {
      this.current++;
      this.peak = Math.max(this.peak, this.current);
      let counted = true;
      const done = () => {
        if (counted) this.current--;
        counted = false;
      };
      res.once('close', done);
      const timer = setTimeout(() => {
        done();
        res.writeHead(200, { 'content-type': 'text/html' }).end(html);
      }, ms);
      res.once('close', () => clearTimeout(timer));
    };
  }
}

describe('per-host limit', () => {
  test.for([1, 3])('perHost %i is never exceeded, and is reached', async (perHost, { site }) => {
    const links = listOf(6);
    site.page('/', links);
    for (const path of links) site.delay(path, 80, '<title>x</title>');
    const { pages } = await crawlToArray(site.url('/'), { perHost, concurrency: 16 });
    expect(pages).toHaveLength(7);
    expect(site.peakConcurrent).toBe(perHost);
    expect(site.peakConnections).toBeLessThanOrEqual(perHost);
  });

  test('retries and redirect hops go through the per-host limit too', async ({ site }) => {
    const links = listOf(6);
    site.page('/', [...links, '/f']).flaky('/f', 2, 'ok');
    for (const path of links) site.redirect(path, `${path}/moved`).delay(`${path}/moved`, 60, 'moved');
    await crawlToArray(site.url('/'), { perHost: 2, concurrency: 16, retries: 2 });
    expect(site.hits('/f')).toBe(3);
    expect(site.peakConcurrent).toBeLessThanOrEqual(2);
  });
});

describe('global limit', () => {
  test('concurrency holds across hosts: requests in flight on all hosts together never exceed it', async ({ site }) => {
    const other = await startSite({ host: '127.0.0.2' });
    onTestFinished(() => other.close());
    const counter = new SharedCounter();
    const links = listOf(8);
    site.page('/', links);
    other.page('/', links);
    for (const path of links) {
      site.route(path, counter.delayed(80));
      other.route(path, counter.delayed(80));
    }
    const { pages } = await crawlToArray([site.url('/'), other.url('/')], { concurrency: 3, perHost: 3, obeyRobots: false });
    expect(pages).toHaveLength(18);
    expect(counter.peak).toBe(3);
    expect(site.peakConcurrent).toBeLessThanOrEqual(3);
    expect(other.peakConcurrent).toBeLessThanOrEqual(3);
  });

  test('a slow host does not hold global slots: another host is crawled while it waits', async ({ site }) => {
    const other = await startSite({ host: '127.0.0.2' });
    onTestFinished(() => other.close());
    const fast = listOf(10, '/b');
    const slow = listOf(3, '/a');
    site.page('/', slow);
    // The fast host's links reach the frontier second, behind the slow host's.
    other.delay('/', 50, fast.map((path) => `<a href="${path}">b</a>`).join(''));
    for (const path of fast) other.page(path, []);
    // The slow host answers only once the fast host's last page has been requested: if its queued requests sat on
    // global slots, the fast host would starve and these would time out.
    for (const path of slow) {
      site.route(path, (_req, res) => {
        void other.waitForHit(fast.at(-1) as string).then(() => res.writeHead(200, { 'content-type': 'text/html' }).end('slow'), () => res.destroy());
      });
    }
    const { pages, summary } = await crawlToArray([site.url('/'), other.url('/')], { concurrency: 2, perHost: 1, obeyRobots: false, timeoutMs: 3000, retries: 0 });
    expect(summary.failed).toBe(0);
    expect(pages).toHaveLength(15);
  });
});

describe('delays', () => {
  test('delayMs spaces the starts of requests to one host', async ({ site }) => {
    site.page('/', ['/a', '/b']).page('/a', []).page('/b', []);
    const { pages } = await crawlToArray(site.url('/'), { delayMs: 200, perHost: 4 });
    expect(pages).toHaveLength(3);
    const times = site.requests.map((r) => r.at); // robots.txt included: it goes through the limiter too
    expect(times).toHaveLength(4);
    for (let i = 1; i < times.length; i++) expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThanOrEqual(200 - SLACK_MS);
  });

  test('delayMs is per host: two hosts are crawled side by side', async ({ site }) => {
    const other = await startSite({ host: '127.0.0.2' });
    onTestFinished(() => other.close());
    const counter = new SharedCounter();
    site.route('/', counter.delayed(250));
    other.route('/', counter.delayed(250));
    await crawlToArray([site.url('/'), other.url('/')], { delayMs: 1000, obeyRobots: false });
    expect(counter.peak).toBe(2);
  });
});

describe('process hygiene', () => {
  test('a crawl with many requests in flight emits no MaxListenersExceededWarning', async ({ site }) => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    onTestFinished(() => {
      process.off('warning', onWarning);
    });
    const links = listOf(40);
    site.page('/', links);
    for (const path of links) site.delay(path, 30, 'x');
    const { pages } = await crawlToArray(site.url('/'), { concurrency: 32, perHost: 32, delayMs: 1 });
    expect(paths(pages)).toHaveLength(41);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });
});

describe('the summary says when the per-host limit bound the crawl', () => {
  /** A start page linking to 12 pages that each answer after 100 ms. */
  function slowSite(site: Site) {
    const links = listOf(12);
    site.page('/', links);
    for (const link of links) site.delay(link, 100, '<title>slow</title>');
  }

  test('perHost 1 with free global slots: most of the crawl waited for the host', async ({ site }) => {
    slowSite(site);
    const { summary } = await crawlToArray(site.url('/'), { perHost: 1, concurrency: 8 });
    expect(summary.pages).toBe(13);
    // 12 pages one after another take at least 1.2 s, nearly all of it with 11 of them waiting for the host.
    expect(summary.perHostBoundMs / summary.elapsedMs).toBeGreaterThan(0.5);
  });

  test('a perHost above the site size never holds a request back', async ({ site }) => {
    slowSite(site);
    const { summary } = await crawlToArray(site.url('/'), { perHost: 16, concurrency: 16 });
    expect(summary.perHostBoundMs).toBe(0);
  });
});
