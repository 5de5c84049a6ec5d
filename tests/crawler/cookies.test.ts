import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseCookiesTxt } from '../../src/index.js';
import { byPath, crawlToArray } from '../helpers/crawl.js';
import { describe, expect, test } from '../helpers/fixtures.js';
import { withOtherHost } from '../helpers/site.js';
import type { Site } from '../helpers/site.js';

const cookieOf = (site: Site, path: string) => site.requests.filter((request) => request.path === path).map((request) => request.headers['cookie']);

/** A page that sets cookies (several Set-Cookie headers, one with a comma in its Expires) and links on. */
function cookiePage(site: Site, path: string, setCookies: string[], links: string[]): void {
  const html = links.map((link) => `<a href="${link}">x</a>`).join('');
  site.route(path, (_req, res) => res.writeHead(200, { 'content-type': 'text/html', 'set-cookie': setCookies }).end(html));
}

test('cookies set by a page go back to its host, to the paths they belong to, and not to another host', async ({ site }) => {
  await withOtherHost(async (other) => {
    other.page('/', []);
    cookiePage(site, '/', ['session=abc; Path=/', 'later=1; Expires=Wed, 21 Oct 2099 07:28:00 GMT', 'admin=2; Path=/admin', 'evil=3; Domain=127.0.0.2'], ['/a', '/admin/x', other.url('/')]);
    site.page('/a', []).page('/admin/x', []);
    const { pages } = await crawlToArray(site.url('/'), { scope: 'any', maxDepth: 1, concurrency: 1 });
    expect(pages.filter((page) => page.error)).toEqual([]);
    expect(cookieOf(site, '/')).toEqual([undefined]);
    expect(cookieOf(site, '/a')).toEqual(['session=abc; later=1']);
    expect(cookieOf(site, '/admin/x')).toEqual(['admin=2; session=abc; later=1']);
    expect(other.requests.map((request) => request.headers['cookie'])).toEqual([undefined, undefined]);
  });
});

test('a cookie set on a redirect is sent on the next hop; one set on another host stays with that host', async ({ site }) => {
  await withOtherHost(async (other) => {
    site.route('/login', (_req, res) => res.writeHead(302, { location: '/home', 'set-cookie': 'token=t1; Path=/; HttpOnly' }).end());
    site.page('/home', []);
    site.route('/sso', (_req, res) => res.writeHead(302, { location: other.url('/back') }).end());
    other.route('/back', (_req, res) => res.writeHead(302, { location: other.url('/in'), 'set-cookie': 'sso=s1' }).end());
    other.page('/in', []);
    site.page('/', ['/login', '/sso']);
    const { pages } = await crawlToArray(site.url('/'), { scope: 'any', maxDepth: 1, concurrency: 1 });
    expect(byPath(pages, '/login')).toMatchObject({ finalUrl: site.url('/home'), status: 200 });
    expect(cookieOf(site, '/home')).toEqual(['token=t1']);
    expect(cookieOf(other, '/in')).toEqual(['sso=s1']);
    expect(cookieOf(other, '/back')).toEqual([undefined]);
    expect(site.requests.every((request) => !String(request.headers['cookie'] ?? '').includes('sso'))).toBe(true);
  });
});

test('cookies: false keeps no cookie', async ({ site }) => {
  cookiePage(site, '/', ['session=abc'], ['/a']);
  site.page('/a', []);
  await crawlToArray(site.url('/'), { cookies: false });
  expect(cookieOf(site, '/a')).toEqual([undefined]);
});

