import { describe, expect, test } from 'vitest';
import { compactLinksOf, linksOf } from '../../src/crawler/compact-links.js';
import { filterLinks } from '../../src/crawler/link-filter.js';
import type { LinkRules } from '../../src/crawler/link-filter.js';
import { createUrlNormalizer } from '../../src/crawler/normalize.js';
import { createScope } from '../../src/crawler/scope.js';
import type { FoundLink } from '../../src/extractors/extractor.js';

function rules(followNofollow: boolean): LinkRules {
  return {
    normalize: createUrlNormalizer(),
    inScope: createScope(['http://site.test/'], 'host', [], [/\/excluded\//]),
    maxUrlLength: 60,
    maxRepeatedSegments: 2,
    followNofollow,
  };
}

// URLs that fold (same key or same normalized form) and URLs every occurrence of which counts (invalid, other schemes).
const URLS = [
  'http://site.test/a', 'http://site.test/a#x', 'http://site.test/a#y', 'HTTP://SITE.TEST/a#z', 'http://site.test/./a',
  'http://site.test/a #x', 'http://site.test/a?q #x', 'http://site.test/b', 'http://site.test/b#', 'http://other.test/c#x',
  'http://site.test/excluded/d#x', `http://site.test/${'x'.repeat(60)}#x`, 'http://site.test/t/t/t#x', 'http://[oops#x',
  'http://[oops', 'http://', 'mailto:a@site.test#x', 'mailto:a@site.test', 'javascript:void(0)', 'relative.html#x', '#top',
];

// A deterministic pseudo-random page of links drawn from URLS, some nofollow.
function page(seed: number, length: number): FoundLink[] {
  let state = seed;
  const next = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31);
  return Array.from({ length }, () => ({ url: URLS[next() % URLS.length] as string, text: '', element: 'a', attribute: 'href', nofollow: next() % 3 === 0 }));
}

const outcome = (links: FoundLink[], followNofollow: boolean, expand: boolean) => {
  const result = filterLinks(links, rules(followNofollow), expand, 'http://site.test/dir/');
  return { candidates: result.candidates.map((candidate) => candidate.url), inScope: result.inScope, skipped: Object.fromEntries(result.skipped) };
};

describe('compactLinksOf', () => {
  test.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])('admission gives the same result on the compact links of page %i', (seed) => {
    const links = page(seed, 40);
    const compact = linksOf(compactLinksOf(links));
    expect(compact.length).toBeLessThan(links.length);
    for (const followNofollow of [false, true]) {
      for (const expand of [true, false]) expect(outcome(compact, followNofollow, expand)).toEqual(outcome(links, followNofollow, expand));
    }
  });

  test('drops repeats of a URL (fragments aside), keeps a plain link after a nofollow one and every occurrence of a link never followed', () => {
    const link = (url: string, nofollow = false): FoundLink => ({ url, text: '', element: 'a', attribute: 'href', nofollow });
    const compact = compactLinksOf([
      link('http://site.test/a#x', true), link('http://site.test/a#y', true), link('http://site.test/b#1'), link('http://site.test/a'),
      link('http://site.test/a', true), link('http://site.test/b#2'), link('mailto:m#x'), link('mailto:m#x'), link('http://site.test/a #x'),
    ]);
    expect(compact).toEqual({
      urls: ['http://site.test/a#x', 'http://site.test/b#1', 'http://site.test/a', 'mailto:m#x', 'mailto:m#x', 'http://site.test/a #x'],
      nofollow: [0],
    });
  });
});
