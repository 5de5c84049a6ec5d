import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Crawler, LinkExtractor, MemoryDataset, resolveOptions } from '../../src/index.js';
import type { CrawlerOptions, OutgoingRequest, PageRecord } from '../../src/index.js';
import { byPath, crawlToArray } from '../helpers/crawl.js';
import { describe, expect, test } from '../helpers/fixtures.js';
import { startSite, withOtherHost } from '../helpers/site.js';
import type { Site, SiteRequest } from '../helpers/site.js';

const SECRET = 's3cr3t-value';
const headerOf = (site: Site, path: string, name: string) => site.requests.filter((request) => request.path === path).map((request) => request.headers[name]);
const sent = (requests: readonly SiteRequest[], name: string) => requests.map((request) => request.headers[name]);

test('headers go to the start host, and neither headers nor credentials follow a link or a redirect to another origin', async ({ site }) => {
  await withOtherHost(async (other) => {
    other.page('/', []).page('/landing', []);
    site.page('/', ['/a', other.url('/'), '/away']).page('/a', []).redirect('/away', other.url('/landing'));
    const { pages } = await crawlToArray(site.url('/'), {
      scope: 'any',
      maxDepth: 1,
      headers: { 'X-Api-Key': SECRET, Authorization: `Token ${SECRET}` },
    });
    expect(pages.filter((page) => page.error)).toEqual([]);
    expect(headerOf(site, '/', 'x-api-key')).toEqual([SECRET]);
    expect(headerOf(site, '/a', 'authorization')).toEqual([`Token ${SECRET}`]);
    expect(headerOf(site, '/robots.txt', 'x-api-key')).toEqual([SECRET]);
    // scope `any` still keeps headers to the start host; the redirect target got none either.
    expect(other.requests.map((request) => request.path).sort()).toEqual(['/', '/landing', '/robots.txt']);
    expect(sent(other.requests, 'x-api-key')).toEqual([undefined, undefined, undefined]);
    expect(sent(other.requests, 'authorization')).toEqual([undefined, undefined, undefined]);
  });
});

test('plain headers follow the scope to another port of the host, credentials only go to the start origin', async ({ site }) => {
  const sibling = await startSite();
  try {
    sibling.page('/', []);
    site.page('/', [sibling.url('/')]);
    await crawlToArray(site.url('/'), { scope: 'host', maxDepth: 1, headers: { 'X-Team': 'crawlers' }, auth: { bearer: SECRET } });
    expect(headerOf(sibling, '/', 'x-team')).toEqual(['crawlers']);
    expect(headerOf(sibling, '/', 'authorization')).toEqual([undefined]);
    expect(headerOf(site, '/', 'authorization')).toEqual([`Bearer ${SECRET}`]);
  } finally {
    await sibling.close();
  }
});

test('Basic auth: a site that demands it is crawled, and the credentials do not follow a redirect elsewhere', async ({ site }) => {
  const expected = `Basic ${Buffer.from(`ann:${SECRET}:x`).toString('base64')}`;
  await withOtherHost(async (other) => {
    other.page('/elsewhere', []);
    const guarded = (html: string) => (req: { headers: Record<string, unknown> }, res: import('node:http').ServerResponse) => {
      if (req.headers['authorization'] !== expected) res.writeHead(401, { 'www-authenticate': 'Basic realm="x"' }).end();
      else res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    };
    site
      .route('/', guarded(`<a href="/members">m</a><a href="/out">o</a>`))
      .route('/members', guarded('<title>members</title>'))
      .redirect('/out', other.url('/elsewhere'), 302);
    const { pages } = await crawlToArray(site.url('/'), { scope: 'any', maxDepth: 1, auth: { username: 'ann', password: `${SECRET}:x` } });
    expect(byPath(pages, '/members').status).toBe(200);
    expect(byPath(pages, '/out').finalUrl).toBe(other.url('/elsewhere'));
    expect(sent(other.requests, 'authorization').every((value) => value === undefined)).toBe(true);
  });
});

test('bearer auth is sent on every request to the start origin, retries included', async ({ site }) => {
  site.page('/', ['/flaky']).flaky('/flaky', 1, '<title>ok</title>');
  await crawlToArray(site.url('/'), { auth: { bearer: SECRET } });
  expect(headerOf(site, '/flaky', 'authorization')).toEqual([`Bearer ${SECRET}`, `Bearer ${SECRET}`]);
});

