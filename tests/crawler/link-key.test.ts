import { describe, expect, test } from 'vitest';
import { isAbsoluteHttp, linkKey } from '../../src/crawler/link-key.js';

describe('isAbsoluteHttp', () => {
  test.each([
    'http://a', 'HTTPS://a', 'hTtP://', 'httpS://x', 'https:/a', 'http:a', 'htt://', '', 'h', 'httpss://', 'http//', 'ftp://a',
    ' http://a', 'http:\\\\a', 'http\t://a', 'ſhttp://a', 'httpſ://a', 'HTTP:///', 'https:', 'http:/',
  ])('%j as /^https?:\\/\\//i says', (url) => {
    expect(isAbsoluteHttp(url)).toBe(/^https?:\/\//i.test(url));
  });
});

describe('linkKey', () => {
  test.each<[string, string]>([
    ['http://a/b#x', 'http://a/b'],
    ['http://a/b#', 'http://a/b'],
    ['http://a/b', 'http://a/b'],
    ['http://a/b #x', 'http://a/b #x'],
    ['http://a/b\t#x', 'http://a/b\t#x'],
    ['mailto:a#x', 'mailto:a#x'],
    ['a.html#x', 'a.html#x'],
  ])('%j -> %j', (url, key) => {
    expect(linkKey(url)).toBe(key);
  });
});
