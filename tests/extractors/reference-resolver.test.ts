import { describe, expect, test } from 'vitest';
import { ReferenceResolver } from '../../src/extractors/reference-resolver.js';

// What Page.resolve has always returned: the reference trimmed, then the WHATWG parser.
function expected(href: string, base: string): string | null {
  try {
    return new URL(href.trim(), base).href;
  } catch {
    return null;
  }
}

const BEFORE_FRAGMENT = [
  '', ' ', 'a.html', ' a.html', '  a.html', 'a.html ', 'a b.html', 'a\t.html', 'a\n.html', '\ta.html', 'a.html\t', 'a.html\n',
  'a\u0001', '\u0001a', '\u00a0a.html', 'a.html\u00a0', 'a.html\u3000', '\ufeffa.html', 'é.html', 'a%zz', 'a%20b', '\\back',
  '../x/y.html', './', '..', '.', '?', '?q=1', '?q= 1', '?q=1 ', '//other.test/p', '//other.test', '/abs', '/a/../b',
  'http://site.test/p', 'HTTP://Site.Test:80/p', 'http://[oops', 'http://', 'http:', 'javascript:void(0)', 'javascript:a ',
  'javascript:', 'mailto:a@b.test', 'data:text/html,x', 'about:blank', 'tel:+1',
];
const FRAGMENTS = [
  undefined, '', 'x', 'sec-1.2', 'a b', '%', '%20', '%zz', 'é', '#', 'a#b', '##', '\t', 'x\t', 'x\n', ' x', 'x ', '"q"', '<>', '`',
  "~!$&'()*+,;=:@/?[]{}|^\\", 'x\u00a0', '\u0001', '\u007f', 'x\u3000',
];
const BASES = [
  'http://site.test/dir/page.html', 'http://site.test/dir/page.html?p=1#frag', 'https://site.test/', 'http://site.test/a/b/',
  'about:blank', 'file:///tmp/x.html', 'http://[::1]:8080/x',
];
const HREFS = BEFORE_FRAGMENT.flatMap((before) => FRAGMENTS.map((fragment) => (fragment === undefined ? before : `${before}#${fragment}`)));

describe('ReferenceResolver', () => {
  test.each(BASES)('resolves every reference as new URL does against %s, in any order and repeated', (base) => {
    const want = HREFS.map((href) => expected(href, base));
    const resolver = new ReferenceResolver(base);
    expect(HREFS.map((href) => resolver.resolve(href))).toEqual(want);
    // Warm: every part before '#' remembered, in the other order.
    expect(HREFS.map((href) => resolver.resolve(href)).reverse()).toEqual(want.reverse());
    const reversed = new ReferenceResolver(base);
    expect([...HREFS].reverse().map((href) => reversed.resolve(href)).reverse()).toEqual(HREFS.map((href) => expected(href, base)));
  });

  test('keeps the fragment of every link to one page', () => {
    const resolver = new ReferenceResolver('http://site.test/docs/index.html');
    expect(['os.html#os.path', 'os.html#x y', 'os.html', 'os.html#', '#top'].map((href) => resolver.resolve(href))).toEqual([
      'http://site.test/docs/os.html#os.path',
      'http://site.test/docs/os.html#x%20y',
      'http://site.test/docs/os.html',
      'http://site.test/docs/os.html#',
      'http://site.test/docs/index.html#top',
    ]);
  });
});
