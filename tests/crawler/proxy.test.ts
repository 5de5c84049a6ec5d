import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { byPath, crawlToArray } from '../helpers/crawl.js';
import { auditSite } from '../helpers/audit.js';
import { expect, test } from '../helpers/fixtures.js';
import { startForwardProxy } from '../helpers/forward-proxy.js';
import type { ForwardProxy } from '../helpers/forward-proxy.js';
import { harvest, serveImage } from '../helpers/harvest.js';
import { png } from '../helpers/images.js';
import { startNode } from '../helpers/run-process.js';
import { withOtherHost } from '../helpers/site.js';

async function withProxy<T>(run: (proxy: ForwardProxy) => Promise<T>, options?: Parameters<typeof startForwardProxy>[0]): Promise<T> {
  const proxy = await startForwardProxy(options);
  try {
    return await run(proxy);
  } finally {
    await proxy.close();
  }
}

const proxied = (proxy: ForwardProxy) => proxy.requests.map((request) => `${request.method} ${request.target}`).sort();

test('--proxy URL: robots.txt and every page go through the proxy as absolute-form requests', async ({ site }) => {
  site.page('/', ['/a']).page('/a', []);
  await withProxy(async (proxy) => {
    const { pages } = await crawlToArray(site.url('/'), { proxy: proxy.url });
    expect(pages.map((page) => page.status)).toEqual([200, 200]);
    expect(proxied(proxy)).toEqual([`GET ${site.url('/')}`, `GET ${site.url('/a')}`, `GET ${site.url('/robots.txt')}`]);
    expect(site.requests).toHaveLength(3);
  });
});

test('proxy credentials in the URL become Proxy-Authorization, are not sent to the site, and are redacted in logs', async ({ site }) => {
  const password = 'pr0xy-pa55';
  site.page('/', []);
  await withProxy(
    async (proxy) => {
      let logged = '';
      const logger = pino({ level: 'trace' }, new Writable({ write: (chunk, _encoding, done) => ((logged += String(chunk)), done()) }));
      const { pages } = await crawlToArray(site.url('/'), { proxy: proxy.url, logger });
      expect(pages[0]?.status).toBe(200);
      expect(proxy.requests.every((request) => request.headers['proxy-authorization'] === `Basic ${Buffer.from(`ann:${password}`).toString('base64')}`)).toBe(true);
      expect(site.requests.every((request) => request.headers['proxy-authorization'] === undefined)).toBe(true);
      expect(logged).toContain('"proxy":"http://***@127.0.0.1:');
      expect(logged).not.toContain(password);
    },
    { credentials: { username: 'ann', password } },
  );
});

test('a proxy that refuses the credentials fails the pages, not the run', async ({ site }) => {
  site.page('/', []);
  await withProxy(
    async (proxy) => {
      const wrong = proxy.url.replace(':secret@', ':wrong@');
      const { pages } = await crawlToArray(site.url('/'), { proxy: wrong, obeyRobots: false, retries: 0 });
      expect(pages).toEqual([expect.objectContaining({ status: null, error: expect.objectContaining({ code: 'network' }) })]);
      expect(site.requests).toHaveLength(0);
    },
    { credentials: { username: 'ann', password: 'secret' } },
  );
});

test('images and audit link checks go through the proxy too, with credentials only for the start origin', async ({ site, tmp }) => {
  await withOtherHost(async (other) => {
    serveImage(site, '/photo.png', png(20, 20, 1));
    serveImage(other, '/cdn.png', png(20, 20, 2));
    other.page('/ext', []);
    site.page('/', [other.url('/ext')], { body: `<img src="/photo.png"><img src="${other.url('/cdn.png')}">` });
    await withProxy(async (proxy) => {
      const result = await harvest(site.url('/'), tmp, { extractor: { imageScope: 'any' }, crawl: { proxy: proxy.url, auth: { bearer: 'tok' }, maxDepth: 0 } });
      expect(result.saved.map((record) => new URL(String(record['url'])).pathname).sort()).toEqual(['/cdn.png', '/photo.png']);
      expect(proxied(proxy)).toContain(`GET ${other.url('/cdn.png')}`);
      expect(site.requests.find((request) => request.path === '/photo.png')?.headers['authorization']).toBe('Bearer tok');
      expect(other.requests.find((request) => request.path === '/cdn.png')?.headers['authorization']).toBeUndefined();

      const report = await auditSite(site.url('/'), { proxy: proxy.url, external: true, auth: { bearer: 'tok' } });
      expect(report.summary.broken).toBe(0);
      expect(proxy.requests.some((request) => request.method === 'HEAD' && request.target === other.url('/ext'))).toBe(true);
      expect(other.requests.filter((request) => request.path === '/ext').map((request) => request.headers['authorization'])).toEqual([undefined]);
    });
  });
});

test('with denyPrivateAddresses the proxy itself may be private, but a target at a refused address is not requested', async ({ site }) => {
  site.page('/', []);
  await withOtherHost(async (other) => {
    other.page('/', []);
    await withProxy(async (proxy) => {
      const refused = await crawlToArray(site.url('/'), { proxy: proxy.url, denyPrivateAddresses: true });
      expect(byPath(refused.pages, '/').error?.code).toBe('blocked-address');
      expect(proxy.requests).toHaveLength(0);
      // A rule that allows 127.0.0.2 alone: the proxy on 127.0.0.1 is still used, and 127.0.0.2 reached through it.
      const allowed = await crawlToArray(other.url('/'), { proxy: proxy.url, denyPrivateAddresses: (address) => address === '127.0.0.2' });
      expect(byPath(allowed.pages, '/').status).toBe(200);
      expect(proxied(proxy)).toContain(`GET ${other.url('/')}`);
      expect(site.requests).toHaveLength(0);
    });
  });
});

test('--proxy env follows HTTP_PROXY and NO_PROXY (the CLI, as a user runs it)', async ({ site, tmp }) => {
  await withOtherHost(async (other) => {
    other.page('/', []);
    site.page('/', ['/a', other.url('/')]).page('/a', []);
    await withProxy(async (proxy) => {
      const out = join(tmp, 'out');
      const env = { HTTP_PROXY: proxy.url, http_proxy: proxy.url, NO_PROXY: '127.0.0.2', no_proxy: '127.0.0.2' };
      const result = await startNode(['dist/cli/main.js', 'crawl', site.url('/'), '--proxy', 'env', '--scope', 'any', '-d', '1', '-q', '-o', out], env).result;
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const pages = (await readFile(join(out, 'pages.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { status: number });
      expect(pages.map((page) => page.status)).toEqual([200, 200, 200]);
      expect(proxied(proxy)).toEqual([`GET ${site.url('/')}`, `GET ${site.url('/a')}`, `GET ${site.url('/robots.txt')}`]);
      expect(other.requests.map((request) => request.path).sort()).toEqual(['/', '/robots.txt']);
    });
  });
});

test('https:// URLs go through the proxy in a CONNECT tunnel (TLS is then between the crawler and the site)', async ({ site }) => {
  await withProxy(async (proxy) => {
    // The site speaks plain HTTP, so the TLS handshake through the tunnel fails: what counts is where it went.
    const { pages } = await crawlToArray(`https://127.0.0.1:${site.port}/`, { proxy: proxy.url, obeyRobots: false, retries: 0 });
    expect(pages[0]?.status).toBeNull();
    expect(proxied(proxy)).toEqual([`CONNECT 127.0.0.1:${site.port}`]);
    expect(site.requests).toHaveLength(0);
  });
});
