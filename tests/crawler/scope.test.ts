import { describe, expect, test } from 'vitest';
import { createScope, registrableDomain, scopePrefix } from '../../src/crawler/scope.js';
import type { Scope } from '../../src/crawler/options.js';

const inScope = (starts: string | string[], scope: Scope, url: string, include?: RegExp[], exclude?: RegExp[]) =>
  createScope(Array.isArray(starts) ? starts : [starts], scope, include, exclude)(new URL(url));

describe('createScope by scope kind', () => {
  test.each<[Scope, string, string, boolean]>([
    // host: same hostname, any scheme or port
    ['host', 'http://example.com/', 'http://example.com/a/b', true],
    ['host', 'http://example.com/', 'https://example.com/a', true],
    ['host', 'http://example.com/', 'http://example.com:8080/a', true],
    ['host', 'http://example.com/', 'http://www.example.com/', false],
    ['host', 'http://www.example.com/', 'http://example.com/', false],
    ['host', 'http://example.com/', 'http://example.org/', false],
    ['host', 'http://127.0.0.1:4000/', 'http://127.0.0.1:5000/', true],
    ['host', 'http://127.0.0.1:4000/', 'http://127.0.0.2:4000/', false],
    // origin: scheme, host and port
    ['origin', 'http://example.com/', 'http://example.com/x', true],
    ['origin', 'http://example.com/', 'http://example.com:80/x', true],
    ['origin', 'http://example.com/', 'https://example.com/x', false],
    ['origin', 'http://example.com/', 'http://example.com:8080/x', false],
    ['origin', 'http://example.com/', 'http://sub.example.com/x', false],
    // domain: the registrable domain and its subdomains
    ['domain', 'http://www.example.com/', 'http://example.com/', true],
    ['domain', 'http://www.example.com/', 'https://blog.example.com/', true],
    ['domain', 'http://www.example.com/', 'http://a.b.c.example.com:81/', true],
    ['domain', 'http://www.example.com/', 'http://notexample.com/', false],
    ['domain', 'http://www.example.com/', 'http://example.com.evil.net/', false],
    ['domain', 'http://a.b.example.co.uk/', 'http://example.co.uk/', true],
    ['domain', 'http://a.b.example.co.uk/', 'http://shop.example.co.uk/', true],
    ['domain', 'http://a.b.example.co.uk/', 'http://other.co.uk/', false],
    ['domain', 'http://alice.github.io/', 'http://bob.github.io/', false],
    ['domain', 'http://127.0.0.1:4000/', 'http://127.0.0.1:5000/', true],
    ['domain', 'http://127.0.0.1/', 'http://127.0.0.2/', false],
    ['domain', 'http://localhost:3000/', 'http://localhost:4000/', true],
    ['domain', 'http://localhost/', 'http://example.com/', false],
    // prefix: same origin, under the start's directory
    ['prefix', 'http://example.com/docs/intro.html', 'http://example.com/docs/', true],
    ['prefix', 'http://example.com/docs/intro.html', 'http://example.com/docs/api/x.html', true],
    ['prefix', 'http://example.com/docs/intro.html', 'http://example.com/docsx', false],
    ['prefix', 'http://example.com/docs/intro.html', 'http://example.com/docs', false],
    ['prefix', 'http://example.com/docs/intro.html', 'http://example.com/', false],
    ['prefix', 'http://example.com/docs/intro.html', 'https://example.com/docs/x', false],
    ['prefix', 'http://example.com/docs/', 'http://example.com/docs/x', true],
    ['prefix', 'http://example.com/docs', 'http://example.com/other', true],
    ['prefix', 'http://example.com/%7euser/index.html', 'http://example.com/~user/a', true],
    ['prefix', 'http://example.com/%7Euser/', 'http://example.com/~user/', true],
    // any
    ['any', 'http://example.com/', 'https://elsewhere.org:9000/x', true],
  ])('%s scope from %s admits %s: %s', (scope, start, url, expected) => {
    expect(inScope(start, scope, url)).toBe(expected);
  });
});

