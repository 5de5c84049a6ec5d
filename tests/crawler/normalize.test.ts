import { describe, expect, test } from 'vitest';
import { createNormalizer, normalizeUrl } from '../../src/crawler/normalize.js';

describe('normalizeUrl with default options', () => {
  test.each([
    // scheme and host
    ['lower-cases scheme and host', 'HTTP://Example.COM/Path', 'http://example.com/Path'],
    ['keeps path case', 'http://example.com/A/b/C', 'http://example.com/A/b/C'],
    ['drops port 80 on http', 'http://example.com:80/a', 'http://example.com/a'],
    ['drops port 443 on https', 'https://example.com:443/a', 'https://example.com/a'],
    ['keeps port 443 on http', 'http://example.com:443/a', 'http://example.com:443/a'],
    ['keeps port 80 on https', 'https://example.com:80/a', 'https://example.com:80/a'],
    ['keeps a non-default port', 'http://example.com:8080/a', 'http://example.com:8080/a'],
    ['converts an IDN host to punycode', 'http://bücher.example/', 'http://xn--bcher-kva.example/'],
    ['keeps an IPv6 host and drops its default port', 'http://[::1]:80/a', 'http://[::1]/a'],
    // path
    ['gives an empty path as /', 'http://example.com', 'http://example.com/'],
    ['gives an empty path with a query as /', 'http://example.com?a=1', 'http://example.com/?a=1'],
    ['resolves . and .. segments', 'http://example.com/a/./b/../c', 'http://example.com/a/c'],
    ['does not climb above the root', 'http://example.com/../../a', 'http://example.com/a'],
    ['resolves percent-encoded dot segments', 'http://example.com/a/%2e%2E/b', 'http://example.com/b'],
    ['keeps a trailing slash', 'http://example.com/a/', 'http://example.com/a/'],
    // fragment
    ['drops the fragment', 'http://example.com/a#section', 'http://example.com/a'],
    ['drops the fragment after a query', 'http://example.com/a?x=1#section', 'http://example.com/a?x=1'],
    ['drops an empty fragment', 'http://example.com/a#', 'http://example.com/a'],
    // percent-encoding
    ['decodes an escaped unreserved ~', 'http://example.com/%7euser', 'http://example.com/~user'],
    ['decodes escaped letters, digits, - . _', 'http://example.com/%41%62%30%2D%5F', 'http://example.com/Ab0-_'],
    ['keeps %2F escaped and upper-cases it', 'http://example.com/a%2fb', 'http://example.com/a%2Fb'],
    ['upper-cases the hex of reserved escapes', 'http://example.com/%2a%e2%82%ac', 'http://example.com/%2A%E2%82%AC'],
    ['encodes a space in the path', 'http://example.com/a b', 'http://example.com/a%20b'],
    ['keeps a malformed escape as it is', 'http://example.com/%zz', 'http://example.com/%zz'],
    ['normalizes escapes in the query too', 'http://example.com/?x=%7e&y=%2f', 'http://example.com/?x=~&y=%2F'],
    // query
    ['keeps the query and its order', 'http://example.com/?b=2&a=1&b=1', 'http://example.com/?b=2&a=1&b=1'],
    ['keeps a plus in the query', 'http://example.com/?q=a+b', 'http://example.com/?q=a+b'],
    ['keeps a parameter without a value', 'http://example.com/?flag&a=1', 'http://example.com/?flag&a=1'],
    ['drops an empty query', 'http://example.com/a?', 'http://example.com/a'],
    ['drops empty parameters between &s', 'http://example.com/a?&&b=1&', 'http://example.com/a?b=1'],
    // userinfo: never sent, so it must not make a second URL for the same resource
    ['drops user and password', 'http://user:secret@example.com/', 'http://example.com/'],
    ['drops a user without password', 'http://user@example.com/a', 'http://example.com/a'],
  ])('%s', (_name, input, expected) => {
    expect(normalizeUrl(input)).toBe(expected);
  });

  test.each([
    ['mailto:', 'mailto:someone@example.com'],
    ['javascript:', 'javascript:void(0)'],
    ['data:', 'data:text/html,<p>hi</p>'],
    ['tel:', 'tel:+15555555555'],
    ['ftp:', 'ftp://example.com/file.txt'],
    ['file:', 'file:///etc/passwd'],
    ['ws:', 'ws://example.com/socket'],
  ])('returns null for the non-http scheme %s', (_scheme, input) => {
    expect(normalizeUrl(input)).toBeNull();
  });

  test.each([
    ['an empty string', ''],
    ['a relative reference without a base', '/a/b'],
    ['plain words', 'not a url'],
    ['a scheme with no host', 'http://'],
    ['an unclosed IPv6 host', 'http://[::1/'],
    ['an invalid port', 'http://example.com:99999/'],
  ])('returns null for %s', (_name, input) => {
    expect(normalizeUrl(input)).toBeNull();
  });
});

