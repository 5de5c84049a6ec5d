import { describe, expect, test } from 'vitest';
import { detectTrap } from '../../src/crawler/traps.js';
import type { TrapReason } from '../../src/crawler/traps.js';

const check = (url: string, maxUrlLength = 2048, maxRepeatedSegments = 3): TrapReason =>
  detectTrap(url, new URL(url).pathname, maxUrlLength, maxRepeatedSegments);

describe('detectTrap', () => {
  test.each<[string, string, number, TrapReason]>([
    ['a URL at the length limit passes', 'http://e.com/abcd', 17, null],
    ['a URL one over the length limit is too-long', 'http://e.com/abcde', 17, 'too-long'],
    ['the query counts towards the length', 'http://e.com/?q=1234567', 20, 'too-long'],
  ])('%s', (_name, url, maxUrlLength, expected) => {
    expect(check(url, maxUrlLength)).toBe(expected);
  });

  test.each<[string, string, number, TrapReason]>([
    ['a path with distinct segments passes', 'http://e.com/a/b/c/d', 1, null],
    ['a segment repeated up to the limit passes', 'http://e.com/a/b/a/b/a/b', 3, null],
    ['a segment repeated over the limit is a trap', 'http://e.com/a/b/a/b/a/b/a', 3, 'trap'],
    ['adjacent repeats count', 'http://e.com/x/x', 1, 'trap'],
    ['repeats anywhere in the path count, not only in a row', 'http://e.com/cal/2024/next/cal/2025/next', 1, 'trap'],
    ['empty segments (double slashes) are not counted', 'http://e.com/a//b///c/', 1, null],
    ['segment names are compared exactly', 'http://e.com/A/a/A%20/a%20', 1, null],
    ['the query is not a path segment', 'http://e.com/a?x=a/a/a/a', 1, null],
    ['a root path passes', 'http://e.com/', 1, null],
  ])('%s', (_name, url, maxRepeatedSegments, expected) => {
    expect(check(url, 2048, maxRepeatedSegments)).toBe(expected);
  });

  test('length is checked before repeated segments', () => {
    expect(check('http://e.com/a/a/a/a/a', 10, 1)).toBe('too-long');
  });
});