class SigningCrawler extends Crawler {
  readonly seen: OutgoingRequest[] = [];
  #counter = 0;
  protected override beforeRequest(request: OutgoingRequest) {
    this.seen.push(request);
    if (new URL(request.url).pathname === '/refused') throw new Error('no key for this one');
    return { 'X-Signature': `sig-${++this.#counter}` };
  }
}

test('beforeRequest is called once per request sent (retries and redirect hops too) and its headers go out', async ({ site }) => {
  site.page('/', ['/flaky', '/moved', '/refused']).flaky('/flaky', 1, '<title>ok</title>').redirect('/moved', '/target').page('/target', []).page('/refused', []);
  const pages = new MemoryDataset<PageRecord>();
  const crawler = new SigningCrawler({
    startUrls: [site.url('/')],
    extractors: [new LinkExtractor()],
    headers: { 'X-Fixed': 'yes' },
    pages,
    logLevel: 'silent',
    workers: 0,
    retryDelayMs: 10,
  });
  await crawler.run();
  const summary = (path: string) => crawler.seen.filter((request) => new URL(request.url).pathname === path).map(({ purpose, attempt, redirects, method }) => ({ purpose, attempt, redirects, method }));
  expect(summary('/robots.txt')).toEqual([{ purpose: 'robots', attempt: 1, redirects: 0, method: 'GET' }]);
  expect(summary('/flaky')).toEqual([{ purpose: 'page', attempt: 1, redirects: 0, method: 'GET' }, { purpose: 'page', attempt: 2, redirects: 0, method: 'GET' }]);
  expect(summary('/target')).toEqual([{ purpose: 'page', attempt: 1, redirects: 1, method: 'GET' }]);
  expect(crawler.seen[0]?.headers).toEqual({ 'x-fixed': 'yes' });
  // Every request the site saw carried a signature of its own.
  const signatures = site.requests.map((request) => request.headers['x-signature']);
  expect(signatures.every((value) => typeof value === 'string')).toBe(true);
  expect(new Set(signatures).size).toBe(signatures.length);
  // A throw fails that page without sending it or retrying it; the crawl goes on.
  expect(site.hits('/refused')).toBe(0);
  expect(summary('/refused')).toHaveLength(1);
  expect(byPath(pages.items, '/refused').error?.code).toBe('before-request-failed');
  expect(byPath(pages.items, '/moved')).toMatchObject({ finalUrl: site.url('/target'), status: 200 });
});

test('credentials and cookie values never reach the logs, the records or error messages', async ({ site }) => {
  site.page('/', ['/gone', '/moved', '/a'], { headers: { 'set-cookie': `sid=${SECRET}-cookie` } }).status('/gone', 404).redirect('/moved', '/').page('/a', []);
  let logged = '';
  const logger = pino({ level: 'trace' }, new Writable({ write: (chunk, _encoding, done) => ((logged += String(chunk)), done()) }));
  const pages = new MemoryDataset<PageRecord>();
  const crawler = new Crawler({
    startUrls: [site.url('/')],
    extractors: [new LinkExtractor()],
    headers: { 'X-Api-Key': SECRET },
    auth: { username: 'ann', password: SECRET },
    proxy: undefined,
    logger,
    pages,
    workers: 0,
  });
  await crawler.run();
  expect(logged).toContain('page failed');
  expect(logged).not.toContain(SECRET);
  expect(logged).not.toContain(Buffer.from(`ann:${SECRET}`).toString('base64'));
  expect(JSON.stringify(pages.items)).not.toContain(SECRET);
  expect(headerOf(site, '/a', 'cookie')).toEqual([`sid=${SECRET}-cookie`]);
});

