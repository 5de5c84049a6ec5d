import { byPath, crawlToArray, paths } from '../helpers/crawl.js';
import { describe, expect, test } from '../helpers/fixtures.js';
import { writeRepeatedly } from '../helpers/site.js';

const OK = '<!doctype html><title>ok</title><a href="/next">next</a>';
const pageRequestTimes = (requests: readonly { path: string; at: number }[], path: string) =>
  requests.filter((r) => r.path === path).map((r) => r.at);

describe('retries', () => {
  test('a flaky 500 then 200 succeeds on the retry', async ({ site }) => {
    site.page('/', ['/f']).flaky('/f', 1, OK).page('/next', []);
    const { pages, summary } = await crawlToArray(site.url('/'), { retries: 2 });
    expect(byPath(pages, '/f')).toMatchObject({ status: 200, title: 'ok', error: null, attempts: 2 });
    expect(site.hits('/f')).toBe(2);
    expect(site.hits('/next')).toBe(1);
    expect(summary.failed).toBe(0);
  });

  test.for([0, 1, 3])('with retries %i, a page that keeps failing is requested retries+1 times and recorded as http-500', async (retries, { site }) => {
    site.page('/', ['/f']).flaky('/f', 100, OK);
    const { pages, summary } = await crawlToArray(site.url('/'), { retries });
    expect(byPath(pages, '/f')).toMatchObject({ status: 500, error: { code: 'http-500' } });
    expect(site.hits('/f')).toBe(retries + 1);
    expect(summary.errors).toEqual({ 'http-500': 1 });
  });

  test('429 with Retry-After: 1 waits about a second before the retry', async ({ site }) => {
    site.page('/', ['/busy']).retryAfter('/busy', 1, { html: OK }, 1, { code: 429 });
    const { pages } = await crawlToArray(site.url('/'), { retries: 2, retryDelayMs: 10 });
    expect(byPath(pages, '/busy')).toMatchObject({ status: 200, error: null });
    const [first, second] = pageRequestTimes(site.requests, '/busy');
    expect(site.hits('/busy')).toBe(2);
    expect((second as number) - (first as number)).toBeGreaterThanOrEqual(950);
  });

  test('503 with a Retry-After above maxRetryAfterMs is recorded without a retry', async ({ site }) => {
    site.page('/', ['/busy']).retryAfter('/busy', 120, { html: OK });
    const { pages } = await crawlToArray(site.url('/'), { retries: 2, maxRetryAfterMs: 1000 });
    expect(byPath(pages, '/busy')).toMatchObject({ status: 503, error: { code: 'http-503' } });
    expect(site.hits('/busy')).toBe(1);
  });

  test.for([404, 410, 403, 400])('a %i is not retried', async (code, { site }) => {
    site.page('/', ['/x']).status('/x', code);
    const { pages } = await crawlToArray(site.url('/'), { retries: 3 });
    expect(byPath(pages, '/x')).toMatchObject({ status: code, error: { code: `http-${code}` }, title: null, links: 0 });
    expect(site.hits('/x')).toBe(1);
  });

  test('a connection reset is retried, then recorded as reset with no status', async ({ site }) => {
    site.page('/', ['/d']).drop('/d');
    const { pages } = await crawlToArray(site.url('/'), { retries: 2 });
    expect(byPath(pages, '/d')).toMatchObject({ status: null, contentType: null, error: { code: 'reset' } });
    expect(site.hits('/d')).toBe(3);
  });

  test('a connection refused is recorded as connect', async ({ site }) => {
    const port = site.port;
    await site.close();
    const { pages } = await crawlToArray(`http://127.0.0.1:${port}/`, { retries: 1, obeyRobots: false });
    expect(pages).toHaveLength(1);
    expect(pages[0]).toMatchObject({ status: null, error: { code: 'connect' } });
  });
});