describe('normalizeUrl against a base', () => {
  const base = 'http://example.com/docs/guide/intro.html?x=1#top';

  test.each([
    ['a sibling file', 'setup.html', 'http://example.com/docs/guide/setup.html'],
    ['a parent directory', '../api/', 'http://example.com/docs/api/'],
    ['a root-relative path', '/about', 'http://example.com/about'],
    ['a query only', '?page=2', 'http://example.com/docs/guide/intro.html?page=2'],
    ['a fragment only (the page itself)', '#install', 'http://example.com/docs/guide/intro.html?x=1'],
    ['an empty reference (the page itself)', '', 'http://example.com/docs/guide/intro.html?x=1'],
    ['a scheme-relative URL', '//Other.example:80/x', 'http://other.example/x'],
    ['an absolute URL (base ignored)', 'https://other.example/y', 'https://other.example/y'],
    ['a reference with spaces inside', 'a b.html', 'http://example.com/docs/guide/a%20b.html'],
  ])('resolves %s', (_name, input, expected) => {
    expect(normalizeUrl(input, base)).toBe(expected);
  });

  test('accepts a URL object as the base', () => {
    expect(normalizeUrl('b', new URL('http://example.com/a/'))).toBe('http://example.com/a/b');
  });

  test.each([['mailto:x@example.com'], ['javascript:alert(1)']])('still rejects %s given a base', (input) => {
    expect(normalizeUrl(input, base)).toBeNull();
  });
});

describe('createNormalizer query options', () => {
  test.each([
    ['sorts parameters by name', 'http://e.com/?b=2&a=1&c=3', 'http://e.com/?a=1&b=2&c=3'],
    ['keeps the order of equal names', 'http://e.com/?b=1&a=x&b=0&a=y', 'http://e.com/?a=x&a=y&b=1&b=0'],
    ['sorts on the decoded name', 'http://e.com/?%62=2&a=1', 'http://e.com/?a=1&b=2'],
    ['sorts names without values', 'http://e.com/?z&y=1', 'http://e.com/?y=1&z'],
  ])('sortQuery %s', (_name, input, expected) => {
    expect(createNormalizer({ sortQuery: true })(input)).toBe(expected);
  });

  test('sortQuery makes two orders of the same parameters one URL', () => {
    const normalize = createNormalizer({ sortQuery: true });
    expect(normalize('http://e.com/p?b=1&a=2')).toBe(normalize('http://e.com/p?a=2&b=1'));
  });

  test.each([
    ['http://e.com/a?x=1&y=2', 'http://e.com/a'],
    ['http://e.com/a?', 'http://e.com/a'],
    ['http://e.com/a?x=1#frag', 'http://e.com/a'],
  ])('stripQuery drops the query of %s', (input, expected) => {
    expect(createNormalizer({ stripQuery: true })(input)).toBe(expected);
  });

  test.each([
    ['an exact name', ['sid'], 'http://e.com/?a=1&sid=abc&b=2', 'http://e.com/?a=1&b=2'],
    ['an exact name and no other like it', ['sid'], 'http://e.com/?sid2=1&xsid=2', 'http://e.com/?sid2=1&xsid=2'],
    ['every occurrence of a name', ['sid'], 'http://e.com/?sid=1&a=1&sid=2', 'http://e.com/?a=1'],
    ['a name without a value', ['debug'], 'http://e.com/?debug&a=1', 'http://e.com/?a=1'],
    ['names by a utm_* prefix', ['utm_*'], 'http://e.com/?utm_source=x&id=7&utm_medium=y', 'http://e.com/?id=7'],
    ['the prefix itself as a name', ['utm_*'], 'http://e.com/?utm_=1&utmx=2', 'http://e.com/?utmx=2'],
    ['exact names and prefixes together', ['fbclid', 'utm_*'], 'http://e.com/?fbclid=1&utm_a=2&q=3', 'http://e.com/?q=3'],
    ['an encoded name', ['sid'], 'http://e.com/?%73id=1&a=1', 'http://e.com/?a=1'],
    ['the whole query, leaving none', ['a', 'b'], 'http://e.com/p?a=1&b=2', 'http://e.com/p'],
    ['nothing when the list is empty', [], 'http://e.com/?a=1', 'http://e.com/?a=1'],
  ])('stripParams drops %s', (_name, stripParams, input, expected) => {
    expect(createNormalizer({ stripParams })(input)).toBe(expected);
  });

  test('stripParams and sortQuery combine', () => {
    const normalize = createNormalizer({ stripParams: ['utm_*'], sortQuery: true });
    expect(normalize('http://e.com/?z=1&utm_campaign=c&a=2')).toBe('http://e.com/?a=2&z=1');
  });

  test('stripQuery wins over sortQuery and stripParams', () => {
    const normalize = createNormalizer({ stripQuery: true, sortQuery: true, stripParams: ['a'] });
    expect(normalize('http://e.com/p?b=1&a=2')).toBe('http://e.com/p');
  });

  test('a normalizer resolves against a base like normalizeUrl', () => {
    expect(createNormalizer({ sortQuery: true })('x?b=1&a=2', 'http://e.com/dir/')).toBe('http://e.com/dir/x?a=2&b=1');
  });

  test.each([
    ['http://Example.com:80/a/../b/%7e?b=1&a=2#f'],
    ['https://user:pw@bücher.example/%2f?q=%e2%82%ac'],
    ['http://e.com'],
  ])('is idempotent for %s', (input) => {
    const normalize = createNormalizer({ sortQuery: true, stripParams: ['utm_*'] });
    const once = normalize(input);
    expect(once).not.toBeNull();
    expect(normalize(once as string)).toBe(once);
  });
});
