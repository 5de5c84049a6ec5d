import { describe, expect, test } from 'vitest';
import { LinkExtractor, pageIsNofollow } from '../../src/extractors/links.js';
import type { FoundLink } from '../../src/extractors/extractor.js';
import { htmlPage } from '../helpers/page.js';

async function linksOf(html: string, finalUrl?: string): Promise<FoundLink[]> {
  const extracted = await new LinkExtractor().extract(htmlPage(html, finalUrl));
  return extracted.links ?? [];
}

const urlsOf = async (html: string) => (await linksOf(html)).map((link) => link.url);

describe('LinkExtractor elements', () => {
  test('finds a, area and link rel=next/prev in document order', async () => {
    const html = `<html><head>
      <link rel="stylesheet" href="/style.css"><link rel="prev" href="/page/1"><link rel="next" href="/page/3">
      <link rel="icon" href="/favicon.ico"><link rel="canonical" href="/page/2"><link rel="alternate" href="/feed">
      <link rel="Previous" href="/page/0"><link rel="preload next" href="/page/4">
      </head><body><a href="/a">A</a><map><area href="/area" alt="Area"></map><a href="/b">B</a></body></html>`;
    expect(await urlsOf(html)).toEqual([
      'http://site.test/page/1', 'http://site.test/page/3', 'http://site.test/page/0', 'http://site.test/page/4',
      'http://site.test/a', 'http://site.test/area', 'http://site.test/b',
    ]);
  });

  test.each<[string, string, FoundLink]>([
    ['an a with its text', '<a href="/x"> Go\n <b>there</b> </a>', { url: 'http://site.test/x', text: 'Go there', element: 'a', attribute: 'href', nofollow: false }],
    ['an area with its alt as text', '<map><area href="/m" alt="Map part"></map>', { url: 'http://site.test/m', text: 'Map part', element: 'area', attribute: 'href', nofollow: false }],
    ['an area without alt', '<map><area href="/m"></map>', { url: 'http://site.test/m', text: '', element: 'area', attribute: 'href', nofollow: false }],
    ['a link rel=next with empty text', '<link rel="next" href="/n">', { url: 'http://site.test/n', text: '', element: 'link', attribute: 'href', rel: 'next', nofollow: false }],
    ['an a with rel kept as written', '<a href="/x" rel="External Author">X</a>', { url: 'http://site.test/x', text: 'X', element: 'a', attribute: 'href', rel: 'External Author', nofollow: false }],
  ])('reports %s', async (_name, html, expected) => {
    expect(await linksOf(html)).toEqual([expected]);
  });

  test.each([
    ['an a without href', '<a name="anchor">x</a>'],
    ['an area without href', '<map><area alt="x"></map>'],
    ['a link without a followed rel', '<link rel="stylesheet" href="/s.css">'],
    ['a link without rel', '<link href="/s.css">'],
    ['an a with an unparsable href', '<a href="http://[oops/">x</a>'],
    ['an img src', '<img src="/i.png">'],
    ['an iframe src', '<iframe src="/frame"></iframe>'],
    ['an a inside a template', '<template><a href="/t">t</a></template>'],
  ])('ignores %s', async (_name, html) => {
    expect(await linksOf(html)).toEqual([]);
  });

  test('emits no records', async () => {
    const extracted = await new LinkExtractor().extract(htmlPage('<a href="/x">x</a>'));
    expect(extracted.records).toBeUndefined();
  });

  test('is named links', () => {
    expect(new LinkExtractor().name).toBe('links');
  });
});

