import { byPath, crawlToArray, paths } from '../helpers/crawl.js';
import { describe, expect, test } from '../helpers/fixtures.js';

describe('crawl traps', () => {
  test('a page generating ever-deeper repeated segments is cut at maxRepeatedSegments', async ({ site }) => {
    // Each level links to `a/` relative to itself: /t/a/, /t/a/a/, /t/a/a/a/, ...
    site.page('/t/', ['a/']);
    for (let depth = 1; depth <= 6; depth++) site.page(`/t/${'a/'.repeat(depth)}`, ['a/']);
    const { pages, summary } = await crawlToArray(site.url('/t/'), { maxDepth: 10, maxRepeatedSegments: 3 });
    expect(paths(pages)).toEqual(['/t/', '/t/a/', '/t/a/a/', '/t/a/a/a/']);
    expect(site.hits('/t/a/a/a/a/')).toBe(0);
    expect(summary.skipped['trap']).toBe(1);
  });

  test('an over-long URL is not followed', async ({ site }) => {
    const long = `/${'x'.repeat(300)}`;
    site.page('/', [long, '/short']).page(long, []).page('/short', []);
    const { pages, summary } = await crawlToArray(site.url('/'), { maxUrlLength: 200 });
    expect(paths(pages)).toEqual(['/', '/short']);
    expect(site.hits(long)).toBe(0);
    expect(summary.skipped['too-long']).toBe(1);
  });

  test('a redirect into a trap is not followed', async ({ site }) => {
    site.page('/', ['/r']).redirect('/r', '/b/b/b/b/').page('/b/b/b/b/', []);
    const { pages } = await crawlToArray(site.url('/'), { maxRepeatedSegments: 3 });
    expect(byPath(pages, '/r')).toMatchObject({ status: 301, finalUrl: site.url('/b/b/b/b/') });
    expect(site.hits('/b/b/b/b/')).toBe(0);
  });
});
