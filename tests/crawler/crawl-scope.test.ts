import { onTestFinished } from 'vitest';
import { startSite } from '../helpers/site.js';
import type { Site } from '../helpers/site.js';
import { byPath, crawlToArray, paths } from '../helpers/crawl.js';
import { describe, expect, test } from '../helpers/fixtures.js';

async function secondSite(host = '127.0.0.2'): Promise<Site> {
  const site = await startSite({ host });
  onTestFinished(() => site.close());
  return site;
}

const sorted = (list: readonly string[]) => [...list].sort();

describe('scope', () => {
  test.for([
    // scope, pages fetched on the start host, pages fetched on the other port of 127.0.0.1, on 127.0.0.2
    ['host', ['/', '/docs/a', '/blog'], ['/p'], []],
    ['origin', ['/', '/docs/a', '/blog'], [], []],
    ['prefix', ['/docs/', '/docs/a'], [], []],
    ['any', ['/', '/docs/a', '/blog'], ['/p'], ['/q']],
  ] as const)('scope %s follows exactly the links within it', async ([scope, own, samePort, otherHost], { site }) => {
    const sameHost = await secondSite('127.0.0.1');
    const other = await secondSite('127.0.0.2');
    const start = scope === 'prefix' ? '/docs/' : '/';
    const links = ['/', '/docs/a', '/blog', sameHost.url('/p'), other.url('/q')];
    for (const path of ['/', '/docs/', '/docs/a', '/blog']) site.page(path, links);
    sameHost.page('/p', []);
    other.page('/q', []);
    const { pages } = await crawlToArray(site.url(start), { scope, maxDepth: 2 });
    const onStartHost = pages.filter((page) => new URL(page.url).host === site.host);
    expect(paths(onStartHost)).toEqual(sorted(own));
    expect(sorted(sameHost.requests.map((r) => r.path).filter((p) => p !== '/robots.txt'))).toEqual(sorted(samePort));
    expect(sorted(other.requests.map((r) => r.path).filter((p) => p !== '/robots.txt'))).toEqual(sorted(otherHost));
  });

  test('each start URL brings its own host into scope', async ({ site }) => {
    const other = await secondSite();
    site.page('/', [other.url('/b')]);
    other.page('/', [site.url('/a'), '/b']).page('/b', []);
    site.page('/a', []);
    const { pages } = await crawlToArray([site.url('/'), other.url('/')]);
    expect(pages.map((page) => page.url).sort()).toEqual(sorted([site.url('/'), site.url('/a'), other.url('/'), other.url('/b')]));
    expect(byPath(pages, '/b').depth).toBe(1);
    expect(other.hits('/b')).toBe(1);
  });

  test('include keeps only matching links; exclude drops matching ones', async ({ site }) => {
    site.page('/', ['/docs/a', '/docs/private/b', '/blog/c', '/docs/d?print=1']);
    for (const path of ['/docs/a', '/docs/private/b', '/blog/c', '/docs/d']) site.page(path, []);
    const { pages, summary } = await crawlToArray(site.url('/'), { include: ['/docs/'], exclude: [/\/private\//, 'print=1'] });
    expect(paths(pages)).toEqual(['/', '/docs/a']);
    expect(summary.skipped['scope']).toBe(3);
    expect(site.hits('/docs/private/b') + site.hits('/blog/c') + site.hits('/docs/d?print=1')).toBe(0);
  });

  test('mailto:, javascript:, tel: and data: links are ignored without a request', async ({ site }) => {
    site.page('/', ['mailto:me@example.com', 'javascript:void(0)', 'tel:+123', 'data:text/html,hi', '/ok']).page('/ok', []);
    const { pages, summary } = await crawlToArray(site.url('/'));
    expect(paths(pages)).toEqual(['/', '/ok']);
    expect(summary.skipped['scheme']).toBe(4);
    expect(byPath(pages, '/').links).toBe(1);
    expect(site.requests.map((r) => r.path).sort()).toEqual(['/', '/ok', '/robots.txt']);
  });
});

describe('nofollow', () => {
  const html =
    '<title>nf</title><a href="/plain">p</a><a rel="nofollow" href="/nf">n</a><a rel="external NoFollow" href="/nf2">n</a>';

  test('rel=nofollow links are skipped by default', async ({ site }) => {
    site.html('/', html).page('/plain', []).page('/nf', []).page('/nf2', []);
    const { pages, summary } = await crawlToArray(site.url('/'));
    expect(paths(pages)).toEqual(['/', '/plain']);
    expect(summary.skipped['nofollow']).toBe(2);
    expect(site.hits('/nf') + site.hits('/nf2')).toBe(0);
  });

  test('followNofollow follows them', async ({ site }) => {
    site.html('/', html).page('/plain', []).page('/nf', []).page('/nf2', []);
    const { pages } = await crawlToArray(site.url('/'), { followNofollow: true });
    expect(paths(pages)).toEqual(['/', '/nf', '/nf2', '/plain']);
  });

  test('a robots meta nofollow applies to every link of the page', async ({ site }) => {
    site.page('/', ['/a', '/b'], { head: '<meta name="robots" content="noindex, nofollow">' }).page('/a', []).page('/b', []);
    const { pages, summary } = await crawlToArray(site.url('/'));
    expect(paths(pages)).toEqual(['/']);
    expect(summary.skipped['nofollow']).toBe(2);
  });
});

describe('<base href>', () => {
  test('relative links resolve against <base href>', async ({ site }) => {
    site.html('/dir/page', '<head><base href="/sub/"><title>b</title></head><a href="x">x</a><a href="../y">y</a><a href="/abs">abs</a>');
    site.page('/sub/x', []).page('/y', []).page('/abs', []);
    const { pages } = await crawlToArray(site.url('/dir/page'));
    expect(paths(pages)).toEqual(['/abs', '/dir/page', '/sub/x', '/y']);
    expect(site.hits('/dir/x')).toBe(0);
  });

  test('a relative <base href> resolves against the final URL after a redirect', async ({ site }) => {
    site.redirect('/start', '/deep/page').html('/deep/page', '<base href="inner/"><a href="x">x</a>').page('/deep/inner/x', []);
    const { pages } = await crawlToArray(site.url('/start'));
    expect(paths(pages)).toEqual(['/deep/inner/x', '/start']);
    expect(byPath(pages, '/deep/inner/x').parent).toBe(site.url('/start'));
  });

  test('without <base>, links resolve against the final URL after a redirect', async ({ site }) => {
    site.redirect('/r', '/a/b/').html('/a/b/', '<a href="c">c</a>').page('/a/b/c', []);
    const { pages } = await crawlToArray(site.url('/r'));
    expect(paths(pages)).toEqual(['/a/b/c', '/r']);
  });
});