describe('LinkExtractor hrefs', () => {
  test.each<[string, string, string]>([
    ['a relative href against the page URL', 'sibling.html', 'http://site.test/dir/sibling.html'],
    ['an href with white space around it', '  \n /spaced \t', 'http://site.test/spaced'],
    ['an href with a newline inside', '/a\nb', 'http://site.test/ab'],
    ['an empty href as the page itself', '', 'http://site.test/dir/page.html'],
    ['a fragment href with its fragment', '#top', 'http://site.test/dir/page.html#top'],
    ['an absolute href as is', 'https://other.test/x?y=1', 'https://other.test/x?y=1'],
    ['javascript: as is (filtering is the crawler\'s job)', 'javascript:void(0)', 'javascript:void(0)'],
    ['mailto: as is (filtering is the crawler\'s job)', 'mailto:me@site.test', 'mailto:me@site.test'],
    ['tel: as is', 'tel:+15555555555', 'tel:+15555555555'],
    ['an entity-encoded ampersand decoded', '/s?a=1&amp;b=2', 'http://site.test/s?a=1&b=2'],
  ])('gives %s', async (_name, href, expected) => {
    expect(await urlsOf(`<a href="${href}">x</a>`)).toEqual([expected]);
  });

  test('resolves against <base href>', async () => {
    expect(await urlsOf('<head><base href="https://cdn.test/root/"></head><a href="x">x</a><a href="/y">y</a>')).toEqual([
      'https://cdn.test/root/x',
      'https://cdn.test/y',
    ]);
  });

  test('keeps duplicates (deduplication is the crawler\'s job)', async () => {
    expect(await urlsOf('<a href="/x">1</a><a href="/x">2</a>')).toEqual(['http://site.test/x', 'http://site.test/x']);
  });
});

describe('LinkExtractor nofollow', () => {
  test.each<[string, string, boolean]>([
    ['rel=nofollow', '<a href="/x" rel="nofollow">x</a>', true],
    ['rel with nofollow among other tokens', '<a href="/x" rel="external  NoFollow noopener">x</a>', true],
    ['rel=ugc without nofollow', '<a href="/x" rel="ugc">x</a>', false],
    ['a token containing nofollow', '<a href="/x" rel="nofollowing">x</a>', false],
    ['no rel', '<a href="/x">x</a>', false],
    ['an area with rel=nofollow', '<map><area href="/x" rel="nofollow"></map>', true],
    ['a link rel="next nofollow"', '<link rel="next nofollow" href="/x">', true],
  ])('%s gives nofollow %s', async (_name, html, expected) => {
    expect((await linksOf(html)).map((link) => link.nofollow)).toEqual([expected]);
  });

  test.each<[string, string, boolean]>([
    ['robots nofollow', '<meta name="robots" content="nofollow">', true],
    ['robots none', '<meta name="robots" content="none">', true],
    ['robots noindex, nofollow in capitals', '<meta name="ROBOTS" content="NOINDEX, NOFOLLOW">', true],
    ['sitecrawl nofollow', '<meta name="sitecrawl" content="nofollow">', true],
    ['robots noindex only', '<meta name="robots" content="noindex">', false],
    ['robots index, follow', '<meta name="robots" content="index, follow">', false],
    ['another bot\'s nofollow', '<meta name="googlebot" content="nofollow">', false],
    ['no robots meta', '<meta name="description" content="nofollow">', false],
  ])('a page with %s marks every link nofollow: %s', async (_name, meta, expected) => {
    const html = `<html><head>${meta}</head><body><a href="/a">a</a><a href="/b" rel="nofollow">b</a></body></html>`;
    const page = htmlPage(html);
    expect(pageIsNofollow(page)).toBe(expected);
    expect((await linksOf(html)).map((link) => link.nofollow)).toEqual([expected, true]);
  });
});

describe('LinkExtractor on malformed HTML', () => {
  test.each<[string, string, string[]]>([
    ['unclosed tags', '<div><p><a href="/a">a<li><a href="/b">b', ['/a', '/b']],
    ['a stray </div>', '</div><a href="/a">a</a></div></div><a href="/b">b</a>', ['/a', '/b']],
    ['an unclosed attribute quote at the end', '<a href="/a">a</a><a href="/b', ['/a']],
    ['unquoted attributes', '<a href=/a>a</a><a href=b.html>b</a>', ['/a', '/dir/b.html']],
    ['nested anchors', '<a href="/outer">o<a href="/inner">i</a></a>', ['/outer', '/inner']],
    ['content before <html>', 'junk<html><body><a href="/a">a</a>', ['/a']],
    ['a link after </html>', '<html><body></body></html><a href="/late">late</a>', ['/late']],
    ['a table with stray cells', '<table><a href="/t">t</a><tr><td><a href="/c">c</td></table>', ['/t', '/c']],
  ])('still finds the links with %s', async (_name, html, expected) => {
    expect((await urlsOf(html)).map((url) => new URL(url).pathname)).toEqual(expected);
  });
});
