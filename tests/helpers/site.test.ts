import type { ServerResponse } from 'node:http';
import { onTestFinished } from 'vitest';
import { describe, expect, test } from './fixtures.js';
import { startSite } from './site.js';

async function bodyLength(response: Response): Promise<number> {
  let total = 0;
  for await (const chunk of response.body ?? []) total += (chunk as Uint8Array).byteLength;
  return total;
}

describe('routes', () => {
  test('page renders a titled HTML5 document with one escaped anchor per link', async ({ site }) => {
    site.page('/', ['/a', '/b?x=1&y=2'], { title: 'Home', head: '<meta name="robots" content="nofollow">', body: '<h1>Hi</h1>' });
    const response = await fetch(site.url('/'));
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await response.text();
    expect(html.startsWith('<!doctype html><html><head><meta charset="utf-8"><title>Home</title>')).toBe(true);
    expect(html).toContain('<meta name="robots" content="nofollow"></head><body><h1>Hi</h1><a href="/a">/a</a>');
    expect(html).toContain('<a href="/b?x=1&amp;y=2">/b?x=1&amp;y=2</a>');
  });

  test('page title defaults to the path and status and headers can be set', async ({ site }) => {
    site.page('/x', [], { status: 410, headers: { 'X-Robots-Tag': 'noindex' } });
    const response = await fetch(site.url('/x'));
    expect(response.status).toBe(410);
    expect(response.headers.get('x-robots-tag')).toBe('noindex');
    expect(await response.text()).toContain('<title>/x</title>');
  });

  test('an unknown path answers 404 with a small HTML body', async ({ site }) => {
    const response = await fetch(site.url('/nope'));
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('404');
  });

  test('a query string falls back to the pathname route unless an exact route exists', async ({ site }) => {
    site.html('/a', 'plain').html('/a?v=2', 'exact');
    expect(await (await fetch(site.url('/a?v=1'))).text()).toBe('plain');
    expect(await (await fetch(site.url('/a?v=2'))).text()).toBe('exact');
  });

  test('redirect answers the code with a Location header', async ({ site }) => {
    site.redirect('/old', '/new').redirect('/tmp', site.url('/new'), 302).page('/new', []);
    const manual = await fetch(site.url('/old'), { redirect: 'manual' });
    expect(manual.status).toBe(301);
    expect(manual.headers.get('location')).toBe('/new');
    const followed = await fetch(site.url('/tmp'));
    expect(followed.url).toBe(site.url('/new'));
    expect(site.hits('/new')).toBe(1);
  });

  test('status answers the code with the given body', async ({ site }) => {
    site.status('/teapot', 418, 'short and stout').status('/gone', 410);
    const teapot = await fetch(site.url('/teapot'));
    expect([teapot.status, await teapot.text()]).toEqual([418, 'short and stout']);
    expect((await fetch(site.url('/gone'))).status).toBe(410);
  });

  test('retryAfter answers 503 with Retry-After for the first hits, then the page', async ({ site }) => {
    site.retryAfter('/busy', 2, { html: 'ready' }).retryAfter('/limited', 1, { html: 'ok' }, 2, { code: 429 });
    const first = await fetch(site.url('/busy'));
    expect([first.status, first.headers.get('retry-after')]).toEqual([503, '2']);
    const second = await fetch(site.url('/busy'));
    expect([second.status, await second.text()]).toEqual([200, 'ready']);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(site.url('/limited'))).status);
    expect(statuses).toEqual([429, 429, 200]);
  });

  test('flaky answers 500 for the first failures, then 200', async ({ site }) => {
    site.flaky('/f', 2, 'fine');
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(site.url('/f'))).status);
    expect(statuses).toEqual([500, 500, 200]);
  });

  test('route runs a custom handler and turns a throw into a 500', async ({ site }) => {
    site.route('/custom', (req, res) => res.end(`method=${req.method}`)).route('/boom', () => {
      throw new Error('kaboom');
    });
    expect(await (await fetch(site.url('/custom'), { method: 'POST' })).text()).toBe('method=POST');
    const boom = await fetch(site.url('/boom'));
    expect([boom.status, await boom.text()]).toEqual([500, 'Error: kaboom']);
  });

  test.for(['gzip', 'deflate', 'br'] as const)('gzip(%s) sends a compressed body with its Content-Encoding', async (encoding, { site }) => {
    site.gzip('/z', '<p>squeezed</p>'.repeat(100), encoding);
    const response = await fetch(site.url('/z'));
    expect(response.headers.get('content-encoding')).toBe(encoding);
    expect(await response.text()).toBe('<p>squeezed</p>'.repeat(100));
  });

  test('robots serves text/plain or a bare status', async ({ site }) => {
    site.robots('User-agent: *\nDisallow: /private\n');
    const response = await fetch(site.url('/robots.txt'));
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await response.text()).toBe('User-agent: *\nDisallow: /private\n');
    site.robots(503);
    expect((await fetch(site.url('/robots.txt'))).status).toBe(503);
  });

  test('delay answers with the page', async ({ site }) => {
    site.delay('/slow', 20, 'eventually');
    expect(await (await fetch(site.url('/slow'))).text()).toBe('eventually');
  });
});

