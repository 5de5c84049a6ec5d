import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from '../helpers/fixtures.js';
import { startForwardProxy } from '../helpers/forward-proxy.js';
import { runCli } from '../helpers/run-process.js';
import { withOtherHost } from '../helpers/site.js';

// Issue 15: a plain `sitecrawl crawl` sends robots.txt of its first origins while the crawler still loads
// (src/crawler/early-fetch.ts), and the run adopts what it fetched. These check that the crawl still fetches, and
// obeys, exactly what it would without that: one robots.txt per origin, through the same headers, proxy and cookies.

async function pagePaths(out: string): Promise<string[]> {
  const text = await readFile(join(out, 'pages.jsonl'), 'utf8');
  return text.trim().split('\n').filter(Boolean).map((line) => new URL((JSON.parse(line) as { url: string }).url).pathname).sort();
}

describe('robots.txt sent before the crawler is loaded', () => {
  test('is requested once per origin, first, and obeyed: a disallowed start URL and a disallowed link are not fetched', async ({ site, tmp }) => {
    site.robots('User-agent: *\nDisallow: /private\n').page('/', ['/a', '/private/x']).page('/a', []).page('/private/x', []).page('/private/seed', []);
    const out = join(tmp, 'out');
    const result = await runCli(['crawl', site.url('/'), site.url('/private/seed'), '-o', out, '-q']);
    expect(result.stderr).toMatch(/start URL disallowed by robots\.txt/);
    expect(result.code).toBe(0);
    expect(site.hits('/robots.txt')).toBe(1);
    expect(site.requests[0]?.path).toBe('/robots.txt');
    expect(site.hits('/private/seed')).toBe(0);
    expect(site.hits('/private/x')).toBe(0);
    expect(await pagePaths(out)).toEqual(['/', '/a']);
  });

  test('start URLs on two origins: each origin\'s robots.txt once, and a page request reuses the connection robots.txt opened', async ({ site, tmp }) => {
    await withOtherHost(async (other) => {
      site.robots('User-agent: *\nAllow: /\n').page('/', []);
      other.robots('User-agent: *\nDisallow: /\n').page('/', []);
      const out = join(tmp, 'out');
      const result = await runCli(['crawl', site.url('/'), other.url('/'), '-o', out, '-q']);
      expect(result.code).toBe(0);
      expect(site.hits('/robots.txt')).toBe(1);
      expect(other.hits('/robots.txt')).toBe(1);
      expect(other.hits('/')).toBe(0);
      expect(site.hits('/')).toBe(1);
      expect(site.peakConnections).toBe(1);
    });
  });

  test('--max-pages 1 asks only the first start URL\'s origin, as the run itself would', async ({ site, tmp }) => {
    await withOtherHost(async (other) => {
      site.page('/', []);
      other.page('/', []);
      const result = await runCli(['crawl', site.url('/'), other.url('/'), '-o', join(tmp, 'out'), '-q', '--max-pages', '1']);
      expect(result.code).toBe(0);
      expect(site.hits('/robots.txt')).toBe(1);
      expect(other.requests).toHaveLength(0);
    });
  });

  test('carries the configured headers and user agent, and a cookie robots.txt sets is sent with the pages', async ({ site, tmp }) => {
    site.route('/robots.txt', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'set-cookie': 'session=from-robots; Path=/' }).end('User-agent: *\nAllow: /\n');
    });
    site.page('/', []);
    const result = await runCli(['crawl', site.url('/'), '-o', join(tmp, 'out'), '-q', '-H', 'X-Team: crawlers', '--user-agent', 'TestBot/1.0']);
    expect(result.code).toBe(0);
    const robots = site.requests.find((request) => request.path === '/robots.txt');
    expect(robots?.headers['x-team']).toBe('crawlers');
    expect(robots?.headers['user-agent']).toBe('TestBot/1.0');
    const page = site.requests.find((request) => request.path === '/');
    expect(page?.headers['cookie']).toBe('session=from-robots');
    expect(site.hits('/robots.txt')).toBe(1);
  });

  test('goes through --proxy, once', async ({ site, tmp }) => {
    site.page('/', []);
    const proxy = await startForwardProxy();
    try {
      const result = await runCli(['crawl', site.url('/'), '-o', join(tmp, 'out'), '-q', '--proxy', proxy.url]);
      expect(result.code).toBe(0);
      expect(proxy.requests.map((request) => request.target)).toEqual([site.url('/robots.txt'), site.url('/')]);
      expect(site.hits('/robots.txt')).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  test('is not sent when the run would refuse to start (an output directory holding an earlier run)', async ({ site, tmp }) => {
    site.page('/', []);
    const out = join(tmp, 'out');
    expect((await runCli(['crawl', site.url('/'), '-o', out, '-q'])).code).toBe(0);
    const before = site.requests.length;
    const refused = await runCli(['crawl', site.url('/'), '-o', out, '-q']);
    expect(refused.code).toBe(2);
    expect(site.requests).toHaveLength(before);
  });
});