describe('timeouts', () => {
  test('a stalled server is recorded as timeout', async ({ site }) => {
    site.page('/', ['/s', '/fine']).stall('/s').page('/fine', []);
    const { pages, summary } = await crawlToArray(site.url('/'), { timeoutMs: 300, retries: 0 });
    expect(byPath(pages, '/s')).toMatchObject({ status: null, error: { code: 'timeout' } });
    expect(byPath(pages, '/fine').error).toBeNull();
    expect(summary.errors).toEqual({ timeout: 1 });
  });

  test('a timeout is retried', async ({ site }) => {
    site.page('/', ['/s']).stall('/s');
    const { pages } = await crawlToArray(site.url('/'), { timeoutMs: 300, retries: 1 });
    expect(byPath(pages, '/s').error?.code).toBe('timeout');
    expect(site.hits('/s')).toBe(2);
  });

  test('a page that timed out on every try records the time spent on all tries and how many there were', async ({ site }) => {
    site.page('/', ['/s']).stall('/s');
    const timeoutMs = 300;
    const { pages } = await crawlToArray(site.url('/'), { timeoutMs, retries: 1 });
    const record = byPath(pages, '/s');
    expect(record).toMatchObject({ status: null, error: { code: 'timeout' }, attempts: 2 });
    // Both tries ran their full timeout (was 0); the slack covers timers armed on libuv's cached loop clock.
    expect(record.ms).toBeGreaterThanOrEqual(2 * timeoutMs - 50);
    expect(byPath(pages, '/').attempts).toBe(1);
  });

  test('attempts count every try of every redirect hop', async ({ site }) => {
    site.page('/', ['/r']).redirect('/r', '/f').flaky('/f', 1, OK).page('/next', []);
    const { pages } = await crawlToArray(site.url('/'), { retries: 2 });
    expect(byPath(pages, '/r')).toMatchObject({ status: 200, error: null, attempts: 3 });
  });

  test('a body that stops arriving mid-way times out', async ({ site }) => {
    site.page('/', ['/half']).route('/half', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': '1000' });
      res.write('<title>half</title>');
    });
    const { pages } = await crawlToArray(site.url('/'), { timeoutMs: 300, retries: 0 });
    expect(byPath(pages, '/half').error?.code).toBe('timeout');
  });
});

describe('Location headers with raw bytes', () => {
  // Node writes header strings as Latin-1, so this sends the UTF-8 bytes of the path unescaped, as some servers do.
  const rawLocation = (path: string, encoding: BufferEncoding) => Buffer.from(path, encoding).toString('latin1');

  test('a UTF-8 Location is read as UTF-8, as browsers and curl read it', async ({ site }) => {
    site.page('/', ['/moved']).page('/ziel/%C3%BC', [], { title: 'Ziel' });
    site.route('/moved', (_req, res) => res.writeHead(301, { location: rawLocation('/ziel/ü', 'utf8') }).end());
    const { pages } = await crawlToArray(site.url('/'));
    expect(byPath(pages, '/moved')).toMatchObject({ finalUrl: site.url('/ziel/%C3%BC'), status: 200, title: 'Ziel', error: null });
    expect(site.requests.map((request) => request.path)).not.toContain('/ziel/%C3%83%C2%BC');
    expect(site.hits('/ziel/%C3%BC')).toBe(1);
  });

  test('a Location that is not valid UTF-8 keeps its Latin-1 reading', async ({ site }) => {
    site.page('/', ['/moved']).page('/ziel/%C3%BC', [], { title: 'Ziel' });
    site.route('/moved', (_req, res) => res.writeHead(301, { location: rawLocation('/ziel/ü', 'latin1') }).end());
    const { pages } = await crawlToArray(site.url('/'));
    expect(byPath(pages, '/moved')).toMatchObject({ finalUrl: site.url('/ziel/%C3%BC'), status: 200, error: null });
    expect(site.hits('/ziel/%C3%BC')).toBe(1);
  });
});