describe('headers and auth options are validated without echoing secrets', () => {
  const base: CrawlerOptions = { startUrls: ['http://s.test/'] };
  test.each([
    [{ headers: { 'Bad Name': 'x' } }, 'headers'],
    [{ headers: { 'X-A': `${SECRET}\r\nInjected: 1` } }, 'headers'],
    [{ headers: { 'User-Agent': 'x' } }, 'headers'],
    [{ headers: { 'X-A': 1 as unknown as string } }, 'headers'],
    [{ headers: { 'x-a': 'a', 'X-A': 'b' } }, 'headers'],
    [{ headers: { Authorization: SECRET }, auth: { bearer: SECRET } }, 'auth'],
    [{ auth: { bearer: `two ${SECRET}` } }, 'auth'],
    [{ auth: { bearer: '' } }, 'auth'],
    [{ auth: { username: 'a:b', password: SECRET } }, 'auth'],
    [{ auth: { username: 'a', password: SECRET, bearer: SECRET } as never }, 'auth'],
    [{ auth: SECRET as never }, 'auth'],
    [{ cookies: 'yes' as never }, 'cookies'],
    [{ cookies: { file: '' } }, 'cookies'],
    [{ proxy: 'socks5://127.0.0.1:1080' }, 'proxy'],
    [{ proxy: `http://user:${SECRET}@127.0.0.1:3128/path` }, 'proxy'],
    [{ proxy: 'not a url' }, 'proxy'],
  ] as Array<[Partial<CrawlerOptions>, string]>)('%o is refused as `%s`', (input, option) => {
    let caught: unknown;
    try {
      resolveOptions({ ...base, ...input });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'invalid-option', option });
    expect((caught as Error).message).not.toContain(SECRET);
  });

  test('good values resolve: header names lower-cased, auth kept, cookies on by default, proxy normalized', () => {
    const resolved = resolveOptions({ ...base, headers: { 'X-Api-Key': 'k' }, auth: { username: 'u', password: '' }, proxy: 'http://127.0.0.1:3128' });
    expect(resolved.headers).toEqual({ 'x-api-key': 'k' });
    expect(resolved.auth).toEqual({ username: 'u', password: '' });
    expect(resolved.cookies).toEqual({ file: undefined });
    expect(resolved.proxy).toBe('http://127.0.0.1:3128/');
    expect(resolveOptions({ ...base, cookies: false, proxy: 'env' })).toMatchObject({ cookies: false, proxy: 'env' });
  });
});

test('a persisted crawl keeps no header value or credential in its state file (a resume is given them again)', async ({ site, tmp }) => {
  site.page('/', ['/a']).page('/a', []);
  const path = join(tmp, 'state.db');
  const run = (options: Partial<CrawlerOptions>) =>
    new Crawler({ startUrls: [site.url('/')], extractors: [new LinkExtractor()], logLevel: 'silent', workers: 0, persist: { path }, maxPages: 1, ...options }).run();
  await run({ headers: { 'X-Api-Key': SECRET }, auth: { username: 'ann', password: SECRET } });
  const state = await readFile(path);
  expect(state.includes(SECRET)).toBe(false);
  expect(state.includes(Buffer.from(`ann:${SECRET}`).toString('base64'))).toBe(false);
  expect(headerOf(site, '/', 'x-api-key')).toEqual([SECRET]);
});

test('a start URL with credentials in it is refused without echoing the password', () => {
  expect(() => resolveOptions({ startUrls: [`http://ann:${SECRET}@s.test/`] })).toThrow(expect.objectContaining({ option: 'startUrls', message: expect.not.stringContaining(SECRET) }));
});

test('credentials for an http:// start go to its https:// upgrade, never from https:// down to http://', async () => {
  const { RequestHeaders } = await import('../../src/crawler/request-headers.js');
  const policy = (startUrl: string) =>
    new RequestHeaders({ startUrls: [startUrl], scope: 'host', headers: {}, auth: { bearer: 't' }, cookies: undefined });
  const sends = async (startUrl: string, url: string) =>
    (await policy(startUrl).headersFor({ url, method: 'GET', purpose: 'page', attempt: 1, redirects: 0 }))['authorization'] !== undefined;
  expect(await sends('http://s.test/', 'https://s.test/a')).toBe(true);
  expect(await sends('http://s.test/', 'http://s.test:8080/a')).toBe(false);
  expect(await sends('http://s.test:8080/', 'https://s.test:8080/a')).toBe(false);
  expect(await sends('https://s.test/', 'http://s.test/a')).toBe(false);
  expect(await sends('https://s.test/', 'https://www.s.test/')).toBe(false);
});
