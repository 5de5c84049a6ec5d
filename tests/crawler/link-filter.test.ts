import { describe, expect, test } from 'vitest';
import { filterLinks } from '../../src/crawler/link-filter.js';
import { linkKey } from '../../src/crawler/link-key.js';
import type { LinkRules } from '../../src/crawler/link-filter.js';
import { createUrlNormalizer } from '../../src/crawler/normalize.js';
import { createScope } from '../../src/crawler/scope.js';
import type { FoundLink } from '../../src/extractors/extractor.js';

function rules(overrides: Partial<LinkRules> = {}): LinkRules {
  return {
    normalize: createUrlNormalizer(),
    inScope: createScope(['http://site.test/'], 'host', [], [/\/excluded\//]),
    maxUrlLength: 60,
    maxRepeatedSegments: 2,
    followNofollow: false,
    ...overrides,
  };
}

const link = (url: string, extra: Partial<FoundLink> = {}): FoundLink => ({ url, text: '', element: 'a', attribute: 'href', ...extra });
const skips = (skipped: Map<string, number>) => Object.fromEntries([...skipped].sort(([a], [b]) => a.localeCompare(b)));

describe('filterLinks single rules', () => {
  test.each<[string, FoundLink, boolean, Record<string, number>, number]>([
    ['an in-scope link is a candidate', link('http://site.test/a'), true, {}, 1],
    ['mailto: is skipped as scheme', link('mailto:a@site.test'), true, { scheme: 1 }, 0],
    ['javascript: is skipped as scheme', link('javascript:void(0)'), true, { scheme: 1 }, 0],
    ['tel: is skipped as scheme', link('tel:+123'), true, { scheme: 1 }, 0],
    ['ftp: is skipped as scheme', link('ftp://site.test/f'), true, { scheme: 1 }, 0],
    ['a broken http URL is skipped as invalid', link('http://'), true, { invalid: 1 }, 0],
    ['a broken HTTPS URL in capitals is skipped as invalid', link('HTTPS://[oops'), true, { invalid: 1 }, 0],
    ['a URL over maxUrlLength is skipped as too-long', link(`http://site.test/${'x'.repeat(60)}`), true, { 'too-long': 1 }, 0],
    ['a repeated path segment is skipped as trap', link('http://site.test/a/b/a/b/a'), true, { trap: 1 }, 0],
    ['another host is skipped as scope', link('http://other.test/a'), true, { scope: 1 }, 0],
    ['an exclude match is skipped as scope', link('http://site.test/excluded/a'), true, { scope: 1 }, 0],
    ['a nofollow link is skipped as nofollow', link('http://site.test/a', { nofollow: true }), true, { nofollow: 1 }, 0],
    ['an in-scope link at maxDepth is skipped as depth', link('http://site.test/a'), false, { depth: 1 }, 0],
    ['nofollow is reported before depth', link('http://site.test/a', { nofollow: true }), false, { nofollow: 1 }, 0],
    ['scope is reported before depth', link('http://other.test/a'), false, { scope: 1 }, 0],
  ])('%s', (_name, found, expand, expectedSkips, expectedCandidates) => {
    const result = filterLinks([found], rules(), expand);
    expect(skips(result.skipped)).toEqual(expectedSkips);
    expect(result.candidates).toHaveLength(expectedCandidates);
  });

  test('followNofollow makes a nofollow link a candidate', () => {
    const result = filterLinks([link('http://site.test/a', { nofollow: true })], rules({ followNofollow: true }), true);
    expect(result.candidates.map((candidate) => candidate.url)).toEqual(['http://site.test/a']);
    expect(result.skipped.size).toBe(0);
  });

  test('followNofollow still skips at maxDepth as depth', () => {
    const result = filterLinks([link('http://site.test/a', { nofollow: true })], rules({ followNofollow: true }), false);
    expect(skips(result.skipped)).toEqual({ depth: 1 });
  });
});

describe('filterLinks rule order', () => {
  test.each<[string, FoundLink, string]>([
    ['too-long before scope', link(`http://other.test/${'x'.repeat(60)}`), 'too-long'],
    ['trap before scope', link('http://other.test/a/a/a'), 'trap'],
    ['too-long before nofollow', link(`http://site.test/${'x'.repeat(60)}`, { nofollow: true }), 'too-long'],
    ['scope before nofollow', link('http://other.test/a', { nofollow: true }), 'scope'],
  ])('checks %s', (_name, found, reason) => {
    expect(skips(filterLinks([found], rules(), false).skipped)).toEqual({ [reason]: 1 });
  });

  test('judges the length of the normalized URL', () => {
    // 63 characters as written, 48 once the default port and the dot segments are gone.
    const raw = 'http://site.test:80/a/../b/./c/../d/' + 'x'.repeat(27);
    expect(raw.length).toBeGreaterThan(60);
    expect(filterLinks([link(raw)], rules(), true).candidates).toHaveLength(1);
  });
});

describe('filterLinks on a whole page', () => {
  const page: FoundLink[] = [
    link('http://site.test/a', { text: 'A' }),
    link('http://site.test/a#top', { text: 'A again' }),
    link('HTTP://SITE.TEST:80/a'),
    link('http://site.test/b', { nofollow: true }),
    link('http://site.test/c'),
    link('mailto:x@site.test'),
    link('mailto:x@site.test'),
    link('http://other.test/'),
    link('http://other.test/'),
    link('http://site.test/excluded/x'),
    link('http://site.test/q/q/q'),
  ];

  test('drops duplicates within the page silently and counts each skip once per URL', () => {
    const result = filterLinks(page, rules(), true);
    expect(result.candidates.map((candidate) => candidate.url)).toEqual(['http://site.test/a', 'http://site.test/c']);
    expect(skips(result.skipped)).toEqual({ nofollow: 1, scheme: 2, scope: 2, trap: 1 });
  });

  test('counts distinct in-scope links, followed or not', () => {
    expect(filterLinks(page, rules(), true).inScope).toBe(3);
    expect(filterLinks(page, rules(), false).inScope).toBe(3);
  });

  test('at maxDepth every in-scope link that is not nofollow counts as depth', () => {
    const result = filterLinks(page, rules(), false);
    expect(result.candidates).toEqual([]);
    expect(skips(result.skipped)).toEqual({ depth: 2, nofollow: 1, scheme: 2, scope: 2, trap: 1 });
  });

  test('the first occurrence of a URL is the candidate, with the normalized URL in link.url', () => {
    const [first] = filterLinks(page, rules(), true).candidates;
    expect(first).toEqual({
      url: 'http://site.test/a',
      link: { url: 'http://site.test/a', text: 'A', element: 'a', attribute: 'href' },
    });
  });

  test('a plain link to a URL linked earlier with rel=nofollow is followed', () => {
    const result = filterLinks(
      [link('http://site.test/a', { nofollow: true, text: 'sponsored' }), link('http://site.test/a', { text: 'plain' })],
      rules(),
      true,
    );
    expect(result.candidates.map((candidate) => candidate.link.text)).toEqual(['plain']);
    expect(result.skipped.size).toBe(0);
    expect(result.inScope).toBe(1);
  });

  test('a plain link to a URL linked earlier with rel=nofollow counts as depth at maxDepth', () => {
    const result = filterLinks([link('http://site.test/a', { nofollow: true }), link('http://site.test/a')], rules(), false);
    expect(skips(result.skipped)).toEqual({ depth: 1 });
  });

  test('a nofollow link to a URL linked earlier without it changes nothing', () => {
    const result = filterLinks([link('http://site.test/a'), link('http://site.test/a', { nofollow: true })], rules(), true);
    expect(result.candidates).toHaveLength(1);
    expect(result.skipped.size).toBe(0);
  });

  test('uses the normalizer it is given for duplicates', () => {
    const links = [link('http://site.test/p?b=1&a=2'), link('http://site.test/p?a=2&b=1')];
    expect(filterLinks(links, rules(), true).candidates).toHaveLength(2);
    expect(filterLinks(links, rules({ normalize: createUrlNormalizer({ sortQuery: true }) }), true).candidates).toHaveLength(1);
  });

  test('an empty page gives nothing', () => {
    expect(filterLinks([], rules(), true)).toEqual({ candidates: [], inScope: 0, skipped: new Map() });
  });
});

describe('verdicts remembered without the fragment', () => {
  // Each with a fragment, as a page links sections; a C0 control or space before '#' is not trailing, so it counts.
  const tricky = [
    'http://site.test/a#x',
    'http://site.test/a#',
    'http://site.test/a#b#c',
    'http://site.test/a #x',
    'http://site.test/a\t#x',
    'http://site.test/a\n#x',
    'http://site.test/a\u0001#x',
    'http://site.test/a \t#x',
    'http://site.test/a\u00a0#x',
    'http://site.test/a?q #x',
    'http://site.test/a?#x',
    'http://site.test/a?q=1&r#x',
    'http://site.test#x',
    'http://site.test:80#x',
    'http://user#x@site.test/',
    'http://#x',
    'http://[::1#x]/',
    'http://site.test/a%20#b%',
    'http://site.test/é#ü x',
    'http://site.test/a/..#x',
    'http://site.test/a\\b#x',
    'HTTP://SITE.test/A#x',
    `http://site.test/${'x'.repeat(50)}#${'y'.repeat(20)}`,
    'http://site.test/excluded/a#x',
    'http://other.test/a#x',
  ];

  test.each(tricky)('%j normalizes as its key does', (url) => {
    const normalize = createUrlNormalizer();
    expect(normalize(linkKey(url))).toEqual(normalize(url));
  });

  test('a shared rule set gives each URL the verdict it gets alone, whichever fragment came first', () => {
    const shared = rules();
    const alone = (url: string) => filterLinks([link(url)], rules(), true);
    const expected = tricky.map(alone);
    const withoutFragments = tricky.map((url) => filterLinks([link(linkKey(url))], shared, true));
    const afterThem = tricky.map((url) => filterLinks([link(url)], shared, true));
    expect(afterThem).toEqual(expected);
    // The same URL bare (as a key) and with its fragment: the bare one's verdict is its own.
    expect(withoutFragments.map((result) => result.candidates.map((candidate) => candidate.url))).toEqual(expected.map((result) => result.candidates.map((candidate) => candidate.url)));
  });
});
