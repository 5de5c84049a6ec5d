import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { OptionsError, resolveOptions } from '../../src/index.js';
import type { PageRecord } from '../../src/index.js';
import { crawlToArray } from '../helpers/crawl.js';
import type { Site } from '../helpers/site.js';
import { describe, expect, test } from '../helpers/fixtures.js';

const LAST_MODIFIED = new Date(Date.now() - 3600_000).toUTCString();

/**
 * Serves `body` with an ETag and a Last-Modified date, as static file servers do, answering a matching If-None-Match
 * (or an If-Modified-Since not older than the file) with 304. `statuses` records every status sent.
 */
function validated(site: Site, path: string, body: string | Buffer, headers: Record<string, string>, statuses: number[], status = 200): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const etag = `"${createHash('sha1').update(bytes).digest('hex').slice(0, 16)}"`;
  site.route(path, (req: IncomingMessage, res: ServerResponse) => {
    const common = { etag, 'last-modified': LAST_MODIFIED, ...headers };
    const unchanged = req.headers['if-none-match'] === etag || (req.headers['if-none-match'] === undefined && req.headers['if-modified-since'] === LAST_MODIFIED);
    if (unchanged) {
      statuses.push(304);
      res.writeHead(304, common);
      res.end();
      return;
    }
    statuses.push(status);
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': String(bytes.length), ...common });
    res.end(req.method === 'HEAD' ? undefined : bytes);
  });
}

const doc = (title: string, links: readonly string[] = []) =>
  `<!doctype html><html><head><title>${title}</title></head><body>${links.map((link) => `<a href="${link}">${link}</a>`).join('')}</body></html>`;

/** A small site whose every answer (robots.txt included) carries validators and `headers`. */
function cachedSite(site: Site, headers: Record<string, string>, statuses: number[]): void {
  validated(site, '/', doc('Home', ['/a', '/b']), headers, statuses);
  validated(site, '/a', doc('A', ['/b']), headers, statuses);
  validated(site, '/b', doc('B'), headers, statuses);
  validated(site, '/robots.txt', 'User-agent: *\nAllow: /\n', headers, statuses);
}

/** The parts of a page record a cache must not change. */
const essentials = (pages: readonly PageRecord[]) =>
  pages.map(({ url, finalUrl, status, depth, parent, contentType, bytes, title, links, truncated, redirects, error }) => ({ url, finalUrl, status, depth, parent, contentType, bytes, title, links, truncated, redirects, error })).sort((a, b) => a.url.localeCompare(b.url));

