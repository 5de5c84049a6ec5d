import { startSite } from '../helpers/site.js';
import { byPath, crawlToArray, paths } from '../helpers/crawl.js';
import { describe, expect, test } from '../helpers/fixtures.js';

describe('dedupe across URL variants', () => {
  test('variants of one URL are fetched once and the record carries the normalized URL', async ({ site }) => {
    const port = site.port;
    // The default port cannot be exercised against an ephemeral port; normalize.test.ts pins it.
    const variants = [
      `HTTP://127.0.0.1:${port}/a`, // scheme case
      `http://0x7f.0.0.1:${port}/a`, // another spelling of the host
      `http://127.0.0.1:${port}/a#section`, // fragment
      `/x/../a`, // dot segments
      `./b/./../a`,
    ];
    site.page('/', [...variants, '/~user', '/%7Euser', '/%7euser']).page('/a', []).page('/~user', []);
    const { pages } = await crawlToArray(site.url('/'));
    expect(paths(pages)).toEqual(['/', '/a', '/~user']);
    expect(site.hits('/a')).toBe(1);
    expect(site.hits('/~user') + site.hits('/%7Euser') + site.hits('/%7euser')).toBe(1);
    expect(byPath(pages, '/a').url).toBe(site.url('/a'));
    expect(byPath(pages, '/').links).toBe(2);
  });

  test('a URL linked from many pages of one level is fetched once, from its first parent', async ({ site }) => {
    const hub = Array.from({ length: 10 }, (_, i) => `/p${i}`);
    site.page('/', hub);
    for (const path of hub) site.page(path, ['/shared', '/']);
    site.page('/shared', hub);
    const { pages, summary } = await crawlToArray(site.url('/'), { concurrency: 8, perHost: 8 });
    expect(pages).toHaveLength(12);
    expect(byPath(pages, '/shared').depth).toBe(2);
    expect(byPath(pages, '/shared').parent).toBe(site.url('/p0'));
    for (const request of site.requests) expect(site.hits(request.path)).toBe(1);
    expect(summary.skipped['seen']).toBe(9 + 10 + 10);
  });
});