test('a cookies.txt is loaded first: HttpOnly lines, host-only and expired cookies, each to its own host', async ({ site, tmp }) => {
  await withOtherHost(async (other) => {
    other.page('/', []);
    site.page('/', [other.url('/')]);
    const file = join(tmp, 'cookies.txt');
    await writeFile(file, [
      '# Netscape HTTP Cookie File',
      '# exported by a browser',
      '',
      `127.0.0.1\tFALSE\t/\tFALSE\t0\tsid\tone`,
      `#HttpOnly_127.0.0.1\tFALSE\t/\tFALSE\t4102444800\tlogin\ttwo`,
      `127.0.0.1\tFALSE\t/\tFALSE\t946684800\told\texpired`,
      `127.0.0.1\tFALSE\t/private\tFALSE\t0\tdeep\tno`,
      `127.0.0.1\tFALSE\t/\tTRUE\t0\tsecure\tonly-https`,
      `127.0.0.2\tFALSE\t/\tFALSE\t0\tother\tthree`,
      '',
    ].join('\n'));
    await crawlToArray(site.url('/'), { scope: 'any', maxDepth: 1, cookies: { file } });
    // Loopback counts as a secure context (as in browsers), so the Secure cookie goes too.
    expect(cookieOf(site, '/')).toEqual(['sid=one; login=two; secure=only-https']);
    expect(cookieOf(other, '/')).toEqual(['other=three']);
  });
});

test('a bad cookies.txt fails the run before any request, naming the line', async ({ site, tmp }) => {
  site.page('/', []);
  const file = join(tmp, 'cookies.txt');
  await writeFile(file, `# Netscape HTTP Cookie File\n127.0.0.1\tFALSE\t/\tFALSE\t0\tsid\tone\n127.0.0.1 FALSE / FALSE 0 sid secret-value\n`);
  const failure = crawlToArray(site.url('/'), { cookies: { file } });
  await expect(failure).rejects.toMatchObject({ code: 'invalid-option', option: 'cookies', message: expect.stringContaining('line 3') });
  await expect(failure).rejects.not.toMatchObject({ message: expect.stringContaining('secret-value') });
  await expect(crawlToArray(site.url('/'), { cookies: { file: join(tmp, 'missing.txt') } })).rejects.toMatchObject({ option: 'cookies' });
  expect(site.requests).toHaveLength(0);
});

describe('parseCookiesTxt', () => {
  test('reads the seven fields, #HttpOnly_ lines, leading dots, and a six-field line as an empty value', () => {
    const text = '# comment\r\n.example.com\tTRUE\t/\tTRUE\t1700000000\ta\t1\r\n#HttpOnly_www.example.com\tFALSE\t/x\tFALSE\t0\tb\tv=2\r\nexample.org\tFALSE\t/\tFALSE\t0\tempty\r\n';
    expect(parseCookiesTxt(text, 'c.txt')).toEqual([
      { domain: 'example.com', includeSubdomains: true, path: '/', secure: true, httpOnly: false, expires: 1700000000, name: 'a', value: '1' },
      { domain: 'www.example.com', includeSubdomains: false, path: '/x', secure: false, httpOnly: true, expires: 0, name: 'b', value: 'v=2' },
      { domain: 'example.org', includeSubdomains: false, path: '/', secure: false, httpOnly: false, expires: 0, name: 'empty', value: '' },
    ]);
  });

  test.each([
    ['example.com\tTRUE\t/', 'expected 7 tab-separated fields'],
    ['example.com\tYES\t/\tFALSE\t0\ta\t1', 'include subdomains'],
    ['example.com\tTRUE\tx\tFALSE\t0\ta\t1', 'path'],
    ['example.com\tTRUE\t/\tmaybe\t0\ta\t1', 'secure'],
    ['example.com\tTRUE\t/\tFALSE\tsoon\ta\t1', 'expires'],
    ['\tTRUE\t/\tFALSE\t0\ta\t1', 'domain'],
    ['example.com\tTRUE\t/\tFALSE\t0\t\t1', 'cookie name'],
  ])('%j is refused: %s', (line, what) => {
    expect(() => parseCookiesTxt(`# header\n${line}\n`, 'c.txt')).toThrow(expect.objectContaining({ option: 'cookies', message: expect.stringMatching(new RegExp(`^c\\.txt line 2: .*${what}`)) }));
  });
});