describe('HTTP cache', () => {
  test('option values are checked', () => {
    const base = { startUrls: ['http://127.0.0.1/'] };
    expect(resolveOptions(base).cache).toBeUndefined();
    expect(resolveOptions({ ...base, cache: { dir: 'c' } }).cache).toEqual({ dir: 'c', mode: 'revalidate' });
    expect(resolveOptions({ ...base, cache: { dir: 'c', mode: 'prefer-cache' } }).cache).toEqual({ dir: 'c', mode: 'prefer-cache' });
    for (const cache of [{ dir: '' }, { dir: 'c', mode: 'offline' }, { dir: 'c', ttl: 1 }, 'c'])
      expect(() => resolveOptions({ ...base, cache: cache as never })).toThrow(OptionsError);
  });

  test('revalidate: a second run revalidates stale pages and gets only 304s, with the same records', async ({ site, tmp }) => {
    const statuses: number[] = [];
    cachedSite(site, { 'cache-control': 'no-cache' }, statuses);
    const cache = { dir: join(tmp, 'cache') };
    const first = await crawlToArray(site.url('/'), { cache });
    expect(statuses).toEqual([200, 200, 200, 200]);
    expect(first.pages.every((page) => page.cached === false)).toBe(true);
    statuses.length = 0;
    const second = await crawlToArray(site.url('/'), { cache });
    expect(statuses).toEqual([304, 304, 304, 304]);
    expect(essentials(second.pages)).toEqual(essentials(first.pages));
    expect(second.pages.every((page) => page.cached === true)).toBe(true);
    expect(second.records).toEqual(first.records);
  });

  test('revalidate: fresh responses (max-age) are reused without a request', async ({ site, tmp }) => {
    const statuses: number[] = [];
    cachedSite(site, { 'cache-control': 'max-age=3600' }, statuses);
    const cache = { dir: join(tmp, 'cache') };
    const first = await crawlToArray(site.url('/'), { cache });
    const requests = site.requests.length;
    const second = await crawlToArray(site.url('/'), { cache });
    expect(site.requests.length).toBe(requests);
    expect(essentials(second.pages)).toEqual(essentials(first.pages));
  });

  test('prefer-cache: a second run makes no request at all, even for pages that ask to be revalidated', async ({ site, tmp }) => {
    const statuses: number[] = [];
    cachedSite(site, { 'cache-control': 'no-cache, must-revalidate' }, statuses);
    site.page('/plain', []); // no validator, no freshness: kept by prefer-cache all the same
    validated(site, '/', doc('Home', ['/a', '/b', '/plain']), { 'cache-control': 'no-cache' }, statuses);
    const cache = { dir: join(tmp, 'cache'), mode: 'prefer-cache' as const };
    const first = await crawlToArray(site.url('/'), { cache });
    expect(first.pages).toHaveLength(4);
    const requests = site.requests.length;
    const second = await crawlToArray(site.url('/'), { cache });
    expect(site.requests.length).toBe(requests);
    expect(essentials(second.pages)).toEqual(essentials(first.pages));
    expect(second.pages.every((page) => page.cached === true)).toBe(true);
  });

  test('no-store responses are never kept', async ({ site, tmp }) => {
    const statuses: number[] = [];
    validated(site, '/', doc('Home', ['/secret']), {}, statuses);
    validated(site, '/secret', doc('Secret'), { 'cache-control': 'no-store' }, statuses);
    site.robots(404);
    const cache = { dir: join(tmp, 'cache'), mode: 'prefer-cache' as const };
    await crawlToArray(site.url('/'), { cache });
    await crawlToArray(site.url('/'), { cache });
    expect(site.hits('/')).toBe(1);
    expect(site.hits('/secret')).toBe(2);
  });

  test('a cached answer is read like a fresh one: charset, redirects, byte cap', async ({ site, tmp }) => {
    const statuses: number[] = [];
    const fresh = { 'cache-control': 'max-age=3600' };
    validated(site, '/', doc('Home', ['/moved', '/cyrillic', '/big']), fresh, statuses);
    validated(site, '/target', doc('Target'), fresh, statuses);
    site.route('/moved', (_req, res) => {
      res.writeHead(301, { location: '/target', 'cache-control': 'max-age=3600', 'content-length': '0' });
      res.end();
    });
    const cyrillic = Buffer.concat([Buffer.from('<!doctype html><title>'), Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]), Buffer.from('</title>')]);
    site.route('/cyrillic', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=windows-1251', 'cache-control': 'max-age=3600', 'content-length': String(cyrillic.length) });
      res.end(cyrillic);
    });
    validated(site, '/big', `${doc('Big')}${'x'.repeat(4000)}`, fresh, statuses);
    site.robots(404);
    const options = { cache: { dir: join(tmp, 'cache') }, maxBytes: 2000 };
    const first = await crawlToArray(site.url('/'), options);
    const second = await crawlToArray(site.url('/'), options);
    expect(essentials(second.pages)).toEqual(essentials(first.pages));
    const titles = Object.fromEntries(second.pages.map((page) => [new URL(page.url).pathname, page.title]));
    expect(titles).toMatchObject({ '/cyrillic': 'Привет', '/moved': 'Target' });
    expect(second.pages.find((page) => page.url.endsWith('/moved'))?.redirects).toEqual([{ url: site.url('/moved'), status: 301 }]);
    expect(second.pages.find((page) => page.url.endsWith('/big'))).toMatchObject({ truncated: true, bytes: 2000 });
    expect(site.hits('/moved')).toBe(1);
    expect(site.hits('/cyrillic')).toBe(1);
  });
});
