import { startSite } from '../helpers/site.js';
import { byPath, crawlToArray, paths } from '../helpers/crawl.js';
import { describe, expect, test } from '../helpers/fixtures.js';

describe('depth', () => {
  test('a page reached by a short and a long path gets the short depth and is fetched once', async ({ site }) => {
    site.page('/', ['/a', '/c']).page('/a', ['/b']).page('/b', ['/c']).page('/c', []);
    const { pages } = await crawlToArray(site.url('/'), { maxDepth: 3 });
    expect(paths(pages)).toEqual(['/', '/a', '/b', '/c']);
    expect(byPath(pages, '/c').depth).toBe(1);
    expect(byPath(pages, '/c').parent).toBe(site.url('/'));
    expect(byPath(pages, '/b').depth).toBe(2);
    expect(site.hits('/c')).toBe(1);
  });

  test('the short path wins even when the long path answers first', async ({ site }) => {
    // /slow holds the short path to /t; /fast leads there through /x a level later but answers at once.
    site.page('/', ['/slow', '/fast']).delay('/slow', 150, '<title>slow</title><a href="/t">t</a>');
    site.page('/fast', ['/x']).page('/x', ['/t']).page('/t', []);
    const { pages } = await crawlToArray(site.url('/'), { maxDepth: 5 });
    expect(byPath(pages, '/t').depth).toBe(2);
    expect(byPath(pages, '/t').parent).toBe(site.url('/slow'));
    expect(site.hits('/t')).toBe(1);
  });

  test('every page of depth d is recorded before any page of depth d+1', async ({ site }) => {
    site.page('/', ['/a', '/b']).delay('/a', 100, '<a href="/a1">a1</a>').page('/b', ['/b1']).page('/a1', []).page('/b1', []);
    const { pages } = await crawlToArray(site.url('/'), { maxDepth: 3 });
    expect(pages.map((page) => page.depth)).toEqual([0, 1, 1, 2, 2]);
  });

  test.for([0, 1, 2])('maxDepth %i fetches and parses pages at that depth but follows none of their links', async (maxDepth, { site }) => {
    site.page('/', ['/1']).page('/1', ['/2']).page('/2', ['/3']).page('/3', []);
    const { pages, records, summary } = await crawlToArray(site.url('/'), { maxDepth });
    const expected = ['/', '/1', '/2', '/3'].slice(0, maxDepth + 1);
    expect(paths(pages)).toEqual([...expected].sort());
    // Pages at maxDepth are parsed: their title records exist and their links are counted.
    const deepest = byPath(pages, expected[maxDepth] as string);
    expect(deepest.depth).toBe(maxDepth);
    expect(deepest.links).toBe(1);
    expect(records.filter((record) => record['type'] === 'title').map((record) => new URL(record['url'] as string).pathname).sort()).toEqual([...expected].sort());
    expect(summary.skipped['depth']).toBe(1);
    expect(site.hits(['/1', '/2', '/3'][maxDepth] as string)).toBe(0);
  });

  test('depth counts in-scope links only: a page reachable only through another host is never reached by that route', async ({ site }) => {
    const other = await startSite({ host: '127.0.0.2' });
    try {
      other.page('/x', [site.url('/y')]);
      site.page('/', [other.url('/x'), '/a']).page('/a', ['/b']).page('/b', ['/y']).page('/y', []);
      const { pages, summary } = await crawlToArray(site.url('/'), { maxDepth: 5 });
      expect(paths(pages)).toEqual(['/', '/a', '/b', '/y']);
      expect(byPath(pages, '/y').depth).toBe(3);
      expect(byPath(pages, '/').links).toBe(1);
      expect(summary.skipped['scope']).toBe(1);
      expect(other.requests).toHaveLength(0);
    } finally {
      await other.close();
    }
  });

  test('several start URLs all start at depth 0, even when one links to another', async ({ site }) => {
    site.page('/a', ['/b', '/a1']).page('/b', ['/b1']).page('/a1', []).page('/b1', []);
    const { pages, summary } = await crawlToArray([site.url('/a'), site.url('/b')], { maxDepth: 1 });
    expect(paths(pages)).toEqual(['/a', '/a1', '/b', '/b1']);
    expect(byPath(pages, '/a').depth).toBe(0);
    expect(byPath(pages, '/b').depth).toBe(0);
    expect(byPath(pages, '/b').parent).toBeNull();
    expect(byPath(pages, '/b1').depth).toBe(1);
    expect(site.hits('/b')).toBe(1);
    expect(summary.byDepth).toEqual([
      { depth: 0, pages: 2, failed: 0 },
      { depth: 1, pages: 2, failed: 0 },
    ]);
  });

  test('a level larger than the scheduling window is crawled completely, each page once', async ({ site }) => {
    const links = Array.from({ length: 150 }, (_, i) => `/p${i}`);
    site.page('/', links);
    for (const path of links) site.page(path, [`${path}/leaf`, '/']).page(`${path}/leaf`, []);
    const { pages, summary } = await crawlToArray(site.url('/'), { concurrency: 4, perHost: 4, maxDepth: 2 });
    expect(pages).toHaveLength(1 + 150 + 150);
    expect(summary.byDepth.map((level) => level.pages)).toEqual([1, 150, 150]);
    expect(site.requests.every((request) => site.hits(request.path) === 1)).toBe(true);
  });

  test('duplicate start URLs (after normalization) are fetched once', async ({ site }) => {
    site.page('/', []);
    const { pages } = await crawlToArray([site.url('/'), `${site.url('/')}#top`, site.origin]);
    expect(paths(pages)).toEqual(['/']);
    expect(site.hits('/')).toBe(1);
  });
});