describe('encoded', () => {
  test.for([
    ['windows-1251', '<!doctype html><title>Привет, мир</title><p>Ёжик — ёлка №5'],
    ['shift_jis', '<!doctype html><title>こんにちは世界</title><p>ｶﾀｶﾅ 漢字テスト ①'],
    ['euc-kr', '<!doctype html><title>안녕하세요</title>'],
  ] as const)('%s round-trips through TextDecoder', async ([charset, html], { site }) => {
    site.encoded('/e', charset, html);
    const response = await fetch(site.url('/e'));
    expect(response.headers.get('content-type')).toBe(`text/html; charset=${charset}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(bytes.some((b) => b >= 0x80)).toBe(true);
    expect(new TextDecoder(charset).decode(bytes)).toBe(html);
  });

  test('without the header it sends plain text/html, and unencodable characters become references', async ({ site }) => {
    site.encoded('/e', 'windows-1251', '<meta charset="windows-1251">Я 😀', { header: false });
    const response = await fetch(site.url('/e'));
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(new TextDecoder('windows-1251').decode(await response.arrayBuffer())).toBe('<meta charset="windows-1251">Я &#128512;');
  });

  test('bom prepends the UTF-8 or UTF-16LE byte order mark', async ({ site }) => {
    site.encoded('/u8', 'utf-8', 'é', { bom: true }).encoded('/u16', 'utf-16le', 'é', { bom: true });
    expect([...new Uint8Array(await (await fetch(site.url('/u8'))).arrayBuffer())]).toEqual([0xef, 0xbb, 0xbf, 0xc3, 0xa9]);
    expect([...new Uint8Array(await (await fetch(site.url('/u16'))).arrayBuffer())]).toEqual([0xff, 0xfe, 0xe9, 0x00]);
  });

  test('an unknown charset label throws at registration', async ({ site }) => {
    expect(() => site.encoded('/e', 'klingon', 'x')).toThrow(RangeError);
  });
});

describe('bytes', () => {
  test.for([0, 1, 65_536, 200_001])('bytes(%i) sends exactly that many bytes', async (n, { site }) => {
    site.bytes('/b', n);
    const response = await fetch(site.url('/b'));
    expect(response.headers.get('content-length')).toBe(String(n));
    expect(await bodyLength(response)).toBe(n);
  });

  test('without Content-Length the body is chunked and still exact', async ({ site }) => {
    site.bytes('/b', 100_000, 'application/octet-stream', { contentLength: false });
    const response = await fetch(site.url('/b'));
    expect(response.headers.get('content-length')).toBeNull();
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(await bodyLength(response)).toBe(100_000);
  });

  test('a client that stops reading a huge body does not keep the server busy', async ({ site }) => {
    site.bytes('/huge', 50 * 1024 * 1024);
    const controller = new AbortController();
    const response = await fetch(site.url('/huge'), { signal: controller.signal });
    const reader = response.body?.getReader();
    expect((await reader?.read())?.done).toBe(false);
    controller.abort();
    await site.close();
  });
});

describe('observations', () => {
  test('hits counts every request for the exact path, HEAD included, and requests records them', async ({ site }) => {
    site.page('/a', []);
    await (await fetch(site.url('/a'))).text();
    await (await fetch(site.url('/a'), { method: 'HEAD' })).text();
    await (await fetch(site.url('/a?x=1'), { headers: { 'user-agent': 'probe' } })).text();
    expect([site.hits('/a'), site.hits('/a?x=1'), site.hits('/b')]).toEqual([2, 1, 0]);
    expect(site.requests.map((r) => [r.method, r.path])).toEqual([['GET', '/a'], ['HEAD', '/a'], ['GET', '/a?x=1']]);
    expect(site.requests[2]?.headers['user-agent']).toBe('probe');
    expect(site.requests[0]?.at).toBeLessThanOrEqual(site.requests[2]?.at ?? 0);
  });

  test('peakConcurrent and peakConnections count requests held open at once', async ({ site }) => {
    const held: ServerResponse[] = [];
    site.route('/gate', (_req, res) => {
      held.push(res);
      if (held.length === 3) for (const r of held) r.end('released');
    });
    const bodies = await Promise.all([1, 2, 3].map(async () => (await fetch(site.url('/gate'))).text()));
    expect(bodies).toEqual(['released', 'released', 'released']);
    expect([site.peakConcurrent, site.peakConnections]).toEqual([3, 3]);
    await (await fetch(site.url('/after'))).text();
    expect(site.peakConcurrent).toBe(3);
  });

  test('waitForHit resolves on the hit and rejects when the site closes first', async ({ site }) => {
    site.page('/p', []);
    const waiting = site.waitForHit('/p', 2);
    await (await fetch(site.url('/p'))).text();
    await (await fetch(site.url('/p'))).text();
    await expect(waiting).resolves.toBeUndefined();
    const never = site.waitForHit('/q');
    await site.close();
    await expect(never).rejects.toThrow(/closed/);
  });
});

describe('failures and lifecycle', () => {
  test('a stalled request never answers, and close still finishes', async ({ site }) => {
    site.stall('/stall');
    const pending = fetch(site.url('/stall'));
    await site.waitForHit('/stall');
    expect(site.peakConcurrent).toBe(1);
    await site.close();
    await expect(pending).rejects.toThrow(TypeError);
  });

  test('drop resets the connection without a response', async ({ site }) => {
    site.drop('/drop');
    await expect(fetch(site.url('/drop'))).rejects.toThrow(TypeError);
    expect(site.hits('/drop')).toBe(1);
  });

  test('close is idempotent', async ({ site }) => {
    await Promise.all([site.close(), site.close()]);
  });

  test('a second loopback address is a separate host', async ({ site }) => {
    const other = await startSite({ host: '127.0.0.2' });
    onTestFinished(() => other.close());
    site.page('/', ['/one']);
    other.page('/', ['/two']);
    expect(other.hostname).toBe('127.0.0.2');
    expect(other.host).toBe(`127.0.0.2:${other.port}`);
    expect(other.origin).toBe(`http://127.0.0.2:${other.port}`);
    expect(await (await fetch(other.url('/'))).text()).toContain('/two');
    expect([site.hits('/'), other.hits('/')]).toEqual([0, 1]);
    expect(other.requests[0]?.headers.host).toBe(other.host);
  });
});