describe('scope helpers', () => {
  test.each([
    ['a.b.example.co.uk', 'example.co.uk'],
    ['www.example.com', 'example.com'],
    ['example.com', 'example.com'],
    ['alice.github.io', 'alice.github.io'],
    ['127.0.0.1', '127.0.0.1'],
    ['[::1]', '[::1]'],
    ['localhost', 'localhost'],
    ['co.uk', 'co.uk'],
  ])('registrableDomain(%s) is %s', (hostname, expected) => {
    expect(registrableDomain(hostname)).toBe(expected);
  });

  test.each([
    ['http://e.com/docs/intro.html', '/docs/'],
    ['http://e.com/docs/', '/docs/'],
    ['http://e.com/docs', '/'],
    ['http://e.com/', '/'],
    ['http://e.com/a/b/c?x=1', '/a/b/'],
  ])('scopePrefix of %s is %s', (start, expected) => {
    expect(scopePrefix(new URL(start))).toBe(expected);
  });
});

describe('createScope include and exclude', () => {
  const start = 'http://e.com/';

  test.each<[string, string, RegExp[], RegExp[], boolean]>([
    ['an include match is admitted', 'http://e.com/blog/1', [/\/blog\//], [], true],
    ['no include match is refused', 'http://e.com/shop/1', [/\/blog\//], [], false],
    ['a match of any one include is admitted', 'http://e.com/shop/1', [/\/blog\//, /\/shop\//], [], true],
    ['an exclude match is refused', 'http://e.com/blog/draft', [], [/draft/], false],
    ['no exclude match is admitted', 'http://e.com/blog/1', [], [/draft/], true],
    ['exclude wins over include', 'http://e.com/blog/draft', [/\/blog\//], [/draft/], false],
    ['the query is matched too', 'http://e.com/x?session=1', [], [/[?&]session=/], false],
  ])('%s (%s)', (_name, url, include, exclude, expected) => {
    expect(inScope(start, 'host', url, include, exclude)).toBe(expected);
  });

  test('patterns do not widen the scope', () => {
    expect(inScope(start, 'host', 'http://other.com/blog/1', [/\/blog\//])).toBe(false);
  });

  test('patterns are tested against the URL string', () => {
    expect(inScope(start, 'host', 'http://e.com/a?b=1', [/^http:\/\/e\.com\/a\?b=1$/])).toBe(true);
  });

  test.each<[string, RegExp[], RegExp[], boolean]>([
    ['include', [/blog/g], [], true],
    ['exclude', [], [/draft/g], false],
  ])('a global-flag %s pattern gives the same answer every time', (_kind, include, exclude, expected) => {
    const check = createScope([start], 'host', include, exclude);
    const url = new URL('http://e.com/blog/draft');
    expect([check(url), check(url), check(url)]).toEqual([expected, expected, expected]);
  });

  test('a sticky pattern gives the same answer every time', () => {
    const check = createScope([start], 'host', [/http/y]);
    const url = new URL('http://e.com/x');
    expect([check(url), check(url)]).toEqual([true, true]);
  });
});

describe('createScope with several start URLs', () => {
  const starts = ['http://a.example/docs/x.html', 'https://b.example/blog/'];

  test.each<[Scope, string, boolean]>([
    ['host', 'http://a.example/other', true],
    ['host', 'http://b.example/other', true],
    ['host', 'http://c.example/', false],
    ['prefix', 'http://a.example/docs/y', true],
    ['prefix', 'https://b.example/blog/post', true],
    ['prefix', 'http://a.example/blog/post', false],
    ['prefix', 'https://b.example/docs/y', false],
    ['origin', 'http://b.example/', false],
  ])('%s scope admits %s when any start allows it: %s', (scope, url, expected) => {
    expect(inScope(starts, scope, url)).toBe(expected);
  });
});