describe('size cap', () => {
  test('a body over maxBytes is cut at maxBytes and marked truncated', async ({ site }) => {
    site.page('/', ['/big']).bytes('/big', 200_000, 'text/html');
    const { pages } = await crawlToArray(site.url('/'), { maxBytes: 100_000 });
    expect(byPath(pages, '/big')).toMatchObject({ status: 200, bytes: 100_000, truncated: true, error: null });
    expect(byPath(pages, '/').truncated).toBe(false);
  });

  test('a body of exactly maxBytes is not truncated', async ({ site }) => {
    site.page('/', ['/exact']).bytes('/exact', 65_536, 'text/html', { contentLength: false });
    const { pages } = await crawlToArray(site.url('/'), { maxBytes: 65_536 });
    expect(byPath(pages, '/exact')).toMatchObject({ bytes: 65_536, truncated: false });
  });

  test('a 50 MiB body with maxBytes 1 MiB is cut without reading the rest', async ({ site }) => {
    const total = 50 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let sent = (): number => 0;
    site.page('/', ['/huge', '/after']).page('/after', []);
    site.route('/huge', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      sent = writeRepeatedly(res, chunk, total);
    });
    const { pages } = await crawlToArray(site.url('/'), { maxBytes: 1024 * 1024, timeoutMs: 5000 });
    expect(byPath(pages, '/huge')).toMatchObject({ bytes: 1024 * 1024, truncated: true, error: null });
    expect(byPath(pages, '/after').error).toBeNull();
    // The client hung up after the cap: the server never got to write most of the body (backpressure held it).
    expect(sent()).toBeLessThan(total / 2);
  });

  test('the cap applies to the decompressed size', async ({ site }) => {
    const html = `<title>zip</title>${'<p>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</p>'.repeat(20_000)}`;
    site.page('/', ['/z']).gzip('/z', html, 'gzip');
    const { pages } = await crawlToArray(site.url('/'), { maxBytes: 50_000 });
    expect(byPath(pages, '/z')).toMatchObject({ bytes: 50_000, truncated: true, title: 'zip' });
  });
});

describe('content encodings', () => {
  test.for(['gzip', 'deflate', 'br'] as const)('a %s body is decoded and its links are followed', async (encoding, { site }) => {
    site.gzip('/', '<!doctype html><title>packed</title><a href="/a">a</a><a href="/b">b</a>', encoding).page('/a', []).page('/b', []);
    const { pages } = await crawlToArray(site.url('/'));
    expect(paths(pages)).toEqual(['/', '/a', '/b']);
    expect(byPath(pages, '/')).toMatchObject({ title: 'packed', links: 2 });
    expect(site.requests[0]?.headers['accept-encoding']).toMatch(/gzip/);
  });
});

describe('content types', () => {
  test.for(['image/png', 'application/pdf'])('a %s response is recorded from its headers without being parsed', async (type, { site }) => {
    site.page('/', ['/file']).bytes('/file', 5000, type);
    const { pages, records } = await crawlToArray(site.url('/'));
    expect(byPath(pages, '/file')).toMatchObject({ status: 200, contentType: type, bytes: 5000, title: null, links: 0, truncated: false, error: null });
    expect(records.map((record) => new URL(record['url'] as string).pathname)).toEqual(['/']);
  });

  test('a large non-HTML body is not read (its declared length is recorded)', async ({ site }) => {
    site.page('/', ['/video', '/after']).bytes('/video', 20 * 1024 * 1024, 'video/mp4').page('/after', []);
    const { pages } = await crawlToArray(site.url('/'), { maxBytes: 1024 });
    expect(byPath(pages, '/video')).toMatchObject({ contentType: 'video/mp4', bytes: 20 * 1024 * 1024, truncated: false, error: null });
    expect(byPath(pages, '/after').error).toBeNull();
  });

  test('HTML links in a text/plain body are not followed', async ({ site }) => {
    site.page('/', ['/t']).route('/t', (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('<a href="/hidden">x</a>'));
    const { pages } = await crawlToArray(site.url('/'));
    expect(byPath(pages, '/t')).toMatchObject({ contentType: 'text/plain', links: 0, title: null });
    expect(site.hits('/hidden')).toBe(0);
  });

  test('application/xhtml+xml and a Content-Type in odd case are parsed as HTML', async ({ site }) => {
    site.page('/', ['/x', '/y']);
    site.html('/x', '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>X</title></head><body><a href="/z">z</a></body></html>', {
      'content-type': 'application/xhtml+xml',
    });
    site.html('/y', '<title>Y</title>', { 'content-type': 'Text/HTML; Charset=UTF-8' });
    site.page('/z', []);
    const { pages } = await crawlToArray(site.url('/'));
    expect(byPath(pages, '/x')).toMatchObject({ contentType: 'application/xhtml+xml', title: 'X', links: 1 });
    expect(byPath(pages, '/y')).toMatchObject({ contentType: 'text/html', title: 'Y' });
    expect(site.hits('/z')).toBe(1);
  });
});