describe('redirects', () => {
  test('a redirect chain A -> B -> C fetches each once; the record has url A and finalUrl C', async ({ site }) => {
    site.page('/', ['/a']).redirect('/a', '/b').redirect('/b', site.url('/c'), 302).page('/c', ['/b', '/c', '/d'], { title: 'C' }).page('/d', []);
    const { pages } = await crawlToArray(site.url('/'));
    expect(paths(pages)).toEqual(['/', '/a', '/d']);
    const a = byPath(pages, '/a');
    expect(a).toMatchObject({ url: site.url('/a'), finalUrl: site.url('/c'), status: 200, depth: 1, title: 'C', error: null });
    expect(a.redirects).toEqual([{ url: site.url('/a'), status: 301 }, { url: site.url('/b'), status: 302 }]);
    expect(byPath(pages, '/d').parent).toBe(site.url('/a'));
    for (const path of ['/', '/a', '/b', '/c', '/d']) expect(site.hits(path)).toBe(1);
  });

  test('a redirect to a URL already seen is not followed: the target is fetched once, as itself', async ({ site }) => {
    site.page('/', ['/c', '/r1', '/r2']).page('/c', []).redirect('/r1', '/c').redirect('/r2', '/c', 308);
    const { pages } = await crawlToArray(site.url('/'));
    expect(paths(pages)).toEqual(['/', '/c', '/r1', '/r2']);
    expect(site.hits('/c')).toBe(1);
    expect(byPath(pages, '/r1')).toMatchObject({ finalUrl: site.url('/c'), status: 301, title: null, links: 0, error: null });
    expect(byPath(pages, '/r2')).toMatchObject({ finalUrl: site.url('/c'), status: 308, error: null });
    expect(byPath(pages, '/c')).toMatchObject({ url: site.url('/c'), finalUrl: site.url('/c'), status: 200 });
  });

  test('two redirects racing to one new target fetch it once', async ({ site }) => {
    site.page('/', ['/r1', '/r2', '/r3']).redirect('/r1', '/t').redirect('/r2', '/t').redirect('/r3', '/t').page('/t', []);
    const { pages } = await crawlToArray(site.url('/'), { perHost: 4 });
    expect(site.hits('/t')).toBe(1);
    const finals = pages.filter((page) => page.url !== site.url('/')).map((page) => [page.finalUrl, page.status]);
    expect(finals.filter(([, status]) => status === 200)).toEqual([[site.url('/t'), 200]]);
    expect(finals.every(([finalUrl]) => finalUrl === site.url('/t'))).toBe(true);
  });

  test('a redirect target is not fetched again when a later page links to it', async ({ site }) => {
    site.page('/', ['/old']).redirect('/old', '/new').page('/new', ['/more']).page('/more', ['/new', '/old']);
    const { pages, summary } = await crawlToArray(site.url('/'));
    expect(paths(pages)).toEqual(['/', '/more', '/old']);
    expect(site.hits('/new')).toBe(1);
    expect(site.hits('/old')).toBe(1);
    expect(summary.skipped['seen']).toBe(2);
  });

  test('a redirect loop is recorded as redirect-loop', async ({ site }) => {
    site.page('/', ['/l1', '/self']).redirect('/l1', '/l2').redirect('/l2', '/l1').redirect('/self', '/self');
    const { pages, summary } = await crawlToArray(site.url('/'));
    expect(byPath(pages, '/l1').error?.code).toBe('redirect-loop');
    expect(byPath(pages, '/self').error?.code).toBe('redirect-loop');
    expect(site.hits('/l1')).toBe(1);
    expect(site.hits('/l2')).toBe(1);
    expect(site.hits('/self')).toBe(1);
    expect(summary.errors).toEqual({ 'redirect-loop': 2 });
    expect(summary.failed).toBe(2);
  });

  test('more than maxRedirects hops is recorded as too-many-redirects, the next hop never requested', async ({ site }) => {
    site.page('/', ['/h0']);
    for (let i = 0; i < 5; i++) site.redirect(`/h${i}`, `/h${i + 1}`);
    site.page('/h5', []);
    const { pages } = await crawlToArray(site.url('/'), { maxRedirects: 2 });
    expect(byPath(pages, '/h0').error?.code).toBe('too-many-redirects');
    expect([0, 1, 2, 3].map((i) => site.hits(`/h${i}`))).toEqual([1, 1, 1, 0]);
  });

  test('exactly maxRedirects hops are followed', async ({ site }) => {
    site.page('/', ['/h0']).redirect('/h0', '/h1').redirect('/h1', '/h2').page('/h2', [], { title: 'end' });
    const { pages } = await crawlToArray(site.url('/'), { maxRedirects: 2 });
    expect(byPath(pages, '/h0')).toMatchObject({ finalUrl: site.url('/h2'), status: 200, title: 'end', error: null });
    expect(byPath(pages, '/h0').redirects.map((hop) => hop.status)).toEqual([301, 301]);
  });

  test('a redirect to an out-of-scope host is not followed', async ({ site }) => {
    const other = await startSite({ host: '127.0.0.2' });
    try {
      other.page('/x', []);
      site.page('/', ['/out']).redirect('/out', other.url('/x'));
      const { pages } = await crawlToArray(site.url('/'));
      expect(byPath(pages, '/out')).toMatchObject({ finalUrl: other.url('/x'), status: 301, error: null });
      expect(other.requests).toHaveLength(0);
    } finally {
      await other.close();
    }
  });

  test('a redirect to a non-http location is recorded as bad-redirect', async ({ site }) => {
    site.page('/', ['/m']).redirect('/m', 'mailto:someone@example.com');
    const { pages } = await crawlToArray(site.url('/'));
    expect(byPath(pages, '/m').error?.code).toBe('bad-redirect');
  });

  test('a redirect disallowed by robots.txt is not followed', async ({ site }) => {
    site.robots('User-agent: *\nDisallow: /private\n').page('/', ['/r']).redirect('/r', '/private/x').page('/private/x', []);
    const { pages } = await crawlToArray(site.url('/'));
    expect(byPath(pages, '/r')).toMatchObject({ finalUrl: site.url('/private/x'), status: 301, error: null });
    expect(site.hits('/private/x')).toBe(0);
  });
});
